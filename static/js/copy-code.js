// A "Copy" button on every code block of a page's text (.prose pre).
// Loaded as a static file: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Older browsers and plain-HTTP intranets: a hidden textarea and execCommand.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  // Screen readers do not read the button's new text out; they read a status
  // region, which must be in the page before its text changes.
  var status = null;

  function addButton(prose, pre) {
    var button = document.createElement("button");
    var label = prose.dataset.copyLabel || "Copy";
    button.type = "button";
    button.className = "copy-button";
    button.textContent = label;
    button.addEventListener("click", function () {
      var code = pre.querySelector("code") || pre;
      copyText(code.innerText.replace(/\n$/, "")).then(
        function () {
          button.textContent = prose.dataset.copiedLabel || "Copied";
          status.textContent = button.textContent;
        },
        function () {
          button.textContent = prose.dataset.copyFailedLabel || label;
          status.textContent = button.textContent;
        }
      );
      window.setTimeout(function () { button.textContent = label; }, 2000);
    });
    var wrapper = document.createElement("div");
    wrapper.className = "code-block";
    pre.parentNode.insertBefore(wrapper, pre);
    wrapper.appendChild(button);
    wrapper.appendChild(pre);
  }

  if (!document.querySelector(".prose pre")) {
    return;
  }
  status = document.createElement("p");
  status.className = "visually-hidden copy-status";
  status.setAttribute("role", "status");
  document.body.appendChild(status);
  document.querySelectorAll(".prose").forEach(function (prose) {
    prose.querySelectorAll("pre").forEach(function (pre) { addButton(prose, pre); });
  });
})();
