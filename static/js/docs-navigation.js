// The documentation page's navigation, which works without this script: the page list
// and the table of contents are <details>, folded on a phone and shown as columns
// from wider widths by docs.css. This script
// - opens a panel where it is a column, for browsers that cannot style ::details-content
//   (the HTML never starts open, so nothing folds, and nothing moves, after load);
// - marks in the table of contents the section being read.
(function () {
  "use strict";

  document.querySelectorAll("details[data-open-from]").forEach(function (panel) {
    var column = window.matchMedia(panel.dataset.openFrom);
    if (column.matches) { panel.open = true; }
    column.addEventListener("change", function () { panel.open = column.matches; });
  });

  var toc = document.querySelector(".docs-toc");
  var prose = document.querySelector(".prose");
  if (!toc || !prose || !("IntersectionObserver" in window)) { return; }
  var links = {};
  toc.querySelectorAll("a[href^='#']").forEach(function (link) {
    links[decodeURIComponent(link.hash.slice(1))] = link;
  });
  var headings = Array.prototype.filter.call(
    prose.querySelectorAll("h2[id], h3[id], h4[id]"),
    function (heading) { return links[heading.id]; }
  );
  if (!headings.length) { return; }
  var current = null;

  function keepInView(link) {
    // In its column the list scrolls on its own when it is taller than the window.
    if (toc.scrollHeight <= toc.clientHeight) { return; }
    var top = link.getBoundingClientRect().top - toc.getBoundingClientRect().top + toc.scrollTop;
    if (top < toc.scrollTop || top + link.offsetHeight > toc.scrollTop + toc.clientHeight) {
      toc.scrollTop = top - toc.clientHeight / 2;
    }
  }

  // The section being read: the last heading above the top third of the window.
  function mark() {
    var line = window.innerHeight / 3;
    var found = null;
    for (var i = 0; i < headings.length; i += 1) {
      if (headings[i].getBoundingClientRect().top > line) { break; }
      found = headings[i];
    }
    if (found === current) { return; }
    if (current) { links[current.id].removeAttribute("aria-current"); }
    if (found) {
      links[found.id].setAttribute("aria-current", "location");
      keepInView(links[found.id]);
    }
    current = found;
  }

  // Every block of the text is watched against the top third of the window: scrolling
  // always moves one across its edge, even a jump that no heading lands in.
  var observer = new IntersectionObserver(mark, { rootMargin: "0px 0px -66% 0px" });
  Array.prototype.forEach.call(prose.children, function (block) { observer.observe(block); });
})();
