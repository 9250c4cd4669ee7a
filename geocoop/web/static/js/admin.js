/* geocoop — admin upload: send the file with progress; the server queues it as a job
   (202 + its URL); poll the job until it ends, then show the report and rejects.
   Without JavaScript the form posts normally and the job page refreshes itself. */
(function () {
  "use strict";
  var UI = window.GeocoopUI, t = UI.t, el = UI.el;
  var form = document.getElementById("upload-form");
  if (!window.FormData) return;
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var statusLine = status;
  var report = document.getElementById("report");
  var jobPanel = document.getElementById("job");

  function jobLine(job) {
    var line = t("admin.job") + " " + job.id + " · " + (job.file || "") + t("punct.colon") + " " + t("admin.job." + job.status);
    if (job.status === "running" && job.stage) line += " (" + t("admin.stage." + job.stage) + ")";
    if (job.ahead) line += " · " + job.ahead + " " + t("admin.job.ahead");
    return line;
  }

  function follow(url) {
    var shown = document.getElementById("job-status");
    var status = jobPanel && !jobPanel.hidden && shown ? shown : statusLine;
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.addEventListener("load", function () {
      var job = {};
      try { job = JSON.parse(xhr.responseText); } catch (e) { job = { detail: xhr.statusText }; }
      if (xhr.status !== 200) { status.textContent = job.detail || ("HTTP " + xhr.status); return; }
      status.textContent = jobLine(job);
      if (job.status === "done") { show(job.report || {}); }
      else if (job.status === "failed") { status.textContent = jobLine(job) + " — " + ((job.error || {}).detail || ""); }
      else { window.setTimeout(function () { follow(url); }, 1500); }
    });
    xhr.addEventListener("error", function () { window.setTimeout(function () { follow(url); }, 3000); });
    xhr.send();
  }

  // A job page opened while its job waits or runs: follow it.
  if (jobPanel && !jobPanel.hidden && /queued|running/.test(jobPanel.dataset.status || "")) {
    follow(jobPanel.dataset.url);
  }

  function show(body) {
    report.hidden = false;
    report.textContent = "";
    report.appendChild(el("h2", { text: body.file || "" }));
    report.appendChild(el("p", { class: "notice", id: "report-counts" }, [
      el("strong", { text: String(body.accepted) }), " " + t("admin.accepted") + ", ",
      el("strong", { text: String((body.rejects || []).length) }), " " + t("admin.rejected")]));
    (body.warnings || []).forEach(function (w) { report.appendChild(el("p", { class: "notice", text: w })); });
    var columns = (body.counts || {}).columns || [];
    if (columns.length) {
      report.appendChild(el("h3", { text: t("admin.columns") }));
      report.appendChild(el("table", { id: "columns" }, [
        el("thead", {}, [el("tr", {}, [el("th", { text: t("admin.column") }), el("th", { text: t("admin.read_as") })])]),
        el("tbody", {}, columns.map(function (c) {
          var read = c.read_as === "field" ? "→ " + c.field + (c.how && c.how !== "mapping" ? " (" + c.how + ")" : "") : t("admin.read." + c.read_as);
          return el("tr", {}, [el("td", { text: c.column }), el("td", { text: read })]);
        })),
      ]));
    }
    if ((body.rejects || []).length) {
      report.appendChild(el("h3", { text: t("admin.rejects") }));
      report.appendChild(el("table", { id: "rejects" }, [
        el("thead", {}, [el("tr", {}, [el("th", { text: "#" }), el("th", { text: t("admin.field") }), el("th", { text: t("table.reason") })])]),
        el("tbody", {}, body.rejects.slice(0, 500).map(function (r) {
          return el("tr", {}, [el("td", { text: r.line === null ? "" : String(r.line) }), el("td", { text: r.field || "" }), el("td", { text: r.reason })]);
        })),
      ]));
    }
  }

  if (form) form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    bar.hidden = false; bar.value = 0;
    status.textContent = "";
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total);
    });
    xhr.upload.addEventListener("load", function () { bar.value = 100; status.textContent = t("admin.progress"); });
    xhr.addEventListener("load", function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = { detail: xhr.statusText }; }
      if (xhr.status === 202 && body.url) { status.textContent = jobLine(body); follow(body.url); }
      else if (xhr.status >= 200 && xhr.status < 300) { status.textContent = ""; show(body); }
      else { status.textContent = body.detail || ("HTTP " + xhr.status); }
    });
    xhr.addEventListener("error", function () { status.textContent = "HTTP error"; });
    xhr.send(new FormData(form));
  });
})();
