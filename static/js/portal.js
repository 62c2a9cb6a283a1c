// Small behaviours every page shares, kept out of the HTML so the Content-Security-Policy allows no inline
// script: a select marked data-submit-on-change submits its form; a form or button with data-confirm asks first
// and, once answered, carries confirm=yes.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    const el = event.target;
    if (el.matches && el.matches("select[data-submit-on-change]") && el.form) el.form.submit();
  });
  document.addEventListener("submit", function (event) {
    const form = event.target;
    const button = event.submitter;
    // A form marked data-confirm-by="outcome" asks the sentence of the chosen value (data-confirm-passed, ...).
    const by = form.dataset.confirmBy && form.elements[form.dataset.confirmBy];
    const chosen = by && by.value ? form.getAttribute("data-confirm-" + by.value) : null;
    const message = (button && button.dataset.confirm) || chosen || form.dataset.confirm;
    if (!message) return;
    if (!window.confirm(message)) { event.preventDefault(); return; }
    // The server refuses an irreversible step without this field (core/confirm.py) and asks again instead.
    if (!form.querySelector("input[name='confirm']")) {
      const field = document.createElement("input");
      field.type = "hidden"; field.name = "confirm"; field.value = "yes";
      form.appendChild(field);
    }
  });
})();
