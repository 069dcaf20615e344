/* Survey results: draw each chart from the JSON that the page carries (json_script).
   The data tables next to the charts hold the same numbers and work without JavaScript. */
(function () {
  "use strict";
  if (!window.Plotly) { return; }
  document.querySelectorAll("[data-chart]").forEach(function (target) {
    var source = document.getElementById(target.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    target.classList.add("is-drawn");
    window.Plotly.newPlot(target, spec.data, spec.layout, spec.config);
  });
})();
