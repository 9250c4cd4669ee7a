/* geocoop — place names without a base map: régions at low zoom, then départements, then
   EPCI and the most populated communes, drawn from geocoop's own territories
   (/api/maps/labels), most populated first, a name skipped when it would overlap one
   already drawn. No tile or font server: the boundaries stay the base map. */
(function () {
  "use strict";

  var UI = window.GeocoopUI;

  /* What to name at zoom z: [level, minimum population, how many]. */
  function plan(z) {
    if (z < 6.5) return [["region", 0, 30]];
    if (z < 8.5) return [["departement", 0, 60]];
    if (z < 10) return [["epci", 0, 80], ["commune", 20000, 60]];
    if (z < 11.5) return [["commune", 2000, 150]];
    return [["commune", 0, 250]];
  }

  function attach(map, endpoint) {
    if (!endpoint) return null;
    map.createPane("labels").style.zIndex = 460; // above outlines, under markers and popups
    map.getPane("labels").style.pointerEvents = "none";
    var layer = L.layerGroup().addTo(map);
    var seq = 0;

    function draw(items) {
      layer.clearLayers();
      var taken = [];
      items.forEach(function (item) {
        var p = map.latLngToContainerPoint([item.lat, item.lon]);
        var big = item.level === "region";
        var w = item.name.length * (big ? 8.6 : 6.6) + 6, h = big ? 17 : 14;
        var box = [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2];
        var size = map.getSize();
        if (box[2] < 0 || box[0] > size.x || box[3] < 0 || box[1] > size.y) return;
        var clash = taken.some(function (b) { return box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]; });
        if (clash) return;
        taken.push(box);
        var span = document.createElement("span");
        span.textContent = item.name; // names are data: text, never HTML
        span.className = "place-label " + item.level;
        span.setAttribute("data-code", item.code);
        span.style.marginLeft = (-w / 2) + "px";
        span.style.marginTop = (-h / 2) + "px";
        layer.addLayer(L.marker([item.lat, item.lon], {
          pane: "labels", interactive: false, keyboard: false,
          icon: L.divIcon({ html: span, className: "place-label-holder", iconSize: [0, 0] }),
        }));
      });
      map.getContainer().setAttribute("data-labels", String(layer.getLayers().length));
    }

    function refresh() {
      var b = map.getBounds(), mine = ++seq;
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(3); }).join(",");
      var asks = plan(map.getZoom()).map(function (step) {
        var q = new URLSearchParams({ level: step[0], bbox: bbox, limit: String(step[2]), min_population: String(step[1]) });
        return UI.getJSON(endpoint + "?" + q.toString()).catch(function () { return []; });
      });
      return Promise.all(asks).then(function (lists) {
        if (mine !== seq) return;
        draw([].concat.apply([], lists));
      });
    }
    map.on("moveend", refresh);
    return { refresh: refresh, layer: layer };
  }

  window.GeocoopLabels = { attach: attach };
})();
