// The bell: poll the unread count (desk pages include templates/notifications/_bell.html).
(function () {
  "use strict";
  function start() {
    var bell = document.getElementById("bell");
    if (!bell) { return; }
    var out = document.getElementById("unread-count");
    var seconds = Math.max(1, parseInt(bell.getAttribute("data-poll"), 10) || 30);
    function refresh() {
      fetch(bell.getAttribute("data-count-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (data && typeof data.unread === "number") {
            out.textContent = String(data.unread);
            bell.classList.toggle("notif-bell-unread", data.unread > 0);
          }
        })
        .catch(function () { /* offline for a moment: the next poll tries again */ });
    }
    bell.classList.toggle("notif-bell-unread", out.textContent.trim() !== "0");
    window.setInterval(refresh, seconds * 1000);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
