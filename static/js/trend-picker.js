/* Trends: the answers ticked under a chart are drawn in colour, the others in grey.
   The chart is SVG drawn by the server (survey/results/trend_chart.html); this script
   shows the picker in place of the fixed legend and recolours the lines through their
   stroke and fill attributes, which the Content-Security-Policy does not count as
   inline styles. The grey is the chart's data-muted. A chart with data-palette gives the
   picked answers its colours in turn; otherwise each answer has its own (data-colour). */
(function () {
  "use strict";
  function recolour(chart, picker) {
    var palette = (chart.getAttribute("data-palette") || "").split(" ").filter(Boolean);
    var muted = chart.getAttribute("data-muted");
    var picked = Array.prototype.map.call(picker.querySelectorAll("input:checked"), function (input) {
      return input.value;
    });
    var lines = Array.prototype.slice.call(chart.querySelectorAll(".trend-line"));
    lines.forEach(function (line) {
      var index = line.getAttribute("data-index");
      var rank = picked.indexOf(index);
      var colour = muted;
      if (rank !== -1) {
        colour = palette.length ? palette[rank % palette.length] : line.getAttribute("data-colour");
      }
      line.setAttribute("stroke", colour);
      line.setAttribute("fill", colour);
      line.classList.toggle("is-picked", rank !== -1);
      var swatch = picker.querySelector('input[value="' + index + '"] + label rect');
      if (swatch) { swatch.setAttribute("fill", colour); }
    });
    // The lines in colour are drawn last, over the grey ones.
    lines.forEach(function (line) {
      if (line.classList.contains("is-picked")) { line.parentNode.appendChild(line); }
    });
  }

  document.querySelectorAll("[data-picker]").forEach(function (picker) {
    var id = picker.getAttribute("data-picker");
    var chart = document.getElementById(id);
    if (!chart) { return; }
    var legend = document.querySelector('[data-legend="' + id + '"]');
    if (legend) { legend.hidden = true; }
    picker.hidden = false;
    picker.addEventListener("change", function () { recolour(chart, picker); });
  });
})();
