// Saves the application draft as the applicant types, keeps a copy in this browser, and restores
// it if the server did not get it (closed tab, expired session, lost connection).
(function () {
  "use strict";
  const form = document.getElementById("application-form");
  if (!form) return;
  const url = form.dataset.autosaveUrl;
  const key = "ipgrants-draft-" + form.dataset.applicationId;
  const status = document.getElementById("autosave-status");
  const serverSavedAt = Date.parse(form.dataset.savedAt || "") || 0;
  let timer = null;
  let dirty = false;
  let inFlight = null;      // the autosave request under way, if any
  let submitting = false;   // once Save/Submit is pressed, autosave stops: that request carries the data

  function say(text, kind) {
    if (!status) return;
    status.textContent = text;
    status.className = "autosave-status small text-" + (kind || "muted");
  }

  function snapshot() {
    const data = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") data[name] = value;
    });
    return data;
  }

  function keepLocal() {
    try {
      localStorage.setItem(key, JSON.stringify({ at: Date.now(), data: snapshot() }));
    } catch (e) { /* storage full or disabled: the server copy still counts */ }
  }

  function body() {
    const fd = new FormData(form);
    fd.delete("action");
    return fd;
  }

  function save() {
    timer = null;
    if (submitting) return;
    say(form.dataset.msgSaving);
    inFlight = fetch(url, {
      method: "POST",
      body: body(),
      headers: { "X-Requested-With": "XMLHttpRequest" },
      credentials: "same-origin",
      redirect: "manual",
    }).then(function (response) {
      if (response.ok) return response.json();
      // The server explains a refusal (409: e.g. a text too long) or a busy moment (503).
      return response.json().catch(function () { return {}; }).then(function (json) {
        throw new Error(json.error || "");
      });
    }).then(function (json) {
      dirty = false;
      say(json.message, json.notes && json.notes.length ? "warning" : "success");
      try { localStorage.setItem(key, JSON.stringify({ at: Date.parse(json.saved_at), data: snapshot(), synced: true })); } catch (e) { }
    }).catch(function (error) {
      if (submitting) return;
      say(form.dataset.msgFailed + (error && error.message ? " " + error.message : ""), "danger");
    }).finally(function () {
      inFlight = null;
    });
  }

  function changed() {
    if (submitting) return;
    dirty = true;
    keepLocal();
    say(form.dataset.msgPending);
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 1500);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  // Save, check or submit: pause autosave, let a request under way finish first, then send the form.
  form.addEventListener("submit", function (event) {
    if (timer) { clearTimeout(timer); timer = null; }
    submitting = true;
    if (inFlight) {
      event.preventDefault();
      const submitter = event.submitter;
      inFlight.finally(function () {
        inFlight = null;
        form.requestSubmit(submitter);
      });
    }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) submitting = false;  // back from the next page: autosave again
  });
  window.addEventListener("beforeunload", function () {
    if (dirty && !submitting && navigator.sendBeacon) navigator.sendBeacon(url, body());
  });

  // Restore a newer copy that never reached the server.
  try {
    const local = JSON.parse(localStorage.getItem(key) || "null");
    if (local && !local.synced && local.at > serverSavedAt) {
      Object.keys(local.data).forEach(function (name) {
        const field = form.elements.namedItem(name);
        if (!field || field instanceof RadioNodeList) return;
        if (field.type === "checkbox") field.checked = local.data[name] === "on";
        else if (field.type !== "file") field.value = local.data[name];
      });
      const notice = document.getElementById("restored-notice");
      if (notice) notice.classList.remove("d-none");
      changed();
    }
  } catch (e) { /* ignore a damaged local copy */ }
})();
