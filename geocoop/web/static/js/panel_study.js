/* geocoop — the territory panel's study sections: which communes each kind covers (sortable
   lists with a CSV link) and « Où accompagner, quoi financer ? » (stages, needs, support
   structures, financing, staff). Built from /api/maps/territory/<code>(/communes). */
(function () {
  "use strict";

  var UI = window.GeocoopUI, t = UI.t, el = UI.el;

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_m, name) { return values[name]; });
  }
  function section(title, children, id) {
    return el("section", { class: "panel-section", id: id || null }, [el("h3", { text: title })].concat(children));
  }

  var SORTS = {
    population: function (a, b) { return b.population - a.population || a.name.localeCompare(b.name); },
    name: function (a, b) { return a.name.localeCompare(b.name, UI.config.lang); },
    distance: function (a, b) { return (b.nearest_m || 0) - (a.nearest_m || 0); },
  };

  function communeRows(tbody, communes, sort) {
    tbody.textContent = "";
    communes.slice().sort(SORTS[sort]).forEach(function (c) {
      var nearest = c.covered_by_perimeter && !c.covered_by_distance
        ? c.perimeter_name + " (" + t("communes.in_perimeter") + ")" : (c.nearest_name || "–");
      tbody.appendChild(el("tr", { "data-code": c.code, "data-population": c.population }, [
        el("td", { text: c.name }), el("td", { class: "num", text: UI.num(c.population) }),
        el("td", { text: nearest }), el("td", { class: "num", text: c.nearest_m === null ? "–" : UI.km(c.nearest_m) }),
      ]));
    });
  }

  function communeTable(communes, list) {
    var tbody = el("tbody");
    var select = el("select", { "aria-label": t("communes.sort"), class: "communes-sort" },
      ["population", "name", "distance"].map(function (k) { return el("option", { value: k, text: t("communes.by_" + k) }); }));
    select.addEventListener("change", function () { communeRows(tbody, communes, select.value); });
    communeRows(tbody, communes, "population");
    return el("div", { class: "communes-block" }, [
      el("label", {}, [t("communes.sort") + " ", select]),
      el("div", { class: "table-scroll" }, [el("table", { class: "communes-table", "data-list": list }, [
        el("thead", {}, [el("tr", {}, [el("th", { text: t("table.name") }), el("th", { class: "num", text: t("table.population") }),
          el("th", { text: t("communes.nearest") }), el("th", { class: "num", text: t("table.distance_km").replace(" (km)", "") })])]),
        tbody])]),
    ]);
  }

  /* The communes section: one <details> per kind, the uncovered ones open first. */
  function communes(answer, kindsByCode, csvUrl) {
    var blocks = answer.kinds.map(function (b) {
      var k = kindsByCode[b.kind];
      if (!b.has_data) {
        return el("div", { class: "communes-kind", "data-kind": b.kind, "data-status": "none" },
          [el("p", { class: "no-data" }, [el("strong", { text: UI.kindLabel(k) + t("punct.colon") + " " }), t("data.none")])]);
      }
      var total = b.communes_covered + b.communes_uncovered;
      var summary = fill(t("communes.summary"), { kind: UI.kindLabel(k), uncovered: UI.num(b.communes_uncovered),
        total: UI.num(total), population: UI.num(b.population_uncovered) });
      return el("div", { class: "communes-kind", "data-kind": b.kind, "data-uncovered": b.communes_uncovered,
                          "data-covered": b.communes_covered, "data-population-uncovered": b.population_uncovered }, [
        el("p", { class: "communes-summary", text: summary }),
        el("details", { class: "uncovered", open: b.communes_uncovered > 0 && b.communes_uncovered <= 50 }, [
          el("summary", { text: t("communes.uncovered") + " (" + UI.num(b.communes_uncovered) + ")" }),
          b.uncovered.length ? communeTable(b.uncovered, "uncovered") : el("p", { text: t("communes.none_uncovered") })]),
        el("details", { class: "covered" }, [
          el("summary", { text: t("communes.covered") + " (" + UI.num(b.communes_covered) + ")" }),
          b.covered.length ? communeTable(b.covered, "covered") : el("p", { text: t("communes.none_covered") })]),
      ]);
    });
    blocks.push(el("p", { class: "exports" }, [el("a", { id: "panel-communes-csv", href: csvUrl, download: "", text: t("communes.csv") })]));
    return section(t("communes.title"), blocks, "panel-communes");
  }

  function label(prefix, value) { return value ? t(prefix + "." + value) : t("support.unknown"); }

  /* « Où accompagner, quoi financer ? » */
  function support(sup) {
    var children = [];
    var stages = Object.keys(sup.by_stage);
    children.push(el("p", { id: "panel-stages", "data-cooperations": sup.cooperations }, [
      el("strong", { text: UI.num(sup.cooperations) }), " " + t("support.cooperations") +
      (stages.length ? " — " + stages.map(function (s) {
        return (s === "unknown" ? t("support.unknown") : t("stage." + s)) + t("punct.colon") + " " + UI.num(sup.by_stage[s]);
      }).join(", ") : "")]));
    if (sup.profiles.length) {
      children.push(el("details", {}, [el("summary", { text: t("support.by_stage") }),
        el("ul", { class: "profiles" }, sup.profiles.map(function (p) {
          return el("li", { text: [label("stage", p.stage), label("category", p.category), label("model", p.socio_economic_model)].join(" · ") +
            t("punct.colon") + " " + UI.num(p.cooperations) });
        }))]));
    }
    children.push(el("h4", { text: t("support.needs") }));
    children.push(sup.needs.length
      ? el("ul", { id: "panel-needs", class: "needs" }, sup.needs.map(function (n) {
          return el("li", { "data-need": n.need, "data-cooperations": n.cooperations }, [
            el("strong", { text: t("support.dimension." + n.dimension) }), " — " + t("need." + n.need) + t("punct.colon") + " " +
            UI.num(n.cooperations) + " " + t("support.cooperations")]);
        }))
      : el("p", { id: "panel-needs", text: sup.cooperations ? t("support.needs_none") : t("panel.none") }));
    var ss = sup.support_structures, text;
    if (!ss.has_data) text = t("support.structures_none_data");
    else if (ss.communes_without) {
      text = fill(t("support.structures_missing"), { communes: UI.num(ss.communes_without), population: UI.num(ss.population_without) });
      if (ss.emergence_without) text += " " + fill(t("support.emergence_without"), { count: UI.num(ss.emergence_without) });
    } else text = t("support.structures_all");
    children.push(el("h4", { text: t("support.structures") }));
    children.push(el("p", { id: "panel-support-structures", class: ss.has_data ? null : "no-data", "data-has-data": ss.has_data ? "true" : "false", text: text }));
    children.push(el("h4", { text: t("support.financing") }));
    if (sup.financing.length) {
      var max = sup.financing[0].cooperations;
      children.push(UI.barChart(sup.financing.slice(0, 12).map(function (f) {
        return { label: f.scheme, value: f.cooperations, max: max, text: UI.num(f.cooperations), colour: "#009E73" };
      }), { title: t("support.financing") + t("punct.colon") + " " + sup.financing.map(function (f) {
        return f.scheme + " " + UI.num(f.cooperations); }).join(", "), labelWidth: 150 }));
      children.push(el("ul", { id: "panel-financing", class: "financing visually-hidden" }, sup.financing.map(function (f) {
        return el("li", { "data-scheme": f.scheme, "data-cooperations": f.cooperations, text: f.scheme + t("punct.colon") + " " + UI.num(f.cooperations) });
      })));
    } else {
      children.push(el("p", { id: "panel-financing", text: t("support.financing_none") }));
    }
    children.push(el("p", { id: "panel-staff", text: sup.with_staff
      ? fill(t("support.staff"), { fte: UI.num(sup.staff_fte, 1), count: UI.num(sup.with_staff) }) : t("support.staff_none") }));
    return section(t("support.title"), children, "panel-support");
  }

  window.GeocoopStudy = { communes: communes, support: support };
})();
