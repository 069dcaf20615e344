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
  // The table's sort survives the refreshes: column position and direction.
  var sortColumn = null;
  var sortDescending = false;

  function cellValue(row, column) {
    var cell = row.children[column];
    return cell ? cell.getAttribute("data-value") || "" : "";
  }

  function sortRows(table) {
    if (sortColumn === null) { return; }
    var header = table.tHead.rows[0].children[sortColumn];
    var numeric = header.getAttribute("data-sort") === "number";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, sortColumn);
      var y = cellValue(b, sortColumn);
      var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      return sortDescending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].children, function (th, index) {
      if (index === sortColumn) {
        th.setAttribute("aria-sort", sortDescending ? "descending" : "ascending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
  }

  function makeSortable(root) {
    var table = root.querySelector("[data-gpu-sortable]");
    if (!table) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].children, function (th, index) {
      if (!th.hasAttribute("data-sort")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        sortDescending = sortColumn === index ? !sortDescending : false;
        sortColumn = index;
        sortRows(table);
      });
    });
    sortRows(table);
  }

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
        makeSortable(board);
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

  makeSortable(board);

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
