(function () {
  "use strict";
  document.documentElement.classList.add("js");
  function key(cell) {
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    var num = parseFloat(raw);
    return raw !== "" && !isNaN(num) && /^[-+0-9.eE]+$/.test(raw) ? num : raw.toLowerCase();
  }
  function compare(a, b) {
    if (a === b) { return 0; }
    if (a === "") { return 1; }
    if (b === "") { return -1; }
    if (typeof a === typeof b) { return a < b ? -1 : 1; }
    return typeof a === "number" ? -1 : 1;
  }
  function sortBy(table, index, header) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (r1, r2) {
      var c = compare(key(r1.cells[index]), key(r2.cells[index]));
      return ascending ? c : -c;
    });
    Array.prototype.forEach.call(header.parentNode.cells, function (h) { h.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var head = table.tHead;
    if (!head || !table.tBodies.length) { return; }
    Array.prototype.forEach.call(head.rows[0].cells, function (h, index) {
      h.classList.add("sortable-h");
      h.tabIndex = 0;
      h.addEventListener("click", function () { sortBy(table, index, h); });
      h.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, index, h); }
      });
    });
  });
  var main = document.querySelector("main");
  if (main) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "expand-all";
    button.textContent = "Expand all sections";
    button.addEventListener("click", function () {
      var all = document.querySelectorAll("details");
      var open = button.getAttribute("aria-pressed") !== "true";
      Array.prototype.forEach.call(all, function (d) { d.open = open; });
      button.setAttribute("aria-pressed", open ? "true" : "false");
      button.textContent = open ? "Collapse all sections" : "Expand all sections";
    });
    main.insertBefore(button, main.firstChild);
  }
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
}());
