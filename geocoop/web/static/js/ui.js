/* geocoop — small UI helpers shared by the pages: messages, DOM, numbers, charts, icons. */
(function () {
  "use strict";

  var configNode = document.getElementById("geocoop-config");
  var config = configNode ? JSON.parse(configNode.textContent) : { lang: "fr", messages: {} };

  function t(key) {
    return (config.messages && config.messages[key]) || key;
  }

  /* el("li", {class: "x", text: "…"}, [children]) — never uses innerHTML with data. */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "on") Object.keys(value).forEach(function (ev) { node.addEventListener(ev, value[ev]); });
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  var locale = config.lang === "en" ? "en-GB" : "fr-FR";
  function num(value, digits) {
    if (value === null || value === undefined || isNaN(value)) return "–";
    return Number(value).toLocaleString(locale, { maximumFractionDigits: digits || 0 });
  }
  function pct(value) {
    if (value === null || value === undefined || isNaN(value)) return "–";
    return num(value, 1) + " %";
  }
  function km(metres) {
    if (metres === null || metres === undefined) return "–";
    return num(metres / 1000, metres < 10000 ? 1 : 0) + " km";
  }

  var SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function shorten(text, max) {
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }

  /* Horizontal bars, hand-written SVG: rows = [{label, value, max, text, colour}]. */
  function barChart(rows, options) {
    options = options || {};
    var width = 320, labelW = options.labelWidth || 120, barH = 16, gap = 6;
    var height = rows.length * (barH + gap) + gap;
    var chart = svg("svg", {
      viewBox: "0 0 " + width + " " + height, width: "100%", role: "img",
      "aria-label": options.title || "", class: "bars",
    });
    var max = options.max || Math.max.apply(null, rows.map(function (r) { return r.value || 0; }).concat([1]));
    rows.forEach(function (row, i) {
      var y = gap + i * (barH + gap);
      var w = Math.max(0, (width - labelW - 70) * (row.value || 0) / max);
      var g = svg("g", {}, [
        svg("title", { text: row.label + t("punct.colon") + " " + row.text }),
        svg("text", { x: labelW - 4, y: y + barH - 4, "text-anchor": "end", class: "bar-label", text: shorten(row.label, Math.floor(labelW / 5.6)) }),
        svg("rect", { x: labelW, y: y, width: width - labelW - 70, height: barH, class: "bar-track" }),
        svg("rect", { x: labelW, y: y, width: w, height: barH, fill: row.colour || "#0072B2", stroke: "#222", "stroke-width": 0.5 }),
        svg("text", { x: labelW + w + 4, y: y + barH - 4, class: "bar-value", text: row.text }),
      ]);
      chart.appendChild(g);
    });
    return chart;
  }

  /* Glyphs drawn inside the marker disc (24×24 viewBox), one per kind.icon. */
  var GLYPHS = {
    hub: "M12 6a2 2 0 1 1 0 4 2 2 0 0 1 0-4zm-5 8a2 2 0 1 1 0 4 2 2 0 0 1 0-4zm10 0a2 2 0 1 1 0 4 2 2 0 0 1 0-4zM11 10h2v2l3 2-1 1.5-3-2-3 2L8 14l3-2z",
    leaf: "M6 17C6 10 11 6 18 6c0 7-4 12-11 12l-1 1-1-1 1-1zm2-1c3-3 5-5 7-7-3 1-5 3-7 7z",
    briefcase: "M9 7V6a1 1 0 0 1 1-1h4a1 1 0 0 1 1 1v1h3a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1zm1 0h4V6h-4z",
    home: "M12 5l7 6h-2v7h-4v-4h-2v4H7v-7H5z",
    users: "M9 8a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5zm6 1a2 2 0 1 1 0 4 2 2 0 0 1 0-4zM4 18c0-3 2-4.5 5-4.5s5 1.5 5 4.5zm11 0c0-1.5-.4-2.7-1.2-3.6.4-.1.8-.1 1.2-.1 2.5 0 5 1 5 3.7z",
    coins: "M12 5c3.3 0 6 1.1 6 2.5S15.3 10 12 10 6 8.9 6 7.5 8.7 5 12 5zm-6 4.5c0 1.4 2.7 2.5 6 2.5s6-1.1 6-2.5V12c0 1.4-2.7 2.5-6 2.5S6 13.4 6 12zm0 4.5c0 1.4 2.7 2.5 6 2.5s6-1.1 6-2.5v2.5C18 18 15.3 19 12 19s-6-1-6-2.5z",
    flag: "M7 5h1.5v14H7zm2.5 0H18l-2 3.5 2 3.5H9.5z",
    "life-ring": "M12 5a7 7 0 1 1 0 14 7 7 0 0 1 0-14zm0 4a3 3 0 1 0 0 6 3 3 0 0 0 0-6z",
    circle: "M12 8a4 4 0 1 1 0 8 4 4 0 0 1 0-8z",
  };

  function isLight(hex) {
    var c = (hex || "#000000").replace("#", "");
    var r = parseInt(c.substr(0, 2), 16), g = parseInt(c.substr(2, 2), 16), b = parseInt(c.substr(4, 2), 16);
    return 0.299 * r + 0.587 * g + 0.114 * b > 150;
  }

  /* An SVG disc in the kind's colour with its glyph (light glyph on dark colours). */
  function kindBadge(kind, size) {
    size = size || 24;
    var ink = isLight(kind.colour) ? "#111111" : "#ffffff";
    return svg("svg", { viewBox: "0 0 24 24", width: size, height: size, "aria-hidden": "true", class: "kind-badge" }, [
      svg("circle", { cx: 12, cy: 12, r: 11, fill: kind.colour, stroke: "#111111", "stroke-width": 1.5 }),
      svg("path", { d: GLYPHS[kind.icon] || GLYPHS.circle, fill: ink }),
    ]);
  }

  function kindLabel(kind) {
    if (!kind) return "";
    return config.lang === "en" ? kind.label_en : kind.label_fr;
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      if (!r.ok) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          var err = new Error(body.detail || r.statusText || "HTTP " + r.status);
          err.status = r.status;
          throw err;
        });
      }
      return r.json();
    });
  }

  window.GeocoopUI = {
    config: config, t: t, el: el, num: num, pct: pct, km: km, barChart: barChart,
    kindBadge: kindBadge, kindLabel: kindLabel, isLight: isLight, getJSON: getJSON,
  };
})();
