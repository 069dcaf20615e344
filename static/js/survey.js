// Enhancement only (the form works without it): the "other, please specify" box
// shows when "other" is ticked, and takes the focus then.
(function () {
  "use strict";
  document.querySelectorAll("input[data-other-for]").forEach(function (box) {
    var name = box.getAttribute("data-other-for");
    var wrapper = box.closest(".survey-other");
    var options = document.querySelectorAll('input[name="' + name + '"]');
    function otherTicked() {
      return Array.prototype.some.call(options, function (option) {
        return option.value === "__other__" && option.checked;
      });
    }
    function update(focus) {
      var ticked = otherTicked();
      wrapper.hidden = !ticked && box.value === "";
      if (ticked && focus) { box.focus(); }
    }
    options.forEach(function (option) {
      option.addEventListener("change", function () { update(option.value === "__other__"); });
    });
    update(false);
  });
})();
