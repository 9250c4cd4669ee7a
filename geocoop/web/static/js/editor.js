/* The map editor of one cooperation (/moderation/cooperations/<id>/editer): a click moves
   the point, or adds the commune / EPCI under it to the perimeter; « Aperçu » asks the
   server what the coverage would become (nothing kept); « Enregistrer » saves with the
   version the page showed (a 412 says someone changed it since). */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("geocoop-config").textContent);
  var msg = config.messages;
  var pointOut = document.getElementById("edit-point");
  var perimeter = document.getElementById("perimeter");
  var errorBox = document.getElementById("edit-error");
  var point = null; // [lon, lat] once moved

  if (!L.DomEvent.fakeStop) L.DomEvent.fakeStop = function (e) { e._stopped = true; };
  var start = config.point ? [config.point[1], config.point[0]] : [48.1, -2.8];
  var map = L.map("edit-map", { zoomSnap: 0.5 }).setView(start, config.point ? 10 : 7);
  if (L.vectorGrid) {
    L.vectorGrid.protobuf(config.tiles, {
      rendererFactory: L.canvas.tile, interactive: false, maxNativeZoom: 15,
      vectorTileLayerStyles: { departements: { weight: 1, color: "#555", fill: true,
        fillColor: "#f4f4f4", fillOpacity: 1 } },
    }).addTo(map);
    // the communes from zoom 7: what a click picks for a perimeter
    L.vectorGrid.protobuf(config.communes, {
      rendererFactory: L.canvas.tile, interactive: false, maxNativeZoom: 15, minZoom: 7,
      vectorTileLayerStyles: { communes: { weight: 0.5, color: "#999", fill: false } },
    }).addTo(map);
  }
  var marker = config.point
    ? L.circleMarker(start, { radius: 8, color: "#0072B2", weight: 3 }).addTo(map) : null;

  function mode() {
    return document.querySelector("input[name=mode]:checked").value;
  }
  map.on("click", function (e) {
    if (mode() === "point") {
      point = [+e.latlng.lng.toFixed(6), +e.latlng.lat.toFixed(6)];
      pointOut.textContent = point.join(", ");
      if (marker) marker.setLatLng(e.latlng);
      else marker = L.circleMarker(e.latlng, { radius: 8, color: "#0072B2", weight: 3 }).addTo(map);
      return;
    }
    var level = mode();
    GeocoopUI.getJSON(config.at + "?" + new URLSearchParams({ lon: e.latlng.lng, lat: e.latlng.lat, level: level }))
      .then(function (found) {
        if (!found || !found.code) return;
        var key = level + ":" + found.code;
        var codes = perimeter.value.split(/\s+/).filter(Boolean);
        if (codes.indexOf(key) < 0) codes.push(key);
        perimeter.value = codes.join(" ");
      }).catch(function () {});
  });

  function body() {
    var fields = {};
    // only what the editor changed: a derived category sent back would become declared
    document.querySelectorAll(".edit-field").forEach(function (input) {
      if (input.value.trim() !== input.defaultValue.trim()) {
        fields[input.getAttribute("data-field")] = input.value.trim();
      }
    });
    var out = { fields: fields, etag: config.etag };
    if (perimeter.value.trim() !== perimeter.defaultValue.trim()) out.perimeter = perimeter.value;
    if (point) out.point = point;
    return out;
  }
  function send(url, payload) {
    errorBox.hidden = true;
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": config.csrf },
      body: JSON.stringify(payload),
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (answer) {
        if (!r.ok) {
          errorBox.textContent = answer.detail || String(r.status);
          errorBox.hidden = false;
          throw new Error(answer.detail || r.status);
        }
        return answer;
      });
    });
  }
  function side(part) {
    if (!part || !part.communes) return msg.none;
    var names = part.list.slice(0, 12).map(function (c) { return c.name; }).join(", ");
    return part.communes + " (" + part.population.toLocaleString(config.lang) + " " +
      msg.inhabitants + ") : " + names + (part.communes > 12 ? "…" : "");
  }
  document.getElementById("edit-preview").addEventListener("click", function () {
    send(config.preview, body()).then(function (answer) {
      var kind = answer.coverage[config.kind] || {};
      document.getElementById("edit-gained").textContent = msg.gained + " " + side(kind.gained);
      document.getElementById("edit-lost").textContent = msg.lost + " " + side(kind.lost);
      document.getElementById("edit-preview-result").hidden = false;
      document.body.setAttribute("data-previewed", "true");
    }).catch(function () {});
  });
  document.getElementById("edit-save").addEventListener("click", function () {
    send(config.save, body()).then(function (answer) {
      window.location.assign(answer.history);
    }).catch(function () {});
  });
  document.getElementById("edit-delete").addEventListener("click", function () {
    if (!window.confirm(msg.confirm_delete)) return;
    send(config.save, { delete: true, etag: config.etag }).then(function (answer) {
      window.location.assign(answer.history);
    }).catch(function () {});
  });
  document.body.setAttribute("data-ready", "true");
})();
