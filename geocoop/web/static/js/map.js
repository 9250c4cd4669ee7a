/* geocoop — the France map: choropleth of coverage, cooperation markers, filters in the URL,
   territory search and panel, white-zone mode. Data comes from the page's own JSON API. */
(function () {
  "use strict";

  var UI = window.GeocoopUI, t = UI.t, el = UI.el, config = UI.config;
  var Posts = window.GeocoopPosts; // the developer-posts layer (posts.js)
  var E = config.endpoints;
  var kindsByCode = {};
  config.kinds.forEach(function (k) { kindsByCode[k.code] = k; });
  // one meaningful kind by default (the server picks it: a cooperation kind with data);
  // context layers (France services, support structures) are never in it
  var DEFAULT_KINDS = (config.defaultKinds || []).slice();
  var FRANCE = [[41.3, -5.2], [51.1, 9.6]]; // metropolitan France
  var WKIND_DEFAULT = (config.kinds.filter(function (k) { return !k.context && hasData(k); })[0] || config.kinds[0]).code;
  function hasData(k) { return !!(k && k.data_status && k.data_status.has_data); }
  function statusText(k) {
    if (!k || !k.data_status) return "";
    return config.lang === "en" ? k.data_status.message_en : k.data_status.message;
  }
  function noteText(n) { return config.lang === "en" ? n.message_en : n.message; }

  // Leaflet ≥ 1.8 dropped DomEvent.fakeStop, which VectorGrid 1.3 still calls on clicks.
  if (!L.DomEvent.fakeStop) L.DomEvent.fakeStop = function (e) { e._stopped = true; };

  /* ---------- state <-> URL ---------- */
  var FILTER_KEYS = ["category", "model", "stage", "distance_km"];
  function readState() {
    var q = new URLSearchParams(window.location.search);
    var kinds = q.get("kinds");
    return {
      kinds: kinds === null ? DEFAULT_KINDS.slice() : kinds.split(",").filter(function (k) { return kindsByCode[k]; }),
      category: q.get("category") || "", model: q.get("model") || "", stage: q.get("stage") || "",
      distance_km: /^\d+(\.\d+)?$/.test(q.get("distance_km") || "") ? q.get("distance_km") : "",
      rule: ["any", "distance", "perimeter"].indexOf(q.get("rule")) >= 0 ? q.get("rule") : "any",
      mode: q.get("mode") === "white" ? "white" : "coverage",
      wkind: kindsByCode[q.get("wkind")] ? q.get("wkind") : WKIND_DEFAULT,
      t: q.get("t") || "", tl: q.get("tl") || "", at: q.get("at") || "",
      area: readArea(q),
      plan: Posts ? Posts.read(q) : null,
    };
  }
  /* The région (region=53) or département (departement=22) chosen on the map, or null. */
  function readArea(q) {
    var levels = ["departement", "region"];
    for (var i = 0; i < levels.length; i++) {
      var code = q.get(levels[i]);
      if (code && /^[0-9AB]{2,3}$/i.test(code)) return { level: levels[i], code: code.toUpperCase() };
    }
    return null;
  }
  function isDefaultKinds(kinds) {
    return kinds.length === DEFAULT_KINDS.length && DEFAULT_KINDS.every(function (k) { return kinds.indexOf(k) >= 0; });
  }
  function stateQuery(s, withView) {
    var q = new URLSearchParams();
    if (!isDefaultKinds(s.kinds)) q.set("kinds", s.kinds.join(","));
    FILTER_KEYS.forEach(function (k) { if (s[k]) q.set(k, s[k]); });
    if (s.rule && s.rule !== "any") q.set("rule", s.rule);
    if (s.mode === "white") { q.set("mode", "white"); q.set("wkind", s.wkind); }
    if (s.area) q.set(s.area.level, s.area.code);
    if (s.t) { q.set("t", s.t); if (s.tl) q.set("tl", s.tl); }
    if (Posts) Posts.write(q, s.plan);
    if (withView && s.at) q.set("at", s.at);
    var lang = new URLSearchParams(window.location.search).get("lang");
    if (lang) q.set("lang", lang);
    return q.toString();
  }
  /* The filters as the JSON endpoints take them (no view, no mode). */
  function filterQuery(s, extra) {
    var q = new URLSearchParams();
    if (s.kinds.length) q.set("kinds", s.kinds.join(","));
    FILTER_KEYS.forEach(function (k) { if (s[k]) q.set(k, s[k]); });
    if (s.rule && s.rule !== "any") q.set("rule", s.rule);
    Object.keys(extra || {}).forEach(function (k) { q.set(k, extra[k]); });
    return q.toString();
  }
  var state = readState();
  var linkHasView = !!state.at; // a link with t= or an area but no view zooms there
  function pushState() {
    var qs = stateQuery(state, true);
    history.pushState(null, "", qs ? "?" + qs : window.location.pathname);
  }

  /* ---------- map ---------- */
  var map = L.map("map", { preferCanvas: true, zoomSnap: 0.5, minZoom: 3, maxZoom: 18, keyboard: true });
  map.attributionControl.setPrefix(false);
  if (config.baseTiles) {
    L.tileLayer(config.baseTiles, { attribution: config.baseAttribution || "", maxZoom: 18 }).addTo(map);
  } else {
    map.getContainer().classList.add("no-base");
  }
  function applyView() {
    var parts = (state.at || "").split("/").map(Number);
    if (parts.length === 3 && parts.every(function (n) { return !isNaN(n); })) {
      map.setView([parts[1], parts[2]], parts[0]);
    } else {
      map.fitBounds(FRANCE);
    }
  }
  applyView();
  var placeLabels = window.GeocoopLabels ? window.GeocoopLabels.attach(map, E.labels) : null;
  var postsLayer = Posts && E.developerPosts ? Posts.attach(map, E.developerPosts, {
    changed: function (plan) { state.plan = plan; pushState(); refresh(); },
    // a shared link without a view (nor a territory or area to zoom to) opens on the plan
    fitFirst: function () { return firstPlan && !linkHasView && !state.t && !state.area; },
    fiche: function (code) { return E.fiche.replace("CODE", encodeURIComponent(code)) + "?level=commune"; },
  }) : null;
  var firstPlan = true;
  map.on("moveend", function () {
    var c = map.getCenter();
    state.at = [map.getZoom(), c.lat.toFixed(4), c.lng.toFixed(4)].join("/");
    var qs = stateQuery(state, true);
    history.replaceState(null, "", qs ? "?" + qs : window.location.pathname);
    updateLevel();
  });

  /* ---------- choropleth ---------- */
  var PALETTE = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]; // ColorBrewer YlGnBu
  var CLASSES = [];
  var NO_DATA = "#d9d9d9";
  /* Five equal classes between the smallest and the largest figure of the level shown,
     so the whole colour range is used (a map of 92–100 % is not one flat colour). */
  function setClasses(values) {
    var v = values.filter(function (x) { return x !== null && x !== undefined; });
    CLASSES = [];
    if (!v.length) return;
    var lo = Math.floor(Math.min.apply(null, v)), hi = Math.ceil(Math.max.apply(null, v));
    if (hi === lo) { CLASSES.push({ from: lo, upTo: hi, colour: PALETTE[PALETTE.length - 1] }); return; }
    var step = (hi - lo) / PALETTE.length;
    PALETTE.forEach(function (colour, i) {
      CLASSES.push({ from: lo + i * step, upTo: i === PALETTE.length - 1 ? hi : lo + (i + 1) * step, colour: colour });
    });
  }
  function classColour(value) {
    if (value === null || value === undefined || !CLASSES.length) return NO_DATA;
    for (var i = 0; i < CLASSES.length; i++) if (value < CLASSES[i].upTo) return CLASSES[i].colour;
    return CLASSES[CLASSES.length - 1].colour;
  }
  function levelForZoom(z) {
    if (z < 7) return "region";
    if (z < 9) return "departement";
    if (z < 10) return "epci";
    return "commune";
  }
  var coverageByCode = {}, currentLevel = null, choropleth = null, coverageKey = null;
  function featureCode(props) { return props.code || props.id; }
  function choroplethStyle(props) {
    var value = coverageByCode[featureCode(props)];
    return { fill: true, fillColor: classColour(value), fillOpacity: state.mode === "white" ? 0.35 : 0.75,
             color: "#4d4d4d", weight: currentLevel === "commune" ? 0.4 : 0.9, opacity: 1 };
  }
  function makeChoropleth(level) {
    if (!config.tiles) return null;
    var styles = {};
    ["regions", "departements", "epci", "communes", "default"].forEach(function (name) {
      styles[name] = function (props) { return choroplethStyle(props); };
    });
    // 512-px tiles one zoom level up: a quarter of the requests for the same detail (the
    // MVT grid is 4096 units, ample for 512 px). VectorGrid is a GridLayer and ignores
    // zoomOffset, so the URL's zoom is computed here: on a 512-px grid, level z's tile
    // indices are those of zoom z − 1.
    var layer = L.vectorGrid.protobuf(config.tiles[level].replace("{z}", "{zz}"), {
      rendererFactory: L.canvas.tile, vectorTileLayerStyles: styles, interactive: false,
      tileSize: 512, maxNativeZoom: 15, attribution: "IGN, INSEE",
      zz: function (data) { return data.z - 1; },
    });
    return layer;
  }
  // a click on a territory opens its panel (the search does the same from the keyboard);
  // the server finds the territory under the point (VectorGrid's own hit test breaks with
  // 512-px tiles)
  map.on("click", function (e) {
    if (state.mode === "white") return;
    var level = levelForZoom(map.getZoom());
    var q = new URLSearchParams({ lon: e.latlng.lng.toFixed(6), lat: e.latlng.lat.toFixed(6), level: level });
    UI.getJSON(E.at + "?" + q.toString()).then(function (found) {
      if (!found) return;
      state.t = found.code; state.tl = found.level;
      pushState();
      openPanel(true);
    }).catch(function () {});
  });
  function updateLevel() {
    var level = levelForZoom(map.getZoom());
    if (level === currentLevel) return;
    currentLevel = level;
    loadCoverage();
  }
  function loadCoverage() {
    var level = currentLevel;
    var key = level + "|" + filterQuery(state);
    if (key === coverageKey) return Promise.resolve();
    coverageKey = key;
    var done = state.kinds.length
      ? UI.getJSON(E.coverage + "?" + filterQuery(state, { level: level })).then(function (data) {
          coverageByCode = {};
          data.rows.forEach(function (r) { coverageByCode[r.code] = r.population_covered_pct; });
          setClasses(data.rows.map(function (r) { return r.population_covered_pct; }));
        }).catch(function () { coverageByCode = {}; setClasses([]); })
      : Promise.resolve(coverageByCode = {});
    return done.then(function () {
      if (coverageKey !== key) return;
      // a new layer rather than redraw(): VectorGrid's redraw paints semi-transparent
      // tiles over retained ones (patchwork of opacities); tiles come from the HTTP cache
      if (choropleth) map.removeLayer(choropleth);
      choropleth = makeChoropleth(level);
      if (choropleth) choropleth.addTo(map).bringToBack();
      document.getElementById("map").setAttribute("data-level", level);
      renderScale();
    });
  }

  /* ---------- markers ---------- */
  var clusters = L.markerClusterGroup({ disableClusteringAtZoom: 11, showCoverageOnHover: false, maxClusterRadius: 50 });
  map.addLayer(clusters);
  // re-clustered after a zoom (animated): the names make way for the new cluster icons
  clusters.on("animationend", function () { if (placeLabels) placeLabels.redraw(); });
  var iconCache = {};
  function kindIcon(code) {
    if (!iconCache[code]) {
      var holder = document.createElement("div");
      holder.appendChild(UI.kindBadge(kindsByCode[code] || { colour: "#777777", icon: "circle" }, 24));
      iconCache[code] = L.divIcon({ html: holder.innerHTML, className: "coop-marker", iconSize: [24, 24], iconAnchor: [12, 12], popupAnchor: [0, -12] });
    }
    return iconCache[code];
  }
  function card(p) {
    var kind = kindsByCode[p.kind_code];
    var rows = [
      [t("coop.kind"), UI.kindLabel(kind)],
      [t("coop.category"), p.category ? t("category." + p.category) : "–"],
      [t("coop.model"), p.socio_economic_model ? t("model." + p.socio_economic_model) : "–"],
      [t("coop.stage"), p.stage ? t("stage." + p.stage) : "–"],
      [t("coop.governance"), p.governance || "–"],
    ];
    var links = E.cooperationItem ? [el("a", { href: E.cooperationItem.replace("ID", p.id), text: t("coop.details") })] : [];
    if (p.website && /^https?:\/\//i.test(p.website)) {
      links.unshift(el("a", { href: p.website, rel: "noopener noreferrer external", target: "_blank", text: t("coop.website") }), " · ");
    }
    rows.push([t("coop.links"), el("span", {}, links)]);
    return el("div", { class: "coop-card" }, [
      el("h3", { text: p.name }),
      el("dl", {}, [].concat.apply([], rows.map(function (r) {
        return [el("dt", { text: r[0] }), el("dd", {}, [r[1]])];
      }))),
    ]);
  }
  /* Perimeters (PAT, TZCLD… given as territories): outlines under the markers. */
  map.createPane("perimeters").style.zIndex = 450; // above the choropleth, under markers
  var perimeters = L.geoJSON(null, {
    pane: "perimeters",
    style: function (f) {
      var k = kindsByCode[f.properties.kind_code] || { colour: "#777777" };
      return { color: k.colour, weight: 1.5, opacity: 0.9, fillColor: k.colour, fillOpacity: 0.06, dashArray: "4 3" };
    },
    onEachFeature: function (f, layer) {
      layer.bindTooltip(f.properties.name + " — " + t("coop.perimeter"), { sticky: true });
    },
  });
  map.addLayer(perimeters);
  function loadPerimeters() {
    perimeters.clearLayers();
    if (!state.kinds.length || !E.perimeters) return Promise.resolve();
    return UI.getJSON(E.perimeters + "?" + filterQuery(state)).then(function (data) {
      perimeters.clearLayers();
      perimeters.addData(data);
    });
  }
  var markerCount = 0;
  function loadMarkers() {
    var perimetersDone = loadPerimeters().catch(function () {});
    if (!state.kinds.length) { clusters.clearLayers(); markerCount = 0; return perimetersDone; }
    return Promise.all([perimetersDone, UI.getJSON(E.cooperations + "?" + filterQuery(state))]).then(function (done) {
      var data = done[1];
      clusters.clearLayers();
      var markers = data.features.map(function (f) {
        var c = f.geometry.coordinates;
        var m = L.marker([c[1], c[0]], { icon: kindIcon(f.properties.kind_code), title: f.properties.name, alt: f.properties.name, keyboard: true });
        m.bindPopup(function () { return card(f.properties); }, { maxWidth: 300 });
        return m;
      });
      clusters.addLayers(markers);
      markerCount = markers.length;
      if (placeLabels) placeLabels.redraw(); // names make way for the markers just drawn
    });
  }

  /* ---------- legend, figures, chart ---------- */
  function renderScale() {
    var scale = document.getElementById("legend-coverage");
    scale.textContent = "";
    CLASSES.forEach(function (c) {
      var text = c.from === c.upTo ? UI.num(c.from, 1) + " %" : UI.num(c.from, 1) + "–" + UI.num(c.upTo, 1) + " %";
      scale.appendChild(el("li", {}, [el("span", { class: "swatch swatch-" + c.colour.slice(1) }), text]));
    });
    scale.appendChild(el("li", {}, [el("span", { class: "swatch swatch-nodata" }), t("legend.no_figure")]));
  }
  function renderLegend() {
    renderScale();
    var list = document.getElementById("legend-kinds");
    list.textContent = "";
    config.kinds.filter(function (k) { return state.kinds.indexOf(k.code) >= 0; }).forEach(function (k) {
      var status = hasData(k) && k.data_status.status === "loaded" ? null : statusText(k);
      list.appendChild(el("li", { "data-kind": k.code, "data-status": k.data_status ? k.data_status.status : null }, [
        UI.kindBadge(k, 18), " " + UI.kindLabel(k) + (k.context ? " (" + t("kind.context") + ")" : ""),
        status ? el("span", { class: "data-status", text: " — " + status }) : null]));
    });
    if (state.mode === "white") {
      list.appendChild(el("li", {}, [el("span", { class: "swatch swatch-white-zone" }), t("legend.white")]));
    }
    if (state.plan) list.appendChild(el("li", { "data-legend": "posts" }, [el("span", { class: "swatch swatch-post" }), t("posts.legend")]));
  }
  function kindNames(codes) {
    return codes.map(function (c) { return UI.kindLabel(kindsByCode[c]); }).join(", ");
  }
  /* What the headline is about, in words: one kind, « au moins une des coopérations
     cochées », a context layer, or no figure at all. */
  function scopeText(sel) {
    var key = "figures.scope." + sel.scope;
    return t(key).replace("{kind}", kindNames(sel.scope === "context" ? sel.kinds : sel.counted));
  }
  function renderNotes(node, sel) {
    node.textContent = "";
    var items = (sel.notes || []).map(function (n) {
      return el("li", { "data-note": n.code, text: noteText(n) });
    });
    if (sel.context_left_out && sel.context_left_out.length) {
      items.push(el("li", { "data-note": "context", text: t("figures.context_left_out").replace("{kinds}", kindNames(sel.context_left_out)) }));
    }
    items.forEach(function (li) { node.appendChild(li); });
    node.hidden = !items.length;
  }
  function loadFigures() {
    var body = document.getElementById("chart-dep-body");
    var scope = document.getElementById("fig-scope"), headline = document.getElementById("fig-headline");
    var notes = document.getElementById("fig-notes");
    if (!state.kinds.length) {
      ["fig-covered-pct", "fig-covered", "fig-uncovered"].forEach(function (id) { document.getElementById(id).textContent = "–"; });
      scope.textContent = t("figures.scope.empty"); scope.setAttribute("data-scope", "empty");
      body.textContent = ""; notes.textContent = ""; notes.hidden = true;
      return Promise.resolve();
    }
    var figureQuery = { level: "departement" };
    if (state.area) {
      // inside a région: its départements; inside a département: its EPCI
      figureQuery = { level: state.area.level === "region" ? "departement" : "epci" };
      figureQuery[state.area.level] = state.area.code;
    }
    document.getElementById("chart-dep-title").textContent = t(state.area ? "chart.area" : "chart.departements");
    return UI.getJSON(E.coverage + "?" + filterQuery(state, figureQuery)).then(function (data) {
      var sel = data.selection;
      scope.textContent = scopeText(sel);
      scope.setAttribute("data-scope", sel.scope);
      headline.hidden = !sel.has_figures;
      renderNotes(notes, sel);
      document.getElementById("fig-covered-pct").textContent = UI.pct(data.totals.population_covered_pct);
      document.getElementById("fig-covered").textContent = UI.num(data.totals.population_covered);
      document.getElementById("fig-uncovered").textContent = UI.num(data.totals.population_uncovered);
      body.textContent = "";
      if (!sel.has_figures) return;
      var rows = data.rows.slice().sort(function (a, b) { return (b.population_uncovered || 0) - (a.population_uncovered || 0); }).slice(0, 15);
      body.appendChild(UI.barChart(rows.map(function (r) {
        return { label: r.name + " (" + r.code + ")", value: r.population_uncovered, text: UI.num(r.population_uncovered), colour: "#D55E00" };
      }), { title: t(state.area ? "chart.area" : "chart.departements"), labelWidth: 150 }));
    }).catch(function (err) {
      body.textContent = err.message;
    });
  }

  /* ---------- filters form ---------- */
  var form = document.getElementById("filters");
  var kindBox = document.getElementById("kind-options");
  config.kinds.forEach(function (k) {
    var id = "k-" + k.code;
    var status = hasData(k) ? (k.data_status.status === "partial" ? statusText(k) : null) : statusText(k);
    kindBox.appendChild(el("div", { class: "kind-option" + (k.context ? " kind-context" : ""), "data-status": k.data_status ? k.data_status.status : null }, [
      el("input", { type: "checkbox", id: id, name: "kinds", value: k.code }),
      el("label", { for: id }, [UI.kindBadge(k, 18), " " + UI.kindLabel(k) + (hasData(k) ? " (" + UI.num(k.cooperations) + ")" : ""),
        k.context ? el("small", { class: "kind-note", text: " " + t("kind.context") }) : null,
        status ? el("small", { class: "data-status", text: " — " + status }) : null]),
    ]));
  });
  var wkind = document.getElementById("w-kind");
  config.kinds.forEach(function (k) {
    wkind.appendChild(el("option", { value: k.code, text: UI.kindLabel(k) + (hasData(k) ? "" : " — " + t("data.none")) }));
  });
  function fillForm() {
    form.querySelectorAll("input[name=kinds]").forEach(function (box) { box.checked = state.kinds.indexOf(box.value) >= 0; });
    document.getElementById("f-category").value = state.category;
    document.getElementById("f-model").value = state.model;
    document.getElementById("f-stage").value = state.stage;
    document.getElementById("f-distance").value = state.distance_km;
    document.getElementById("f-rule").value = state.rule;
    wkind.value = state.wkind;
    areaSelect.value = areaValue(state.area);
  }
  function readForm() {
    state.kinds = Array.prototype.map.call(form.querySelectorAll("input[name=kinds]:checked"), function (b) { return b.value; });
    state.category = document.getElementById("f-category").value;
    state.model = document.getElementById("f-model").value;
    state.stage = document.getElementById("f-stage").value;
    state.distance_km = document.getElementById("f-distance").value;
    state.rule = document.getElementById("f-rule").value;
  }
  form.addEventListener("change", function () { readForm(); pushState(); refresh(); });
  document.getElementById("filters-reset").addEventListener("click", function () {
    state.kinds = DEFAULT_KINDS.slice(); state.category = state.model = state.stage = state.distance_km = "";
    state.rule = "any";
    fillForm(); pushState(); refresh();
  });
  wkind.addEventListener("change", function () { state.wkind = wkind.value; pushState(); refresh(); });

  /* ---------- région / département selector ---------- */
  var areaSelect = document.getElementById("area-select");
  var areaBoxes = {};
  function areaValue(a) { return a ? a.level + ":" + a.code : ""; }
  function zoomToArea() {
    var box = state.area && areaBoxes[areaValue(state.area)];
    if (box) map.fitBounds([[box.south, box.west], [box.north, box.east]], { padding: [10, 10] });
  }
  var areasLoaded = (E.areas ? UI.getJSON(E.areas) : Promise.resolve([])).then(function (areas) {
    areas.forEach(function (a) {
      areaBoxes[areaValue(a)] = a;
      // a département is indented under its région; the text says which is which
      var label = a.level === "region" ? a.name : "\u2003" + a.name + " (" + a.code + ")";
      areaSelect.appendChild(el("option", { value: areaValue(a), text: label, "data-level": a.level }));
    });
    areaSelect.value = areaValue(state.area);
  }).catch(function () {});
  areaSelect.addEventListener("change", function () {
    var v = areaSelect.value.split(":");
    state.area = v.length === 2 ? { level: v[0], code: v[1] } : null;
    pushState();
    if (state.area) zoomToArea(); else map.fitBounds(FRANCE);
    refresh();
  });

  /* ---------- white-zone mode ---------- */
  var zonesLayer = null;
  var modeButton = document.getElementById("mode-toggle");
  modeButton.addEventListener("click", function () {
    state.mode = state.mode === "white" ? "coverage" : "white";
    pushState(); refresh();
  });
  function exportUrl(format) {
    var base = E.exports[format];
    if (!base) return null;
    var q = { kind: state.wkind, rule: state.rule, limit: "1000", split: "departement", f: format };
    if (state.area) { q.parent = state.area.code; q.parent_level = state.area.level; }
    return base + "?" + new URLSearchParams(q).toString();
  }
  function loadWhiteZones() {
    var section = document.getElementById("white-zones");
    var white = state.mode === "white";
    section.hidden = !white;
    modeButton.setAttribute("aria-pressed", white ? "true" : "false");
    document.body.classList.toggle("white-mode", white);
    if (zonesLayer) { map.removeLayer(zonesLayer); zonesLayer = null; }
    if (!white) return Promise.resolve();
    var wk = kindsByCode[state.wkind];
    ["csv", "geojson", "gpkg"].forEach(function (format) {
      var link = document.getElementById("export-" + format), url = exportUrl(format);
      link.hidden = !url || !hasData(wk);
      if (url) { link.href = url; link.setAttribute("download", ""); }
    });
    var list = document.getElementById("white-list");
    if (!hasData(wk)) {
      // no data is not absence: no zone is computed, and the list says why
      list.textContent = "";
      list.appendChild(el("li", { class: "no-data", text: UI.kindLabel(wk) + t("punct.colon") + " " + t("data.none") }));
      return Promise.resolve();
    }
    list.textContent = t("loading");
    // zones spanning several départements come split by département (parent id kept)
    var q = new URLSearchParams({ kind: state.wkind, rule: state.rule, limit: "50", split: "departement" });
    if (state.area) q.set(state.area.level, state.area.code);
    var en = config.lang === "en";
    return UI.getJSON(E.whiteZones + "?" + q.toString()).then(function (data) {
      list.textContent = "";
      zonesLayer = L.geoJSON(data, {
        style: { color: "#000000", weight: 1.5, fillColor: "#D55E00", fillOpacity: 0.55 },
        onEachFeature: function (f, layer) {
          layer.bindTooltip("#" + f.properties.rank + " " + (en ? f.properties.name_en : f.properties.name) + " — " +
            UI.num(f.properties.population) + " " + t("figures.population"));
        },
      }).addTo(map);
      var layers = zonesLayer.getLayers();
      if (!data.features.length) list.appendChild(el("li", { text: t("white.none") }));
      data.features.forEach(function (f, i) {
        var p = f.properties;
        var name = en ? p.name_en : p.name, reason = en ? p.reason_en : p.reason, part = en ? p.part_of_en : p.part_of;
        var figures = UI.num(p.population) + " " + t("figures.population") + " · " + UI.num(p.communes_count) + " " +
          t(p.communes_count === 1 ? "panel.commune" : "panel.communes") + " · " + (p.departement_names || []).join(", ");
        var button = el("button", { type: "button", class: "zone-button", "data-population": p.population, "data-zone": p.zone_id,
                                    "aria-label": t("white.zoom") + " #" + p.rank + " " + name + ", " + figures },
          [el("strong", { class: "zone-name", text: "#" + p.rank + " " + name }), el("br"), figures]);
        button.addEventListener("click", function () { map.fitBounds(layers[i].getBounds(), { maxZoom: 11 }); layers[i].openTooltip(); });
        list.appendChild(el("li", { class: "zone-item", "data-id": p.id, "data-nearest-m": p.nearest_cooperation_distance_m }, [button,
          el("p", { class: "zone-reason", text: reason }), part ? el("p", { class: "zone-part", text: part }) : null]));
      });
    }).catch(function (err) { list.textContent = err.message; });
  }

  /* ---------- search ---------- */
  var searchInput = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  var searchTimer = null, found = [], active = -1;
  function levelLabel(level) { return t("level." + level); }
  function showResults(items) {
    found = items; active = -1;
    results.textContent = "";
    results.hidden = false;
    if (!items.length) { results.appendChild(el("li", { class: "none", text: t("search.none") })); return; }
    items.forEach(function (item, i) {
      var li = el("li", { role: "option", id: "sr-" + i, "aria-selected": "false", "data-code": item.code },
        [el("strong", { text: item.name }),
         (item.former_name ? " (" + t("search.former") + " " + item.former_name + ")" : "") +
         " " + levelLabel(item.level) + " " + item.code]);
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(i); });
      results.appendChild(li);
    });
  }
  function search(q) {
    return UI.getJSON(E.search + "?" + new URLSearchParams({ q: q, limit: "8" }).toString()).then(showResults);
  }
  searchInput.addEventListener("input", function () {
    clearTimeout(searchTimer);
    var q = searchInput.value.trim();
    if (q.length < 2) { results.hidden = true; return; }
    searchTimer = setTimeout(function () { search(q); }, 200);
  });
  searchInput.addEventListener("keydown", function (ev) {
    if (results.hidden || !found.length) return;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      active = (active + (ev.key === "ArrowDown" ? 1 : -1) + found.length) % found.length;
      Array.prototype.forEach.call(results.children, function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
      searchInput.setAttribute("aria-activedescendant", "sr-" + active);
    } else if (ev.key === "Escape") {
      results.hidden = true;
    }
  });
  document.getElementById("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = searchInput.value.trim();
    if (!q) return;
    if (found.length && !results.hidden) { choose(active >= 0 ? active : 0); return; }
    search(q).then(function () { if (found.length) choose(0); });
  });
  function choose(i) {
    var item = found[i];
    results.hidden = true;
    searchInput.value = item.name;
    state.t = item.code; state.tl = item.level;
    if (item.bbox) {
      // leave room for the panel, which covers the map's right side on wide screens
      var wide = window.innerWidth > 760;
      map.fitBounds([[item.bbox[1], item.bbox[0]], [item.bbox[3], item.bbox[2]]],
        { maxZoom: 12, paddingTopLeft: [20, 20], paddingBottomRight: [wide ? Math.min(420, window.innerWidth / 2) : 20, 20] });
    }
    pushState();
    openPanel(true);
  }

  /* ---------- territory panel ---------- */
  var panel = document.getElementById("panel"), panelBody = document.getElementById("panel-body");
  var outline = null;
  document.getElementById("panel-close").addEventListener("click", function () {
    state.t = ""; state.tl = ""; pushState(); closePanel();
  });
  function closePanel() {
    panel.hidden = true;
    if (outline) { map.removeLayer(outline); outline = null; }
  }
  function reasonFor(row, kind, data) {
    var explanation = data.explanations && data.explanations[row.kind];
    if (explanation && explanation.message) return (config.lang === "en" && explanation.message_en) || explanation.message;
    var values = { covered: row.communes_covered, total: row.communes_total, kind: UI.kindLabel(kind),
                   km: UI.num(row.service_distance_m / 1000), rule: t("rule." + data.rule) };
    return t("reason.rollup." + data.rule).replace(/\{(\w+)\}/g, function (_m, name) { return values[name]; });
  }
  function section(title, children) {
    return el("section", { class: "panel-section" }, [el("h3", { text: title })].concat(children));
  }
  function renderPanel(data) {
    var tr = data.territory;
    panelBody.textContent = "";
    var qs = stateQuery(state, false);
    panelBody.appendChild(el("h2", { id: "panel-title", text: tr.name }));
    panelBody.appendChild(el("p", { class: "panel-meta" }, [levelLabel(tr.level) + " " + tr.code +
      (tr.departement_name && tr.level !== "departement" ? " · " + tr.departement_name : "")]));
    panelBody.appendChild(el("p", { class: "panel-population" }, [t("panel.population") + t("punct.colon") + " ",
      el("strong", { id: "panel-population", text: UI.num(tr.population) }),
      tr.population_year ? " (INSEE " + tr.population_year + ")" : ""]));
    panelBody.appendChild(el("p", {}, [el("a", { href: E.fiche.replace("CODE", encodeURIComponent(tr.code)) + "?" +
      new URLSearchParams({ level: tr.level }).toString() + (qs ? "&" + qs : ""), text: t("panel.fiche") })]));
    if (data.coverage) {
      var all = data.coverage.all, sel = data.coverage.selection;
      var rows = data.coverage.by_kind;
      var withFigures = rows.filter(function (r) { return r.population_covered_pct !== null && r.population_covered_pct !== undefined; });
      var chartRows = withFigures.map(function (r) {
        var k = kindsByCode[r.kind];
        return { label: UI.kindLabel(k), value: r.population_covered_pct || 0, colour: k.colour,
                 text: UI.pct(r.population_covered_pct) + " · " + r.communes_covered + "/" + r.communes_total };
      });
      // a kind without data says so, in the list and in place of a bar: never 0 %
      var noData = rows.filter(function (r) { return !hasData(kindsByCode[r.kind]); });
      var list = el("ul", { class: "reasons" }, rows.map(function (r) {
        var k = kindsByCode[r.kind];
        if (!hasData(k)) {
          return el("li", { "data-kind": r.kind, "data-status": "none" }, [el("strong", { text: UI.kindLabel(k) + t("punct.colon") + " " }), t("data.none")]);
        }
        var partial = k.data_status.status === "partial" ? el("span", { class: "data-status", text: " (" + statusText(k) + ")" }) : null;
        var figure = r.population_covered_pct === null ? t("figures.no_figure") + ". " :
          UI.pct(r.population_covered_pct) + " (" + UI.num(r.population_covered) + " " + t("figures.population") + "). ";
        return el("li", { "data-kind": r.kind, "data-covered": r.population_covered, "data-pct": r.population_covered_pct, "data-status": k.data_status.status },
          [el("strong", { text: UI.kindLabel(k) + t("punct.colon") + " " }), figure, partial,
           r.population_covered_pct === null ? null : el("span", { class: "why", text: " " + reasonFor(r, k, data) })]);
      }));
      var notes = el("ul", { class: "notes" });
      renderNotes(notes, sel);
      panelBody.appendChild(section(t("panel.coverage"), [
        el("p", { id: "panel-scope", class: "scope", "data-scope": sel.scope, text: scopeText(sel) }),
        all && sel.has_figures ? el("p", { id: "panel-covered-all", "data-covered": all.population_covered }, [
          el("strong", { text: UI.pct(all.population_covered_pct) }),
          " " + t("figures.covered") + " (" + UI.num(all.population_covered) + "), " + UI.num(all.population_uncovered) + " " + t("figures.uncovered")]) : null,
        notes,
        chartRows.length ? UI.barChart(chartRows, { max: 100, title: t("chart.kinds"), labelWidth: 130 }) : null,
        noData.length ? el("p", { class: "no-data", id: "panel-no-data", text: kindNames(noData.map(function (r) { return r.kind; })) + t("punct.colon") + " " + t("data.none") }) : null,
        el("details", {}, [el("summary", { text: t("panel.why") }), list]),
      ]));
      // which communes: filled by loadCommunes once the panel is drawn
      if (tr.level !== "commune") panelBody.appendChild(el("div", { id: "panel-communes-slot" }));
    }
    var near = data.cooperations_near.slice(0, 10);
    panelBody.appendChild(section(t("panel.nearest"), near.length ? [el("ol", { class: "nearest" }, near.map(function (c) {
      var k = kindsByCode[c.kind_code];
      var li = el("li", {}, [UI.kindBadge(k, 16), " ", el("strong", { text: c.name }), " — " + UI.kindLabel(k) + ", " +
        (c.distance_m === 0 ? t("coop.inside") : UI.km(c.distance_m) + " " + t("coop.from_boundary"))]);
      return li;
    }))] : [el("p", { text: t("panel.none") })]));
    if (data.white_zones) {
      var zoneNoData = (data.white_zones_without_data || []).length ?
        el("p", { class: "no-data", text: t("panel.zones_no_data").replace("{kinds}", kindNames(data.white_zones_without_data)) }) : null;
      panelBody.appendChild(section(t("panel.white_zones"), (data.white_zones.length ? [el("ul", { class: "zones" }, data.white_zones.map(function (z) {
        return el("li", {}, [el("strong", { text: UI.kindLabel(kindsByCode[z.kind]) }), t("punct.colon") + " " +
          (config.lang === "en" ? z.name_en : z.name) + ", " + UI.num(z.population) + " " + t("figures.population") +
          ", " + z.communes_count + " " + t(z.communes_count === 1 ? "panel.commune" : "panel.communes") + (z.nearest_cooperation_distance_m ? " — " + UI.km(z.nearest_cooperation_distance_m) + " " + t("panel.to_nearest") : "")]);
      }))] : [zoneNoData && data.white_zones_without_data.length === data.kinds.length ? null : el("p", { text: t("panel.none") })]).concat([zoneNoData])));
    }
    if (data.synergies) {
      panelBody.appendChild(section(t("panel.synergies"), data.synergies.length ? [el("ul", { class: "synergies" }, data.synergies.map(function (s) {
        var why = s.perimeters_overlap ? t("panel.overlap") : UI.km(s.distance_m);
        return el("li", {}, [el("strong", { text: s.a.name + " ↔ " + s.b.name }), " — " + UI.kindLabel(kindsByCode[s.a.kind]) + " / " +
          UI.kindLabel(kindsByCode[s.b.kind]) + t("punct.colon") + " " + why + ", " + t("panel.complementarity") + " " + UI.num(s.weight, 2) + ", score " + UI.num(s.score, 2)]);
      }))] : [el("p", { text: t("panel.none") })]));
    }
    if (data.support && window.GeocoopStudy) panelBody.appendChild(window.GeocoopStudy.support(data.support));
    if (outline) map.removeLayer(outline);
    if (tr.geometry) {
      outline = L.geoJSON(tr.geometry, { style: { color: "#000000", weight: 3, fill: false, dashArray: "6 4" }, interactive: false }).addTo(map);
    }
    panel.hidden = false;
    panel.setAttribute("data-code", tr.code);
  }
  /* The covered / uncovered communes of the open territory, per kind, with a CSV link. */
  function loadCommunes(tr) {
    var slot = document.getElementById("panel-communes-slot");
    if (!slot || !E.communes || !window.GeocoopStudy) return Promise.resolve();
    var q = filterQuery(state, { level: tr.level });
    var lang = new URLSearchParams(window.location.search).get("lang");
    var url = E.communes.replace("CODE", encodeURIComponent(tr.code)) + "?" + q;
    return UI.getJSON(url).then(function (answer) {
      if (panel.getAttribute("data-code") !== tr.code) return;
      slot.replaceWith(window.GeocoopStudy.communes(answer, kindsByCode,
        url + "&format=csv" + (lang ? "&lang=" + encodeURIComponent(lang) : "")));
    }).catch(function (err) { slot.textContent = err.message; });
  }
  var returnFocus = null;
  function openPanel(focus, zoom) {
    if (!state.t) { closePanel(); return Promise.resolve(); }
    var q = filterQuery(state, state.tl ? { level: state.tl } : {});
    if (focus && document.activeElement && document.activeElement !== document.body) returnFocus = document.activeElement;
    panel.hidden = false;
    panel.removeAttribute("data-code");
    panelBody.textContent = t("loading");
    return UI.getJSON(E.territory.replace("CODE", encodeURIComponent(state.t)) + "?" + q).then(function (data) {
      renderPanel(data);
      var tr = data.territory;
      // a shared link (t= without a view) opens on the territory, not on France
      if (zoom && tr.west !== null && tr.west !== undefined) {
        var wide = window.innerWidth > 760;
        map.fitBounds([[tr.south, tr.west], [tr.north, tr.east]],
          { maxZoom: 12, paddingTopLeft: [20, 20], paddingBottomRight: [wide ? Math.min(420, window.innerWidth / 2) : 20, 20] });
      }
      if (focus) panel.focus();
      return loadCommunes(tr);
    }).catch(function (err) { panelBody.textContent = err.message; });
  }
  // Escape closes the panel and gives the focus back to where it came from
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape" || panel.hidden) return;
    if (document.activeElement === searchInput && !results.hidden) return; // the list first
    state.t = ""; state.tl = ""; pushState(); closePanel();
    var back = returnFocus && document.body.contains(returnFocus) ? returnFocus : document.getElementById("map");
    returnFocus = null;
    back.focus();
  });

  /* ---------- everything together ---------- */
  var firstLoad = true;
  function refresh() {
    renderLegend();
    coverageKey = null;
    var markersDone = loadMarkers().then(function () {
      document.getElementById("fig-cooperations").textContent = UI.num(markerCount);
    });
    if (firstLoad && state.area && !linkHasView && !state.t) areasLoaded.then(zoomToArea);
    var postsDone = postsLayer ? postsLayer.load(state.plan, state.area) : Promise.resolve();
    firstPlan = false;
    var work = [areasLoaded, loadCoverage(), markersDone, placeLabels ? placeLabels.refresh() : Promise.resolve(), loadFigures(), loadWhiteZones(), openPanel(false, firstLoad && !linkHasView), postsDone];
    firstLoad = false;
    document.body.setAttribute("data-ready", "false");
    return Promise.all(work.map(function (p) { return p.catch(function () {}); })).then(function () {
      document.body.setAttribute("data-ready", "true");
    });
  }
  window.addEventListener("popstate", function () {
    state = readState();
    fillForm();
    applyView();
    refresh();
  });
  fillForm();
  currentLevel = levelForZoom(map.getZoom());
  refresh();
})();
