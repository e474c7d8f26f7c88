/* Rumah Kemasan outreach: the offline intake page. Every keystroke is kept in IndexedDB (outreach-store.js);
   "Save to the queue" locks nothing yet: a record is locked when it starts sending. */
(function () {
  "use strict";
  var app = document.getElementById("outreach-app");
  if (!app) { return; }
  var S = window.RKOutreach;
  var L = JSON.parse(document.getElementById("outreach-labels").textContent);
  var form = document.getElementById("intake-form");
  var $ = function (id) { return document.getElementById(id); };
  var MAX_PHOTOS = parseInt(app.dataset.maxPhotos, 10) || 3;
  var MAX_EDGE = 1600;
  var trip = null, data = null, draft = null, kind = "intake", saveTimer = null, retryTimer = null, retryDelay = 15000;

  function fieldsOf(k) { return Array.prototype.slice.call($("fields-" + k).querySelectorAll("[data-field]")); }
  function text(el, value) { el.textContent = value; }
  function fmt(template, values) { return template.replace(/%\((\w+)\)s/g, function (m, k) { return values[k]; }); }

  function newDraft() {
    return { id: S.uuid(), trip: trip, kind: kind, fields: {}, photos: [], state: "draft", device_time: new Date().toISOString(), errors: {} };
  }

  /* --- reference data and the trip ------------------------------------------------------------ */
  function loadTrip() {
    var fromHash = (location.hash || "").replace("#", "");
    var pick = fromHash ? Promise.resolve(fromHash) : S.kv.get("current-trip", S.meta);
    return pick.then(function (id) {
      if (!id) { $("no-trip").classList.remove("d-none"); return null; }
      trip = id;
      if (!fromHash) { history.replaceState(null, "", "#" + id); }
      return S.kv.set("current-trip", id, S.meta).then(function () {
        return fetch("/jemput-bola/" + id + "/data.json", { credentials: "same-origin" });
      }).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); }).then(function (d) {
        data = d;
        text($("trip-title"), d.trip.district_name + " · " + d.trip.place);
        text($("trip-dates"), d.trip.starts_on + " – " + d.trip.ends_on);
        return S.kv.set("trip-data:" + id, d, S.meta);
      }, function () {
        return S.kv.get("trip-data:" + id, S.meta).then(function (d) {
          if (!d) { $("no-trip").classList.remove("d-none"); return; }
          data = d;
          text($("trip-title"), d.trip.district_name + " · " + d.trip.place);
        });
      });
    });
  }

  /* --- the form <-> the draft ------------------------------------------------------------------- */
  function fillForm(record) {
    kind = record.kind;
    showKind(kind);
    fieldsOf(kind).forEach(function (el) {
      var v = record.fields[el.name];
      if (el.type === "checkbox") { el.checked = !!v; return; }
      el.value = v === undefined ? (el.name === "district" && data ? String(data.trip.district) : (el.defaultValue || "")) : v;
      if (v === undefined && el.tagName === "SELECT") { el.value = el.name === "district" && data ? String(data.trip.district) : el.querySelector("option[selected]") ? el.querySelector("option[selected]").value : ""; }
    });
    showErrors(record);
    renderPhotos();
    checkOwner();
  }

  function readForm() {
    var fields = {};
    fieldsOf(kind).forEach(function (el) { fields[el.name] = el.type === "checkbox" ? (el.checked ? "on" : "") : el.value; });
    return fields;
  }

  function saveDraft() {
    if (!draft || !trip) { return Promise.resolve(); }
    draft.fields = readForm();
    draft.kind = kind;
    if (draft.state === "error" || draft.state === "conflict") { draft.state = draft.state; }
    return S.put(draft).then(function () { text($("draft-state"), L.saved); });
  }

  function scheduleSave() { clearTimeout(saveTimer); saveTimer = setTimeout(saveDraft, 250); }

  function showErrors(record) {
    var box = $("record-errors");
    form.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); });
    form.querySelectorAll(".rk-error").forEach(function (el) { el.remove(); });
    var errors = record.errors || {};
    var general = [];
    Object.keys(errors).forEach(function (name) {
      var el = form.querySelector("[name='" + name + "']");
      if (el) {
        el.classList.add("is-invalid");
        var msg = document.createElement("div");
        msg.className = "invalid-feedback rk-error";
        msg.textContent = errors[name].join(" ");
        el.insertAdjacentElement("afterend", msg);
      } else { general.push(errors[name].join(" ")); }
    });
    if (record.message) { general.push(record.message); }
    box.classList.toggle("d-none", !general.length);
    text(box, general.join(" "));
  }

  function showKind(k) {
    kind = k;
    ["intake", "visit"].forEach(function (name) {
      $("fields-" + name).classList.toggle("d-none", name !== k);
      $("fields-" + name).disabled = name !== k;
      var tab = $("tab-" + name);
      tab.classList.toggle("active", name === k);
      tab.setAttribute("aria-selected", name === k ? "true" : "false");
    });
  }

  /* --- photos: resized on the device to at most 1600 px, kept as JPEG blobs ---------------------- */
  function resize(file) {
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.82); });
    });
  }

  function renderPhotos() {
    var list = $("photo-list");
    list.textContent = "";
    (draft.photos || []).forEach(function (blob, i) {
      var wrap = document.createElement("div");
      var img = document.createElement("img");
      var reader = new FileReader();  // a data: address: the Content-Security-Policy allows no blob: images
      reader.onload = function () { img.src = reader.result; };
      reader.readAsDataURL(blob);
      img.alt = fmt(L.photo, { n: i + 1 });
      var del = document.createElement("button");
      del.type = "button"; del.className = "btn btn-sm btn-link text-danger p-0"; del.textContent = L.remove_photo;
      del.addEventListener("click", function () { draft.photos.splice(i, 1); saveDraft().then(renderPhotos); });
      wrap.appendChild(img); wrap.appendChild(del); list.appendChild(wrap);
    });
  }

  $("photo-input").addEventListener("change", function (event) {
    var files = Array.prototype.slice.call(event.target.files || []);
    var room = MAX_PHOTOS - draft.photos.length;
    files.slice(0, Math.max(room, 0)).reduce(function (p, file) {
      return p.then(function () { return resize(file); }).then(function (blob) { if (blob) { draft.photos.push(blob); } });
    }, Promise.resolve()).then(saveDraft).then(renderPhotos);
    event.target.value = "";
  });

  /* --- owners already known in the regency/city ----------------------------------------------- */
  function localNumber(raw) {
    var v = (raw || "").replace(/[\s\-.()]/g, "");
    if (v.indexOf("+62") === 0) { v = "0" + v.slice(3); } else if (v.indexOf("62") === 0) { v = "0" + v.slice(2); }
    return v;
  }
  function checkOwner() {
    var box = $("owner-known"), phone = form.querySelector("[name=phone]");
    var known = data && phone && data.owners[localNumber(phone.value)];
    box.classList.toggle("d-none", !known);
    if (known) { text(box, fmt(L.known_owner, { owner: known.owner, businesses: known.businesses.join(", ") })); }
  }

  /* --- the queue -------------------------------------------------------------------------------- */
  function render() {
    return S.all().then(function (records) {
      var mine = records.filter(function (r) { return r.trip === trip && r.id !== (draft && draft.id); });
      var waiting = S.waiting(mine);
      text($("queue-count"), String(waiting.length));
      $("queue-empty").classList.toggle("d-none", mine.length > 0);
      var list = $("queue-list");
      list.textContent = "";
      mine.forEach(function (record) {
        var li = document.createElement("li");
        li.className = "list-group-item d-flex flex-wrap align-items-center gap-2";
        li.dataset.id = record.id; li.dataset.state = record.state;
        var label = document.createElement("div");
        label.className = "me-auto";
        var f = record.fields || {};
        var title = record.kind === "visit" ? (f.visitor_name || "?") + " · " + L.guest_book : (f.owner_name || "?") + " · " + (f.business_name || "");
        var strong = document.createElement("strong"); strong.textContent = title; label.appendChild(strong);
        var state = document.createElement("span");
        state.className = "badge ms-2 " + (record.state === "error" || record.state === "conflict" ? "text-bg-danger" : record.state === "sending" ? "text-bg-info" : "text-bg-secondary");
        state.textContent = L.states[record.state] || record.state;
        label.appendChild(state);
        if (record.state === "error" || record.state === "conflict") {
          var why = document.createElement("div"); why.className = "small text-danger";
          why.textContent = record.message || Object.keys(record.errors || {}).map(function (k) { return record.errors[k].join(" "); }).join(" ");
          label.appendChild(why);
        }
        li.appendChild(label);
        if (S.editable(record)) {
          var edit = document.createElement("button");
          edit.type = "button"; edit.className = "btn btn-sm btn-outline-primary"; edit.textContent = L.edit;
          edit.addEventListener("click", function () { openRecord(record.id); });
          li.appendChild(edit);
        }
        if (record.state === "conflict") {
          var fresh = document.createElement("button");
          fresh.type = "button"; fresh.className = "btn btn-sm btn-outline-warning"; fresh.textContent = L.send_as_new;
          fresh.addEventListener("click", function () {
            S.remove(record.id).then(function () { record.id = S.uuid(); record.state = "queued"; record.message = ""; return S.put(record); }).then(render);
          });
          li.appendChild(fresh);
        }
        list.appendChild(li);
      });
    });
  }

  function openRecord(id) {
    return saveDraftIfEmptyDiscard().then(function () { return S.get(id); }).then(function (record) {
      if (!S.editable(record)) { return; }
      draft = record;
      fillForm(record);
      text($("save-record"), L.save_again);
      window.scrollTo(0, form.offsetTop);
      return render();
    });
  }

  function isEmpty(record) {
    return !record.photos.length && !Object.keys(record.fields).some(function (k) {
      return record.fields[k] && !(k === "district" || k === "scale" || k === "owner_gender" || k === "sector" || k === "category" || k === "service" || k === "visitor_gender");
    });
  }
  function saveDraftIfEmptyDiscard() {
    if (!draft) { return Promise.resolve(); }
    if (draft.state === "draft" && isEmpty(draft)) { return S.remove(draft.id); }
    return saveDraft();
  }

  function startNew() {
    draft = newDraft();
    fillForm(draft);
    text($("save-record"), L.save);
    return S.put(draft).then(render);
  }

  form.addEventListener("input", scheduleSave);
  form.addEventListener("change", scheduleSave);
  form.querySelector("[name=phone]").addEventListener("input", checkOwner);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(saveTimer);
    draft.fields = readForm();
    var missing = fieldsOf(kind).filter(function (el) { return el.required && !el.value; });
    missing.forEach(function (el) { el.classList.add("is-invalid"); });
    if (missing.length) { missing[0].focus(); text($("draft-state"), L.fill_required); return; }
    draft.state = "queued"; draft.errors = {}; draft.message = "";
    S.put(draft).then(function () {
      if (draft.device_time === undefined) { draft.device_time = new Date().toISOString(); }
      return startNew();
    }).then(function () { text($("draft-state"), L.queued); requestSync(); });
  });
  $("clear-draft").addEventListener("click", function () { S.remove(draft.id).then(startNew); });
  document.querySelectorAll("[data-kind]").forEach(function (tab) {
    if (tab.tagName !== "BUTTON") { return; }
    tab.addEventListener("click", function () { showKind(tab.dataset.kind); draft.kind = kind; scheduleSave(); });
  });

  /* --- sending ---------------------------------------------------------------------------------- */
  function setNetwork() {
    var el = $("network-state");
    el.className = "badge " + (navigator.onLine ? "text-bg-success" : "text-bg-secondary");
    text(el, navigator.onLine ? L.online : L.offline);
  }

  function syncNow() {
    text($("sync-state"), L.sending);
    return S.syncAll({ onChange: render }).then(function (summary) {
      if (summary.busy) { text($("sync-state"), ""); return; }
      $("signin-needed").classList.toggle("d-none", !summary.signin);
      var parts = [];
      if (summary.sent) { parts.push(fmt(L.sent, { n: summary.sent })); }
      if (summary.invalid || summary.conflict) { parts.push(fmt(L.need_correction, { n: summary.invalid + summary.conflict })); }
      if (summary.offline) { parts.push(L.no_network); registerBackgroundSync(); }
      if (summary.retry) { parts.push(L.server_error); scheduleRetry(); } else { retryDelay = 15000; }
      text($("sync-state"), parts.join(" · "));
      return render();
    });
  }

  function scheduleRetry() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(syncNow, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 600000);
  }

  function registerBackgroundSync() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.sync) { return reg.sync.register(S.SYNC_TAG); }
    }).catch(function () {});
  }

  function requestSync() {
    registerBackgroundSync();
    if (navigator.onLine) { syncNow(); } else { render(); }
  }

  $("send-now").addEventListener("click", syncNow);
  window.addEventListener("online", function () { setNetwork(); syncNow(); });
  window.addEventListener("offline", setNetwork);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) { if (event.data === "rk-outreach-synced") { render(); } });
  }

  /* --- start ------------------------------------------------------------------------------------ */
  function storageState() {
    if (!navigator.storage || !navigator.storage.persist) { return; }
    navigator.storage.persist().then(function (granted) {
      return navigator.storage.estimate().then(function (est) {
        text($("storage-state"), fmt(granted ? L.storage_persistent : L.storage_best_effort, { mb: ((est.usage || 0) / 1048576).toFixed(1) }));
      });
    });
  }

  setNetwork();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(app.dataset.sw, { scope: app.dataset.scope }).catch(function () {});
  }
  storageState();
  loadTrip().then(function () {
    if (!trip) { return; }
    return S.all().then(function (records) {
      var open = records.filter(function (r) { return r.trip === trip && r.state === "draft"; });
      if (open.length) { draft = open[open.length - 1]; fillForm(draft); return render(); }
      return startNew();
    }).then(function () { if (navigator.onLine) { return syncNow(); } });
  });
})();
