// A live character count under text boxes that have a limit: <textarea maxlength data-counter="id">.
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-counter][maxlength]").forEach(function (box) {
    const out = document.getElementById(box.dataset.counter);
    if (!out) return;
    const max = parseInt(box.getAttribute("maxlength"), 10);
    const template = out.dataset.template || "{n} / {max}";
    function update() {
      const n = box.value.length;
      out.textContent = template.replace("{n}", n.toLocaleString()).replace("{max}", max.toLocaleString());
      out.classList.toggle("text-danger", n >= max);
    }
    box.addEventListener("input", update);
    update();
  });
})();
