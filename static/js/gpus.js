// GPU board: fetch the board fragment every N seconds and swap it in place.
// Without JavaScript the page keeps its "Refresh" link. Pauses while the tab is hidden.
(function () {
  "use strict";
  var board = document.getElementById("gpu-board");
  if (!board || !window.fetch) {
    return;
  }
  var url = board.getAttribute("data-refresh-url");
  var seconds = parseInt(board.getAttribute("data-refresh-seconds"), 10) || 30;
  var announce = document.getElementById("gpu-board-announce");
  var lastSummary = summaryText(board);
  var timer = null;

  function summaryText(root) {
    var summary = root.querySelector("[data-gpu-summary] strong");
    return summary ? summary.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function refresh() {
    fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html;
        board.replaceChildren(template.content);
        // Say the count aloud only when it changes, not at every refresh.
        var summary = summaryText(board);
        if (announce && summary !== lastSummary) {
          announce.textContent = summary;
        }
        lastSummary = summary;
      })
      .catch(function () {
        // Keep the last board; the next tick tries again.
      });
  }

  function start() {
    if (timer === null) {
      timer = window.setInterval(refresh, seconds * 1000);
    }
  }

  function stop() {
    if (timer !== null) {
      window.clearInterval(timer);
      timer = null;
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      stop();
    } else {
      refresh();
      start();
    }
  });
  start();
})();
