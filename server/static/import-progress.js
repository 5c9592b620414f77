// Updates the import progress page without reloading it; without this
// script the page says to reload it, and works the same.
(function () {
  "use strict";
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  if (!bar || !text || !window.fetch) { return; }
  var url = bar.getAttribute("data-status");
  var announced = 0;
  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (st) {
        if (st.finished) { window.location.reload(); return; }
        bar.value = st.done;
        bar.max = st.total || 1;
        var percent = st.total ? Math.floor(st.done * 100 / st.total) : 0;
        // The live region speaks at most every 25%, not every second.
        if (percent >= announced + 25) {
          announced = percent - (percent % 25);
          text.textContent = text.getAttribute("data-template")
            .replace("{done}", st.done.toLocaleString()).replace("{total}", st.total.toLocaleString())
            .replace("{percent}", percent);
        }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 500);
})();
