/* Rumah Kemasan outreach: "Prepare this phone" on a trip page installs the service worker and keeps the
   intake page and the trip's reference data in its cache. */
(function () {
  "use strict";
  var bar = document.querySelector(".progress-bar[data-width]");
  if (bar) { bar.style.width = bar.dataset.width + "%"; }
  var box = document.getElementById("prepare");
  if (!box || !("serviceWorker" in navigator)) { return; }
  var state = document.getElementById("device-state");
  var labels = JSON.parse(document.getElementById("outreach-labels").textContent);

  function prepare() {
    state.textContent = labels.preparing;
    return navigator.serviceWorker.register(box.dataset.sw, { scope: box.dataset.scope })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () { return caches.open("rk-outreach-pages"); })
      .then(function (cache) {
        var app = box.dataset.app.split("#")[0];
        return Promise.all([cache.add(new Request(app, { credentials: "same-origin" })),
                            cache.add(new Request(box.dataset.data, { credentials: "same-origin" }))]);
      })
      .then(function () { return navigator.storage && navigator.storage.persist ? navigator.storage.persist() : false; })
      .then(function () { localStorage.setItem("rk-outreach-prepared:" + box.dataset.trip, new Date().toISOString()); state.textContent = labels.prepared; },
            function () { state.textContent = labels.prepare_failed; });
  }
  /* What this phone still holds for the trip counts as collected too (the server cannot know it yet). */
  function onDevice() {
    if (!window.indexedDB) { return; }
    var request = indexedDB.open("rk-outreach");
    request.onupgradeneeded = function () { request.transaction.abort(); };
    request.onsuccess = function () {
      var db = request.result;
      if (!db.objectStoreNames.contains("records")) { db.close(); return; }
      var all = db.transaction("records").objectStore("records").getAll();
      all.onsuccess = function () {
        db.close();
        var n = all.result.filter(function (r) { return r.trip === box.dataset.trip && (r.state === "queued" || r.state === "sending"); }).length;  // refused ones the server counts
        if (!n) { return; }
        var collected = document.getElementById("collected");
        collected.textContent = String(parseInt(collected.dataset.server, 10) + n);
        var note = document.getElementById("device-unsent");
        note.textContent = labels.on_device.replace("%(n)s", n);
        note.classList.remove("d-none");
      };
    };
  }
  onDevice();
  if (localStorage.getItem("rk-outreach-prepared:" + box.dataset.trip)) { state.textContent = labels.prepared; }
  document.getElementById("prepare-button").addEventListener("click", prepare);
})();
