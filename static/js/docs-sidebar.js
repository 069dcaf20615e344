// On a phone the page list would push the text a screen down: fold it there.
// Without JavaScript it stays open, which still works.
(function () {
  "use strict";
  if (!window.matchMedia("(max-width: 48rem)").matches) { return; }
  document.querySelectorAll(".docs-sidebar-details").forEach(function (details) {
    details.open = false;
  });
})();
