// Enhancement of the header menu, which works without it (<details>): on a desk
// width it stays open (for browsers that cannot style ::details-content); on a
// phone, Escape or a click elsewhere closes it.
(function () {
  "use strict";
  var menu = document.querySelector("[data-site-menu]");
  if (!menu) { return; }
  var desk = window.matchMedia("(min-width: 1200px)");
  function fit() { menu.open = desk.matches; }
  fit();
  desk.addEventListener("change", fit);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open && !desk.matches) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (menu.open && !desk.matches && !menu.contains(event.target)) { menu.open = false; }
  });
})();
