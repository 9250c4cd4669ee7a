"""The fiche's commune lists: long lists shortened on the page, every figure kept whole."""

from __future__ import annotations

import re

from geocoop.maps.communes import PAGE_ROWS


def _rows(section: str, which: str) -> list[str]:
    table = section.split(f'data-list="{which}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr data-code="([^"]+)"', table)


def test_region_fiche_shows_the_most_populated_communes_and_exact_counts(demo_app):
    client = demo_app.test_client()
    answer = client.get("/api/maps/territory/53/communes?level=region").get_json()
    html = client.get("/territoires/53?level=region").get_data(as_text=True)
    english = client.get("/territoires/53?level=region&lang=en").get_data(as_text=True)
    cut = 0
    for block in answer["kinds"]:
        if not block["has_data"]:
            continue
        section = html.split(f'<section class="fiche-communes" data-kind="{block["kind"]}"', 1)[1]
        section = section.split("</section>", 1)[0]
        # the counts are the whole lists' (the attribute and the sentence)
        assert f'data-uncovered="{block["communes_uncovered"]}"' in section.split(">", 1)[0]
        for which in ("uncovered", "covered"):
            whole = [c["code"] for c in block[which]]
            assert _rows(section, which) == whole[:PAGE_ROWS]  # largest first, as the API
            shown = re.search(rf'class="communes-shown" data-list="{which}"[^>]*>([^<]*)', section)
            assert (shown is not None) == (len(whole) > PAGE_ROWS)
            if shown:
                cut += 1
                total = re.sub(r"\D", "", shown.group(1).split("sur", 1)[1])
                assert int(total) == len(whole)
    assert cut  # Bretagne's 1,200 communes are more than a page holds
    assert "communes.shown" not in html and "The 300 most populated of" in english
    assert "/api/maps/territory/53/communes?level=region&amp;format=csv" in html
