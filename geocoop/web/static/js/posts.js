/* geocoop — the developer-posts plan as a layer of the France map: each post a numbered
   marker (keyboard-focusable, its figures in its aria-label and popup) inside its service
   circle, a list beside the map, and CSV / GeoJSON links to exactly the plan drawn (the same
   query as the one the layer fetched). The plan lives in the URL (posts, radius_km, quota,
   weight), scoped by the map's région / département selector. */
(function () {
  "use strict";

  var UI = window.GeocoopUI, t = UI.t, el = UI.el;
  var DEFAULTS = { posts: "500", radius_km: "20", quota: "", weight: "5000" };
  var INTEGER = /^\d{1,7}$/, NUMBER = /^\d{1,7}(\.\d+)?$/;

  /* A URL value within the API's bounds (the form's min / max), else the default. */
  function bounded(q, name, lo, hi) {
    var v = q.get(name) || "";
    return (name === "radius_km" || name === "weight" ? NUMBER : INTEGER).test(v) && Number(v) >= lo && Number(v) <= hi ? v : DEFAULTS[name];
  }
  /* The plan asked by the URL, or null when the layer is off. */
  function read(q) {
    if (!q.get("posts")) return null;
    return { posts: bounded(q, "posts", 1, 2000), radius_km: bounded(q, "radius_km", 1, 100),
             quota: bounded(q, "quota", 1, 2000), weight: bounded(q, "weight", 0, 1000000) };
  }
  function write(q, plan) {
    if (!plan) return;
    q.set("posts", plan.posts);
    q.set("radius_km", plan.radius_km);
    if (plan.quota) q.set("quota", plan.quota);
    if (plan.weight !== DEFAULTS.weight) q.set("weight", plan.weight);
  }
  /* The API's query for a plan and a scope ({level, code} or null). */
  function apiQuery(plan, area, format) {
    var q = new URLSearchParams({ posts: plan.posts, radius_m: String(Math.round(Number(plan.radius_km) * 1000)), weight: plan.weight });
    if (plan.quota) q.set("quota_per_region", plan.quota);
    if (area) q.set(area.level, area.code);
    q.set("f", format);
    return q.toString();
  }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_m, name) { return values[name]; });
  }
  function white(value) { return value === null || value === undefined ? t("funders.unknown") : UI.num(value); }

  /* hooks.changed(plan) is called when the user turns the layer on or off or asks a plan. */
  function attach(map, endpoint, hooks) {
    var form = document.getElementById("posts-form");
    var on = document.getElementById("posts-on"), fields = document.getElementById("posts-fields");
    var result = document.getElementById("posts-result"), list = document.getElementById("posts-list");
    var inputs = { posts: "posts-n", radius_km: "posts-radius", quota: "posts-quota", weight: "posts-weight" };
    map.createPane("posts").style.zIndex = 620; // above the cooperation markers, under popups
    var layer = L.featureGroup().addTo(map);
    var markers = {}, loadedKey = null, fitNext = false, formFor;

    function formPlan() {
      var plan = {};
      Object.keys(inputs).forEach(function (k) { plan[k] = document.getElementById(inputs[k]).value.trim(); });
      return plan;
    }
    function setForm(plan) {
      on.checked = !!plan;
      fields.hidden = !plan;
      var values = plan || DEFAULTS;
      Object.keys(inputs).forEach(function (k) { document.getElementById(inputs[k]).value = values[k]; });
    }
    on.addEventListener("change", function () {
      fields.hidden = !on.checked;
      fitNext = on.checked;
      hooks.changed(on.checked ? formPlan() : null);
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (!form.reportValidity()) return;
      fitNext = true;
      hooks.changed(formPlan());
    });

    function popup(p, radius) {
      var rows = [
        [t("planner.gain_emergence"), "+" + UI.num(p.gain_emergence)],
        [t("planner.gain_white"), p.gain_white_population === null ? t("funders.unknown") : "+" + UI.num(p.gain_white_population)],
        [t("posts.reached"), UI.num(p.communes_reached)],
        [t("planner.total_emergence"), UI.num(p.total_emergence)],
        [t("planner.total_white"), white(p.total_white_population)],
        [t("posts.radius"), UI.num(radius / 1000, 1) + " km (" + UI.num(radius) + " m)"],
      ];
      var fiche = hooks.fiche ? el("a", { href: hooks.fiche(p.code), text: t("posts.fiche") }) : null;
      return el("div", { class: "post-card", "data-rank": p.rank }, [
        el("h3", { text: fill(t("posts.rank"), { rank: p.rank }) + t("punct.colon") + " " + p.name + " (" + p.code + ")" }),
        el("dl", {}, [].concat.apply([], rows.map(function (r) { return [el("dt", { text: r[0] }), el("dd", { text: r[1] })]; }))),
        fiche ? el("p", {}, [fiche]) : null,
      ]);
    }
    /* What a screen reader hears on a post: its rank, commune and marginal gain. */
    function label(p) {
      return fill(t("posts.rank"), { rank: p.rank }) + t("punct.colon") + " " + p.name + ", " +
        fill(t("posts.gain"), { emergence: UI.num(p.gain_emergence), white: white(p.gain_white_population) });
    }
    function draw(answer) {
      layer.clearLayers();
      markers = {};
      list.textContent = "";
      var radius = answer.radius_m;
      answer.features.forEach(function (f) {
        var p = f.properties, c = f.geometry.coordinates, at = [c[1], c[0]];
        L.circle(at, { pane: "posts", radius: radius, weight: 1.5, color: "#6a3d9a", fillColor: "#cab2d6", fillOpacity: 0.2, interactive: false }).addTo(layer);
        var icon = L.divIcon({ html: "<span>" + Number(p.rank) + "</span>", className: "post-marker", iconSize: [26, 26], iconAnchor: [13, 13], popupAnchor: [0, -13] });
        var m = L.marker(at, { pane: "posts", icon: icon, keyboard: true, title: label(p) }).addTo(layer);
        m.bindPopup(function () { return popup(p, radius); }, { maxWidth: 300 });
        var node = m.getElement();
        node.setAttribute("aria-label", label(p));
        node.setAttribute("role", "button");
        node.setAttribute("data-rank", p.rank);
        node.setAttribute("data-code", p.code);
        markers[p.rank] = m;
        var button = el("button", { type: "button", class: "post-button", "aria-label": label(p) }, [
          el("strong", { text: p.rank + ". " + p.name }), " — " + fill(t("posts.gain"), { emergence: UI.num(p.gain_emergence), white: white(p.gain_white_population) })]);
        button.addEventListener("click", function () { map.setView(at, Math.max(map.getZoom(), 9)); m.openPopup(); });
        list.appendChild(el("li", { "data-rank": p.rank, "data-code": p.code, "data-gain-emergence": p.gain_emergence,
          "data-gain-white": p.gain_white_population === null ? "" : p.gain_white_population }, [button]));
      });
      var last = answer.features.length ? answer.features[answer.features.length - 1].properties : null;
      document.getElementById("posts-summary").textContent = fill(t("posts.summary"), {
        placed: UI.num(answer.posts_placed), asked: UI.num(answer.posts_asked),
        emergence: UI.num(last ? last.total_emergence : 0),
        white: last ? white(last.total_white_population) : (answer.demand.white_population === null ? t("funders.unknown") : "0"),
      }) + (answer.posts_placed < answer.posts_asked ? " " + t("planner.stopped") : "");
      var rules = document.getElementById("posts-rules"), sfx = UI.config.lang === "en" ? "_en" : "";
      rules.textContent = "";
      ["reach", "objective", "weight", "proposal"].forEach(function (k) {
        rules.appendChild(el("li", { "data-rule": k, text: answer.rules[k + sfx] }));
      });
      map.getContainer().setAttribute("data-posts", String(answer.features.length));
    }

    /* Draw the plan (fetched once per query); off: clear. Returns a promise. */
    function load(plan, area) {
      // the form follows the URL's plan, not every refresh (a filter change keeps what is typed)
      var asked = JSON.stringify(plan);
      if (asked !== formFor) { setForm(plan); formFor = asked; }
      result.hidden = !plan;
      if (!plan) {
        layer.clearLayers(); loadedKey = null;
        map.getContainer().removeAttribute("data-posts");
        return Promise.resolve();
      }
      var key = apiQuery(plan, area, "geojson");
      ["csv", "geojson"].forEach(function (f) {
        document.getElementById("posts-" + f).href = endpoint + "?" + apiQuery(plan, area, f);
      });
      var fit = fitNext || hooks.fitFirst();
      fitNext = false;
      if (key === loadedKey) return Promise.resolve();
      loadedKey = key;
      document.getElementById("posts-summary").textContent = t("posts.loading");
      list.textContent = "";
      return fetch(endpoint + "?" + key, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) return r.json().catch(function () { return {}; }).then(function (b) { throw new Error(b.detail || "HTTP " + r.status); });
          return r.json();
        })
        .then(function (answer) {
          if (loadedKey !== key) return;
          draw(answer);
          if (fit && answer.features.length) map.fitBounds(layer.getBounds(), { maxZoom: 10, padding: [20, 20] });
        })
        .catch(function (err) {
          if (loadedKey !== key) return;
          loadedKey = null;
          layer.clearLayers();
          document.getElementById("posts-summary").textContent = err.message;
        });
    }
    return { load: load, markers: function () { return markers; } };
  }

  window.GeocoopPosts = { read: read, write: write, attach: attach };
})();
