"""Messages of the study's pages: the area selector, named white zones, the funder ranking
(merged into geocoop.web.i18n's tables)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "area.label": "Région ou département",
        "area.all": "Toute la France",
        "area.zoom": "La carte se centre sur le territoire choisi et la liste s'y limite.",
        "chart.area": "Territoires de la zone choisie, classés par population non couverte",
        "white.split_note": (
            "Une zone qui s'étend sur plusieurs départements est découpée par département ; "
            "chaque ligne rappelle la zone entière."
        ),
        "white.part_of": "partie de la zone",
        "nav.funders": "Où accompagner ?",
    },
    "en": {
        "area.label": "Region or département",
        "area.all": "All of France",
        "area.zoom": "The map centres on the chosen territory and the list keeps to it.",
        "chart.area": "Territories of the chosen area, ranked by uncovered population",
        "white.split_note": (
            "A zone spreading over several départements is split by département; each line "
            "recalls the whole zone."
        ),
        "white.part_of": "part of zone",
        "nav.funders": "Where to support?",
    },
}
