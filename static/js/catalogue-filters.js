// The catalogue's facets work without this script: a <details>, folded on a phone and
// shown as a column from wider widths by catalogue.css. Where it is a column, this opens
// it for browsers that cannot style ::details-content (docs-navigation.js does the same
// for the docs' panels).
(function () {
  "use strict";
  document.querySelectorAll(".catalogue-facets[data-open-from]").forEach(function (panel) {
    var column = window.matchMedia(panel.dataset.openFrom);
    if (column.matches) { panel.open = true; }
    column.addEventListener("change", function () { panel.open = column.matches; });
  });
})();
