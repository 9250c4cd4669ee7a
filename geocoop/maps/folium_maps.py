"""Static folium maps of a territory: served with local assets, or exported fully offline.

folium's default page pulls Leaflet, jQuery, Bootstrap and Font Awesome from CDNs; here
only Leaflet is kept and it is pointed at our own copy (or inlined for the offline file).
Nothing in the generated HTML fetches a remote URL.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import folium

STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"
LEAFLET_JS = "vendor/leaflet/leaflet.js"
LEAFLET_CSS = "vendor/leaflet/leaflet.css"
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def territory_map(territory: dict, cooperations: list[dict], lang: str = "fr") -> folium.Map:
    """A folium map of `territory` (GeoJSON geometry) and the cooperations around it.

    No base tiles: the territory outline is the base map. Markers are circle markers in
    the kind's colour with a tooltip (folium popups need jQuery, tooltips do not).
    """
    fmap = folium.Map(tiles=None, control_scale=True, prefer_canvas=False)
    # our own copies only: no CDN (folium's defaults also load jQuery/Bootstrap, unused here)
    fmap.default_js = [("leaflet", LEAFLET_JS)]
    fmap.default_css = [("leaflet_css", LEAFLET_CSS)]
    folium.GeoJson(
        {"type": "Feature", "geometry": territory["geometry"], "properties": {}},
        name=territory["name"],
        style_function=lambda _f: {
            "color": "#222222",
            "weight": 2,
            "fillColor": "#56B4E9",
            "fillOpacity": 0.12,
        },
    ).add_to(fmap)
    label_key = "label_en" if lang == "en" else "label_fr"
    for coop in cooperations:
        if coop.get("lat") is None or coop.get("lon") is None:
            continue
        folium.CircleMarker(
            [coop["lat"], coop["lon"]],
            radius=7,
            color="#222222",
            weight=1,
            fill=True,
            fill_color=coop["colour"],
            fill_opacity=0.95,
            tooltip=f"{_escape(coop['name'])} — {_escape(coop[label_key])}",
        ).add_to(fmap)
    box = [territory.get(k) for k in ("south", "west", "north", "east")]
    if None not in box:
        fmap.fit_bounds([[box[0], box[1]], [box[2], box[3]]])
    return fmap


def _escape(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")


def render_served(fmap: folium.Map, static_url: str) -> tuple[str, list[str]]:
    """HTML of the map using our static assets, and the CSP hashes of its scripts.

    HTML of the map using our static assets under `static_url`, and the CSP hashes
    (`'sha256-…'`) of its inline scripts so the page can run under a strict policy.
    """
    prefix = static_url.rstrip("/") + "/"
    fmap.default_js = [("leaflet", prefix + LEAFLET_JS)]
    fmap.default_css = [("leaflet_css", prefix + LEAFLET_CSS)]
    html = fmap.get_root().render()
    return html, script_hashes(html)


def script_hashes(html: str) -> list[str]:
    """CSP source expressions allowing exactly the inline scripts of `html`."""
    hashes = []
    for body in _SCRIPT.findall(html):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return hashes


def render_offline(fmap: folium.Map, title: str) -> str:
    """A standalone HTML file: Leaflet's script, style and images inlined, opens offline."""
    fmap.default_js = [("leaflet", "geocoop-inline:leaflet.js")]
    fmap.default_css = [("leaflet_css", "geocoop-inline:leaflet.css")]
    html = fmap.get_root().render()
    js = (STATIC_DIR / LEAFLET_JS).read_text(encoding="utf-8").replace("</script", "<\\/script")
    css = _inline_images((STATIC_DIR / LEAFLET_CSS).read_text(encoding="utf-8"))
    html = html.replace(
        '<script src="geocoop-inline:leaflet.js"></script>', f"<script>{js}</script>"
    ).replace('<link rel="stylesheet" href="geocoop-inline:leaflet.css"/>', f"<style>{css}</style>")
    return html.replace("<head>", f"<head>\n<title>{_escape(title)}</title>", 1)


def _inline_images(css: str) -> str:
    images = STATIC_DIR / "vendor" / "leaflet"

    def data_uri(match: re.Match) -> str:
        path = images / match.group(1)
        encoded = base64.b64encode(path.read_bytes()).decode()
        return f"url(data:image/png;base64,{encoded})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)
