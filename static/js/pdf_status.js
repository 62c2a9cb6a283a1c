// The application page polls the PDF's status while it is queued or being made (by Celery or the background
// runner); when it is ready the download appears, when it failed the "try again" button does.
(function () {
  "use strict";
  const box = document.getElementById("pdf-box");
  if (!box || (box.dataset.status !== "pending" && box.dataset.status !== "running")) return;
  const poll = setInterval(function () {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (json) {
      document.getElementById("pdf-label").textContent = json.label;
      if (json.status === "ready") { document.getElementById("pdf-link").classList.remove("d-none"); clearInterval(poll); }
      if (json.status === "failed") {
        const retry = document.getElementById("pdf-retry");
        if (retry) retry.classList.remove("d-none");
        clearInterval(poll);
      }
    });
  }, 2000);
})();
