/* Rumah Kemasan outreach: the device store (IndexedDB through idb-keyval) and the sync loop.
   Loaded by the intake page and by the service worker (importScripts), so both send the same way.
   A record: {id (UUID, the idempotency key), trip, kind, fields, photos: [Blob], device_time,
   state: draft | queued | sending | error | conflict, errors, message}. */
(function (root) {
  "use strict";
  var kv = root.idbKeyval;
  var store = kv.createStore("rk-outreach", "records");
  var meta = kv.createStore("rk-outreach-meta", "meta");
  var WAITING = ["queued", "sending", "error", "conflict"];
  var SYNC_TAG = "rk-outreach-sync";
  var SESSION_URL = "/jemput-bola/sesi/";

  function uuid() {
    if (root.crypto && root.crypto.randomUUID) { return root.crypto.randomUUID(); }
    var b = root.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function all() {
    return kv.values(store).then(function (records) {
      return records.sort(function (a, b) { return a.device_time < b.device_time ? -1 : 1; });
    });
  }
  function get(id) { return kv.get(id, store); }
  function put(record) { record.updated = new Date().toISOString(); return kv.set(record.id, record, store).then(function () { return record; }); }
  function remove(id) { return kv.del(id, store); }
  function waiting(records) { return records.filter(function (r) { return WAITING.indexOf(r.state) >= 0; }); }

  /* Lock a record for editing: a record that started sending keeps its content until the server answers. */
  function editable(record) { return record && record.state !== "sending"; }

  function withLock(fn) {
    if (root.navigator && root.navigator.locks) {
      return root.navigator.locks.request(SYNC_TAG, { ifAvailable: true }, function (lock) {
        return lock ? fn() : { busy: true };
      });
    }
    return fn();
  }

  function session() {
    return fetch(SESSION_URL, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (!r.ok) { throw new Error("session " + r.status); }
      return r.json();
    });
  }

  function send(record, csrf) {
    var body = new FormData();
    body.append("record", JSON.stringify({ id: record.id, kind: record.kind, fields: record.fields, device_time: record.device_time }));
    (record.photos || []).forEach(function (blob, i) { body.append("photos", blob, "foto-" + (i + 1) + ".jpg"); });
    return fetch("/jemput-bola/" + record.trip + "/kirim/", {
      method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    });
  }

  /* Send every queued record, one at a time. A network failure stops the loop (the record stays locked
     and is sent again, identical, next time); a validation error or a conflict is kept on the record for
     correction and the loop goes on; a server error is retried later. Returns a summary. */
  function syncAll(options) {
    options = options || {};
    var notify = options.onChange || function () {};
    return withLock(function () {
      var summary = { sent: 0, invalid: 0, conflict: 0, retry: 0, offline: false, signin: false };
      return all().then(function (records) {
        var todo = records.filter(function (r) { return r.state === "queued" || r.state === "sending"; });
        if (!todo.length) { return summary; }
        return session().then(function (s) {
          if (!s.signed_in) { summary.signin = true; return summary; }
          var chain = Promise.resolve();
          todo.forEach(function (record) {
            chain = chain.then(function () {
              if (summary.offline || summary.signin) { return; }
              record.state = "sending";
              return put(record).then(notify).then(function () { return send(record, s.csrf); }).then(function (response) {
                if (response.status === 200) {
                  summary.sent += 1;
                  return remove(record.id).then(function () { return bump(record.trip); });
                }
                if (response.status === 401 || response.status === 403) { summary.signin = true; return; }
                if (response.status === 422 || response.status === 409 || response.status === 400) {
                  return response.json().then(function (answer) {
                    record.state = response.status === 409 ? "conflict" : "error";
                    record.errors = answer.errors || {};
                    record.message = answer.message || "";
                    summary[response.status === 409 ? "conflict" : "invalid"] += 1;
                    return put(record);
                  });
                }
                summary.retry += 1;  // a server error: the record stays locked and goes again later
              }, function () { summary.offline = true; });
            }).then(function () { notify(); });
          });
          return chain.then(function () { return summary; });
        }, function () { summary.offline = true; return summary; });
      });
    });
  }

  function bump(trip) {
    return kv.update("sent:" + trip, function (n) { return (n || 0) + 1; }, meta);
  }
  function sentCount(trip) { return kv.get("sent:" + trip, meta).then(function (n) { return n || 0; }); }

  /* Sign-out: every record, the trip data and the cached pages leave the device. */
  function clearAll() {
    var jobs = [kv.clear(store), kv.clear(meta)];
    if (root.caches) {
      jobs.push(root.caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf("rk-outreach") === 0 || k.indexOf("workbox-precache") === 0; })
          .map(function (k) { return root.caches.delete(k); }));
      }));
    }
    return Promise.all(jobs);
  }

  root.RKOutreach = {
    uuid: uuid, all: all, get: get, put: put, remove: remove, waiting: waiting, editable: editable,
    syncAll: syncAll, sentCount: sentCount, clearAll: clearAll, meta: meta, kv: kv, SYNC_TAG: SYNC_TAG
  };
})(self);
