// Small behaviours every page shares, kept out of the HTML so the Content-Security-Policy allows no inline
// script: a select marked data-submit-on-change submits its form; a form or button with data-confirm asks first.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    const el = event.target;
    if (el.matches && el.matches("select[data-submit-on-change]") && el.form) el.form.submit();
  });
  document.addEventListener("submit", function (event) {
    const form = event.target;
    const button = event.submitter;
    const message = (button && button.dataset.confirm) || form.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
