// Rumah Kemasan: progressive enhancements only; every page works without this file.
(function () {
  "use strict";
  // Live cost estimate on the booking form (tariffs come from a JSON script tag, not inline code).
  var data = document.getElementById("tariffs");
  var quantity = document.getElementById("id_quantity");
  var hint = document.getElementById("cost-hint");
  var timeHint = document.getElementById("time-hint");
  if (data && quantity && hint) {
    var tariffs = JSON.parse(data.textContent);
    var labels = JSON.parse(document.getElementById("cost-labels").textContent);
    var rupiah = function (n) { return "Rp " + String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); };
    var chosen = function () {
      var radio = document.querySelector("input[name=service]:checked");
      var select = document.querySelector("select[name=service]");
      return radio ? radio.value : (select ? select.value : "");
    };
    var update = function () {
      var t = tariffs[chosen()];
      var q = parseInt(quantity.value, 10);
      if (t && timeHint) { timeHint.textContent = labels.days.replace("%(days)s", t.days); }
      if (!t || !q) { hint.textContent = labels.choose; return; }
      if (q < t.minimum) { hint.textContent = labels.minimum.replace("%(minimum)s", t.minimum + " " + t.unit); return; }
      hint.textContent = t.tariff ? rupiah(t.tariff * q) : labels.free;
    };
    document.querySelectorAll("[name=service]").forEach(function (el) { el.addEventListener("change", update); });
    quantity.addEventListener("input", update);
    update();
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
