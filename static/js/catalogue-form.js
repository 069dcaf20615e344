// The project form, which works without this script: after a failed submit the list of
// errors at the top takes focus, so keyboard and screen-reader users start from it and
// its links lead to each field.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
