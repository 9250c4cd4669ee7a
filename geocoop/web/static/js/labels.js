/* geocoop — place names without a base map: régions at low zoom, then départements, then
   EPCI and the most populated communes, drawn from geocoop's own territories
   (/api/maps/labels), most populated first, a name skipped when it would overlap one
   already drawn or a marker (cluster icons included: a name under a cluster cannot be
   read). No tile or font server: the boundaries stay the base map. */
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

  /* The markers drawn on screen (cooperations, clusters, posts) as container boxes. */
  function markerBoxes(map) {
    var origin = map.getContainer().getBoundingClientRect();
    var icons = map.getPane("markerPane").querySelectorAll(".leaflet-marker-icon");
    return Array.prototype.map.call(icons, function (icon) {
      var r = icon.getBoundingClientRect();
      return [r.left - origin.left, r.top - origin.top, r.right - origin.left, r.bottom - origin.top];
    }).filter(function (b) { return b[2] > b[0] && b[3] > b[1]; });
  }

  function attach(map, endpoint) {
    if (!endpoint) return null;
    map.createPane("labels").style.zIndex = 460; // above outlines, under markers and popups
    map.getPane("labels").style.pointerEvents = "none";
    var layer = L.layerGroup().addTo(map);
    var seq = 0;
    var last = [];

    function draw(items) {
      last = items;
      layer.clearLayers();
      var taken = markerBoxes(map);
      var probe = document.createElement("div"); // the names' real sizes, measured unseen
      probe.style.cssText = "position:absolute;left:0;top:0;visibility:hidden";
      map.getContainer().appendChild(probe);
      items.forEach(function (item) {
        var p = map.latLngToContainerPoint([item.lat, item.lon]);
        var size = map.getSize();
        var span = document.createElement("span");
        span.textContent = item.name; // names are data: text, never HTML
        span.className = "place-label " + item.level;
        probe.appendChild(span);
        // an estimate from the name's length was short for long names (a marker under them)
        var w = span.offsetWidth + 4, h = span.offsetHeight + 2;
        probe.removeChild(span);
        // centred on the place, else up to four lines above or below it (clusters sit on a
        // région's centre at low zoom): the first spot clear of names and markers
        var spot = [0, -1, 1, -2, 2, -3, 3, -4, 4].map(function (step) {
          var dy = step * (h + 4);
          return [p.x - w / 2, p.y + dy - h / 2, p.x + w / 2, p.y + dy + h / 2];
        }).filter(function (box) {
          if (box[2] < 0 || box[0] > size.x || box[3] < 0 || box[1] > size.y) return false;
          return !taken.some(function (b) { return box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]; });
        })[0];
        if (!spot) return;
        taken.push(spot);
        span.setAttribute("data-code", item.code);
        // placed from the place's point (the holder, of size 0): an inline span's vertical
        // margin would be ignored
        span.style.position = "absolute";
        span.style.left = (spot[0] - p.x + 2) + "px";
        span.style.top = (spot[1] - p.y + 1) + "px";
        layer.addLayer(L.marker([item.lat, item.lon], {
          pane: "labels", interactive: false, keyboard: false,
          icon: L.divIcon({ html: span, className: "place-label-holder", iconSize: [0, 0] }),
        }));
      });
      probe.remove();
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
    // the markers move too (clustered again after a zoom, loaded after a filter): the same
    // names are placed again around them, without asking the server
    function redraw() { draw(last); }
    return { refresh: refresh, redraw: redraw, layer: layer };
  }

  window.GeocoopLabels = { attach: attach };
})();
