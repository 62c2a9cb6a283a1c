// The application page polls the PDF's status until it is ready (the PDF is made by a Celery task).
(function () {
  "use strict";
  const box = document.getElementById("pdf-box");
  if (!box || box.dataset.status !== "pending") return;
  const poll = setInterval(function () {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (json) {
      document.getElementById("pdf-label").textContent = json.label;
      if (json.status === "ready") { document.getElementById("pdf-link").classList.remove("d-none"); clearInterval(poll); }
      if (json.status === "failed") clearInterval(poll);
    });
  }, 2000);
})();
