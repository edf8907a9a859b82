// Worker portal enhancements; every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Filter the enterprise list as the worker types (the Search button does it server-side).
    var box = document.querySelector("[data-filter=org]");
    var select = document.getElementById("org");
    if (box && select) {
      var all = Array.prototype.map.call(select.querySelectorAll("optgroup"), function (group) {
        return { group: group, options: Array.prototype.slice.call(group.querySelectorAll("option")) };
      });
      var filter = function () {
        var q = box.value.trim().toLowerCase();
        all.forEach(function (entry) {
          var shown = 0;
          entry.options.forEach(function (opt) {
            var match = !q || opt.textContent.toLowerCase().indexOf(q) !== -1 || opt.selected;
            opt.hidden = !match;
            opt.disabled = !match;
            if (match) { shown += 1; }
          });
          entry.group.hidden = shown === 0;
        });
      };
      box.addEventListener("input", filter);
      filter();  // text typed (or restored by the browser) before this script ran
      box.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { e.preventDefault(); }
      });
    }
    var print = document.querySelector("[data-print]");
    if (print) {
      print.hidden = false;
      print.addEventListener("click", function () { window.print(); });
    }
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
}());
