// The ballot's running total: the money left updates as the voter ticks projects, and the
// submit button says so when the choices cost more than the district's share. The server
// checks the same on submit (the page works without this script).
(function () {
  "use strict";
  document.querySelectorAll("[data-ballot]").forEach(function (form) {
    var share = parseInt(form.dataset.share, 10);
    var out = form.querySelector("[data-ballot-left]");
    var leftText = form.querySelector("[data-left-text]").innerHTML;
    var overText = form.querySelector("[data-over-text]").innerHTML;
    var submit = form.querySelector("[data-ballot-submit]");
    var format = new Intl.NumberFormat(document.documentElement.lang || undefined);
    function update() {
      var spent = 0;
      form.querySelectorAll("input[data-cost]:checked").forEach(function (box) {
        spent += parseInt(box.dataset.cost, 10);
      });
      var left = share - spent;
      out.textContent = (left < 0 ? overText : leftText)
        .trim()
        .replace("AMOUNT", format.format(Math.abs(left)));
      submit.setAttribute("aria-disabled", left < 0 ? "true" : "false");
    }
    form.addEventListener("change", update);
    form.addEventListener("submit", function (event) {
      if (submit.getAttribute("aria-disabled") === "true") {
        event.preventDefault();
        out.focus();
      }
    });
    out.setAttribute("tabindex", "-1");
    update();
  });
})();
