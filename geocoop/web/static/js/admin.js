/* geocoop — admin upload: send the file with progress, then show the report and rejects.
   Without JavaScript the form posts normally and the server renders the same report. */
(function () {
  "use strict";
  var UI = window.GeocoopUI, t = UI.t, el = UI.el;
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData) return;
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var report = document.getElementById("report");

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

  form.addEventListener("submit", function (ev) {
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
      if (xhr.status >= 200 && xhr.status < 300) { status.textContent = ""; show(body); }
      else { status.textContent = body.detail || ("HTTP " + xhr.status); }
    });
    xhr.addEventListener("error", function () { status.textContent = "HTTP error"; });
    xhr.send(new FormData(form));
  });
})();
