// Contact addresses are written in parts in the HTML so that address harvesters do
// not find them; this turns each into a working mailto link for people.
"use strict";
document.querySelectorAll(".protected-email[data-name][data-domain]").forEach((element) => {
  const address = `${element.dataset.name}@${element.dataset.domain}`;
  const link = document.createElement("a");
  link.href = `mailto:${address}`;
  link.textContent = address;
  element.replaceChildren(link);
});
