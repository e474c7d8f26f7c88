// Rumah Kemasan: progressive enhancements only; every page works without this file.
(function () {
  "use strict";
  // Live cost estimate on the booking form (tariffs come from a JSON script tag, not inline code).
  var data = document.getElementById("tariffs");
  var service = document.getElementById("id_service");
  var quantity = document.getElementById("id_quantity");
  var hint = document.getElementById("cost-hint");
  if (data && service && quantity && hint) {
    var tariffs = JSON.parse(data.textContent);
    var labels = JSON.parse(document.getElementById("cost-labels").textContent);
    var rupiah = function (n) { return "Rp " + String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); };
    var update = function () {
      var t = tariffs[service.value];
      var q = parseInt(quantity.value, 10);
      if (!t || !q) { hint.textContent = labels.choose; return; }
      if (q < t.minimum) { hint.textContent = labels.minimum.replace("%(minimum)s", t.minimum); return; }
      hint.textContent = labels.estimate.replace("%(cost)s", rupiah(t.tariff * q));
    };
    service.addEventListener("change", update);
    quantity.addEventListener("input", update);
    update();
  }
  // As-you-type search (counter): the results partial is fetched from the same page and swapped in.
  var live = document.querySelector("[data-live-search]");
  if (live && window.fetch) {
    var results = document.getElementById(live.getAttribute("data-live-search"));
    var timer = null;
    var latest = 0;
    live.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var url = live.form.getAttribute("action") + "?q=" + encodeURIComponent(live.value);
        var mine = ++latest;
        window.fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.text() : null; })
          .then(function (html) {
            if (html !== null && mine === latest) {
              results.innerHTML = html;
              window.history.replaceState(null, "", url);
            }
          })
          .catch(function () { /* offline: the Search button still works */ });
      }, 250);
    });
  }
  // Ask before destructive actions (forms marked data-confirm).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
// Menus built on <details>: close when clicking elsewhere or pressing Escape (they open without this file).
document.addEventListener("click", function (event) {
  document.querySelectorAll("details.menu[open]").forEach(function (menu) {
    if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
  });
});
document.addEventListener("keydown", function (event) {
  if (event.key === "Escape") {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) { menu.removeAttribute("open"); });
  }
});
// Choices that take effect at once (the board's state picker on a phone); a button does it without JavaScript.
document.querySelectorAll("[data-autosubmit]").forEach(function (field) {
  field.addEventListener("change", function () { field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit(); });
});
