/* The developer-posts plan on a small map: each post a circle of its service radius,
   numbered by rank, from the same GeoJSON as the export link (no base map: outlines of
   reach only, the list beside says where). */
(function () {
  "use strict";
  var box = document.getElementById("planner-map");
  if (!box || !window.L) return;
  var radius = Number(box.getAttribute("data-radius"));
  var map = L.map(box, { attributionControl: false, scrollWheelZoom: false });
  fetch(box.getAttribute("data-geojson"), { headers: { Accept: "application/geo+json" } })
    .then(function (r) { return r.json(); })
    .then(function (collection) {
      var group = L.featureGroup();
      var points = collection.features.map(function (f) {
        return [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      });
      // Leaflet draws circles only on a map with a view: set it first
      if (points.length) map.fitBounds(L.latLngBounds(points).pad(0.2));
      else map.setView([46.6, 2.4], 5);
      collection.features.forEach(function (f) {
        var p = f.properties;
        var c = f.geometry.coordinates;
        L.circle([c[1], c[0]], { radius: radius, weight: 1, fillOpacity: 0.15 })
          .bindTooltip(p.rank + ". " + p.name)
          .addTo(group);
        L.circleMarker([c[1], c[0]], { radius: 3, weight: 1, fillOpacity: 1 })
          .bindTooltip(p.rank + ". " + p.name)
          .addTo(group);
      });
      group.addTo(map);
      box.setAttribute("data-drawn", String(collection.features.length));
    });
})();
