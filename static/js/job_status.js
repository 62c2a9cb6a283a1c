// Background work shown on the page that asked for it (an Excel export, an import, a generated PDF): every
// [data-job-box] still queued or running polls its status URL; when it is done the download appears (or the
// page reloads, for an import, to show what was imported), when it failed the message and "try again" do.
(function () {
  "use strict";
  const WAITING = ["queued", "running", "pending"];

  function show(element, visible) {
    if (element) element.classList.toggle("d-none", !visible);
  }

  function watch(box) {
    if (WAITING.indexOf(box.dataset.jobState) < 0) return;
    const find = function (name) { return box.querySelector("[data-job-" + name + "]"); };
    const poll = setInterval(function () {
      fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (json) {
          box.dataset.jobState = json.state;
          find("label").textContent = json.label;
          const bar = find("progress");
          if (bar && json.progress !== null && json.progress !== undefined) {
            bar.querySelector("progress").value = json.progress;
            bar.querySelector("progress").textContent = json.progress + "%";
            find("percent").textContent = json.progress + "%";
          }
          if (WAITING.indexOf(json.state) >= 0) return;
          clearInterval(poll);
          show(find("spinner"), false);
          if (box.dataset.reload) { window.location.reload(); return; }
          if (json.state === "done" && json.download_url) {
            find("link").setAttribute("href", json.download_url);
            show(find("link"), true);
          }
          if (json.state === "failed") {
            const message = find("message");
            if (message && json.message) { message.textContent = json.message; show(message, true); }
            show(find("retry"), true);
          }
        });
    }, 1500);
  }

  document.querySelectorAll("[data-job-box]").forEach(watch);
})();
