/* Survey results: draw each chart from the JSON that the page carries (json_script).
   The data tables next to the charts hold the same numbers and work without JavaScript.
   Charts fit their box: long labels wrap, a phone gets the horizontal version of upright
   bars (the spec's "narrow"), a heat map hidden by the stylesheet is drawn when it shows.
   plotly.js (data-plotly on this script's tag) is fetched only when the first chart comes
   near the screen, and each chart is drawn when it does: the text and tables come first. */
(function () {
  "use strict";
  var script = document.currentScript;
  var PLOTLY = script && script.getAttribute("data-plotly");
  if (!PLOTLY || !window.IntersectionObserver) { return; }
  var NARROW = window.matchMedia("(max-width: 599px)");
  var CHAR = 7.5;  // px per character of the 14 px chart font, near enough to wrap labels
  var LINE = 17;
  var UPRIGHT_HEAD = 16;  // characters a line of an upright column head holds
  var charts = [];

  function wrap(text, width) {
    var lines = [], line = "";
    String(text).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    lines.push(line);
    return lines;
  }

  function longestWord(text) {
    return Math.max.apply(null, String(text).split(" ").map(function (word) { return word.length; }));
  }

  function longestLine(text) {
    return Math.max.apply(null, text.split("<br>").map(function (line) { return line.length; }));
  }

  // Tick texts wrapped to ``width`` characters; the categories (and hover) keep the full text.
  function wrapAxis(axis, categories, width) {
    axis.tickmode = "array";
    axis.tickvals = categories;
    axis.ticktext = categories.map(function (category) {
      return wrap(category, Math.max(width, 6)).join("<br>");
    });
    return axis.ticktext.map(function (text) { return text.split("<br>").length; });
  }

  // Plotly gives every category the same band: as high as the tallest label needs.
  function rowsHeight(lineCounts, minimum) {
    var most = Math.max.apply(null, lineCounts.concat([1]));
    return lineCounts.length * Math.max(minimum, most * LINE + 10);
  }

  function fitted(chart) {
    var spec = NARROW.matches && chart.spec.narrow ? chart.spec.narrow : chart.spec;
    var data = JSON.parse(JSON.stringify(spec.data));
    var layout = JSON.parse(JSON.stringify(spec.layout));
    var width = chart.box.clientWidth || 600;
    var trace = data[data.length - 1];
    if (trace.type === "bar" && trace.orientation === "h") {
      var lines = wrapAxis(layout.yaxis, trace.y, Math.floor(width * 0.42 / CHAR));
      layout.height = rowsHeight(lines, 34) + 50;
      if (width < 500) { layout.xaxis.dtick = 50; }
    } else if (trace.type === "bar") {
      wrapAxis(layout.xaxis, trace.x, Math.floor(width / trace.x.length / CHAR));
    } else if (trace.type === "heatmap") {
      var column = Math.floor((width * 0.6) / trace.x.length / CHAR);
      var head;  // the height of the column heads
      if (Math.max.apply(null, trace.x.map(longestWord)) <= column) {
        head = Math.max.apply(null, wrapAxis(layout.xaxis, trace.x, column)) * LINE;
      } else {
        // A word wider than its column would run into the next one's: heads stand upright.
        layout.xaxis.tickangle = -90;
        wrapAxis(layout.xaxis, trace.x, UPRIGHT_HEAD);
        head = Math.max.apply(null, layout.xaxis.ticktext.map(longestLine)) * CHAR;
      }
      var rows = wrapAxis(layout.yaxis, trace.y, Math.floor(width * 0.38 / CHAR));
      layout.height = rowsHeight(rows, 34) + head + 40;
    }
    // The phone's version draws with the chart's own settings (no toolbar, no zoom).
    return { data: data, layout: layout, config: spec.config || chart.spec.config };
  }

  var plotly = null;  // the promise of plotly.js, once asked for
  function loadPlotly() {
    if (!plotly) {
      plotly = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = PLOTLY;
        tag.onload = resolve;
        tag.onerror = reject;
        document.head.appendChild(tag);
      });
    }
    return plotly;
  }

  function draw(chart) {
    // Not near the screen yet, plotly still loading, or a box that the stylesheet hides
    // (no width): drawn later, when it comes into view.
    if (!chart.seen || !window.Plotly || !chart.box.getClientRects().length) { return; }
    var figure = fitted(chart);
    chart.box.classList.add("is-drawn");
    window.Plotly.react(chart.box, figure.data, figure.layout, figure.config);
  }

  var nearScreen = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) { return; }
      var chart = entry.target.chart;
      chart.seen = true;
      nearScreen.unobserve(entry.target);
      loadPlotly().then(function () { draw(chart); });
    });
  }, { rootMargin: "300px 0px" });

  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var source = document.getElementById(box.getAttribute("data-chart"));
    if (!source) { return; }
    var chart = { box: box, spec: JSON.parse(source.textContent), seen: false };
    charts.push(chart);
    box.chart = chart;
    nearScreen.observe(box);
  });

  var pending = null;
  function redrawAll() {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () { charts.forEach(draw); }, 150);
  }
  NARROW.addEventListener("change", redrawAll);
  window.addEventListener("resize", redrawAll);

  // Printing: every chart (once plotly is in), as wide as the paper, then back to the screen.
  window.addEventListener("beforeprint", function () {
    charts.forEach(function (chart) {
      chart.seen = true;
      draw(chart);
      if (chart.box.classList.contains("is-drawn")) {
        window.Plotly.relayout(chart.box, { width: 680 });
      }
    });
  });
  window.addEventListener("afterprint", function () {
    charts.forEach(function (chart) {
      if (chart.box.classList.contains("is-drawn")) {
        window.Plotly.relayout(chart.box, { width: null, autosize: true });
      }
    });
  });
})();
