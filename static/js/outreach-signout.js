/* Rumah Kemasan outreach: signing out deletes what the outreach app keeps on this device, after a warning
   when records have not been sent yet. Plain IndexedDB: the store's library is not loaded on every page. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-outreach-signout]");
  if (!form || !window.indexedDB) { return; }

  function unsent() {
    return new Promise(function (resolve) {
      var request = indexedDB.open("rk-outreach");
      request.onupgradeneeded = function () { request.transaction.abort(); };  // no store on this device
      request.onerror = function () { resolve(0); };
      request.onsuccess = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("records")) { db.close(); resolve(0); return; }
        var all = db.transaction("records").objectStore("records").getAll();
        all.onsuccess = function () {
          db.close();
          resolve(all.result.filter(function (r) {
            return r.state !== "draft" || (r.photos && r.photos.length) || Object.keys(r.fields || {}).some(function (k) { return r.fields[k] && /name|phone|note|address/.test(k); });
          }).length);
        };
        all.onerror = function () { db.close(); resolve(0); };
      };
    });
  }

  /* Empty the store rather than delete the database: a deletion waits for every open connection (the
     service worker keeps one), a clear() in a transaction does not. */
  function drop(name, store) {
    return new Promise(function (resolve) {
      var request = indexedDB.open(name);
      request.onupgradeneeded = function () { request.transaction.abort(); };
      request.onerror = function () { resolve(); };
      request.onsuccess = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(store)) { db.close(); resolve(); return; }
        var tx = db.transaction(store, "readwrite");
        tx.objectStore(store).clear();
        tx.oncomplete = tx.onerror = tx.onabort = function () { db.close(); resolve(); };
      };
    });
  }

  function clearAll() {
    Object.keys(localStorage).forEach(function (k) { if (k.indexOf("rk-outreach") === 0) { localStorage.removeItem(k); } });
    var jobs = [drop("rk-outreach", "records"), drop("rk-outreach-meta", "meta")];
    if (window.caches) {
      jobs.push(caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf("rk-outreach") === 0; }).map(function (k) { return caches.delete(k); }));
      }));
    }
    return Promise.all(jobs);
  }

  /* A page served from the outreach cache carries the token of an older session: ask for the current one. */
  function freshToken() {
    return fetch("/jemput-bola/sesi/", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) { if (s.csrf) { form.querySelector("[name=csrfmiddlewaretoken]").value = s.csrf; } })
      .catch(function () {});
  }

  form.addEventListener("submit", function (event) {
    if (form.dataset.cleared) { return; }
    event.preventDefault();
    unsent().then(function (n) {
      if (n > 0 && !window.confirm(form.dataset.outreachSignout.replace("%(n)s", n))) { return; }
      return clearAll().then(freshToken).then(function () { form.dataset.cleared = "1"; form.submit(); });
    });
  });
})();
