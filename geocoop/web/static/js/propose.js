/* « Proposer une coopération »: commune search and a click on the map fill the form's
   commune code and lon/lat; in « commune » / « EPCI » mode a click adds the territory under
   it to the perimeter (or removes it when already there), listed with remove buttons.
   The perimeter field stays the truth (typing codes works, with or without this script). */
(function () {
  "use strict";

  var configNode = document.getElementById("geocoop-config");
  var config = JSON.parse(configNode.textContent);
  var lon = document.getElementById("lon");
  var lat = document.getElementById("lat");
  var code = document.getElementById("commune_code");
  var results = document.getElementById("commune-results");
  var query = document.getElementById("commune-search");

  // Leaflet ≥ 1.8 dropped DomEvent.fakeStop, which VectorGrid 1.3 still calls on clicks.
  if (!L.DomEvent.fakeStop) L.DomEvent.fakeStop = function (e) { e._stopped = true; };

  var map = L.map("propose-map", { zoomSnap: 0.5 }).setView([46.6, 2.4], 5);
  if (config.tiles && L.vectorGrid) {
    L.vectorGrid.protobuf(config.tiles, {
      rendererFactory: L.canvas.tile, interactive: false, maxNativeZoom: 15,
      vectorTileLayerStyles: { departements: { weight: 1, color: "#555", fill: true,
        fillColor: "#f4f4f4", fillOpacity: 1 } },
      attribution: "IGN, INSEE",
    }).addTo(map);
  }
  if (config.communes && L.vectorGrid) {
    // the communes from zoom 7: what a click picks for a perimeter
    L.vectorGrid.protobuf(config.communes, {
      rendererFactory: L.canvas.tile, interactive: false, maxNativeZoom: 15, minZoom: 7,
      vectorTileLayerStyles: { communes: { weight: 0.5, color: "#999", fill: false } },
    }).addTo(map);
  }
  var msg = config.messages;
  var perimeter = document.getElementById("perimeter");
  var list = document.getElementById("perimeter-list");
  var names = {}; // code → "name (level)" for the territories picked on the map

  function codes() {
    return perimeter.value.split(/[\s,;|]+/).filter(Boolean);
  }
  function render() {
    while (list.firstChild) list.removeChild(list.firstChild);
    codes().forEach(function (code) {
      var label = names[code] ? names[code] + " — " + code : code;
      list.appendChild(GeocoopUI.el("li", { "data-code": code }, [
        GeocoopUI.el("span", { text: label + " " }),
        GeocoopUI.el("button", { type: "button", class: "perimeter-remove", "data-code": code,
          "aria-label": msg.remove + " " + label, text: msg.remove,
          on: { click: function () { toggle(code, false); perimeter.focus(); } } }),
      ]));
    });
  }
  // add (on = true), remove (false) or flip (undefined) one code of the perimeter
  function toggle(code, on) {
    var current = codes();
    var at = current.indexOf(code);
    if (at >= 0 && on !== true) current.splice(at, 1);
    else if (at < 0 && on !== false) current.push(code);
    perimeter.value = current.join(" ");
    render();
  }
  perimeter.addEventListener("input", render);
  render();

  function mode() {
    var checked = document.querySelector("input[name=map_mode]:checked");
    return checked ? checked.value : "point";
  }
  function pick(latlng, level) {
    GeocoopUI.getJSON(config.at + "?" + new URLSearchParams({ lon: latlng.lng, lat: latlng.lat, level: level }))
      .then(function (found) {
        if (!found || !found.code) return;
        names[found.code] = found.name + " (" + (msg["level." + level] || level) + ")";
        toggle(found.code);
        document.body.setAttribute("data-picked", found.code);
      }).catch(function () {});
  }

  var marker = null;
  function place(lngLat) {
    lon.value = lngLat.lng.toFixed(6);
    lat.value = lngLat.lat.toFixed(6);
    if (marker) marker.setLatLng(lngLat);
    else marker = L.circleMarker(lngLat, { radius: 8, color: "#0072B2", weight: 3 }).addTo(map);
  }
  map.on("click", function (e) {
    if (mode() === "point") place(e.latlng);
    else pick(e.latlng, mode());
  });
  if (lon.value && lat.value && !isNaN(+lon.value) && !isNaN(+lat.value)) {
    place(L.latLng(+lat.value, +lon.value));
  }

  function choose(item) {
    code.value = item.code;
    query.value = item.name;
    while (results.firstChild) results.removeChild(results.firstChild);
    if (item.bbox) map.fitBounds([[item.bbox[1], item.bbox[0]], [item.bbox[3], item.bbox[2]]]);
  }
  function search() {
    var q = query.value.trim();
    if (!q) return;
    GeocoopUI.getJSON(config.search + "?" + new URLSearchParams({ q: q, limit: 10 })).then(function (found) {
      while (results.firstChild) results.removeChild(results.firstChild);
      found.filter(function (item) { return item.level === "commune"; }).forEach(function (item) {
        var label = item.name + " (" + item.code + ")";
        results.appendChild(GeocoopUI.el("li", { role: "option" }, [
          GeocoopUI.el("button", { type: "button", class: "commune-choice", "data-code": item.code, text: label,
            on: { click: function () { choose(item); } } }),
        ]));
      });
    }).catch(function () {});
  }
  document.getElementById("commune-search-button").addEventListener("click", search);
  query.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); search(); }
  });
  document.body.setAttribute("data-ready", "true");
})();
