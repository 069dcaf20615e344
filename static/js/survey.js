// Enhancement only (the form works without it): the "other, please specify" box
// shows when "other" is ticked, and takes the focus then; typing in it ticks "other".
(function () {
  "use strict";
  document.querySelectorAll("input[data-other-for]").forEach(function (box) {
    var name = box.getAttribute("data-other-for");
    var wrapper = box.closest(".survey-other");
    var options = document.querySelectorAll('input[name="' + name + '"]');
    var other = Array.prototype.find.call(options, function (option) {
      return option.value === "__other__";
    });
    function update(focus) {
      // A box with text stays in sight: what is sent is what the member sees.
      wrapper.hidden = !other.checked && box.value === "";
      if (other.checked && focus) { box.focus(); }
    }
    options.forEach(function (option) {
      option.addEventListener("change", function () { update(option === other); });
    });
    box.addEventListener("input", function () {
      if (box.value.trim() !== "" && !other.checked) { other.checked = true; }
    });
    update(false);
  });
})();

// After a refused step, the error summary has the focus (autofocus does it where
// the browser honours it on any element): a screen reader reads it first.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) { summary.focus(); }
})();
