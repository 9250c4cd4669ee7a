"""The study's questions on the tiny hand-drawn territories of test_maps.

Which communes are covered, exact counts, support needs and financing.
"""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import text

from tests.test_maps import tiny  # noqa: F401 - the shared fixture


def test_epci_lists_its_communes_covered_and_not(tiny, client):  # noqa: F811
    # tiers-lieu 45 km away: both communes uncovered, the larger first
    answer = client.get("/api/maps/territory/243500139/communes?kinds=tiers_lieu,ptce").get_json()
    blocks = {b["kind"]: b for b in answer["kinds"]}
    far = blocks["tiers_lieu"]
    assert [c["code"] for c in far["uncovered"]] == ["35238", "35051"]
    assert far["communes_uncovered"] == 2 and far["population_uncovered"] == 3000
    assert far["uncovered"][0]["nearest_name"] == "Tiers-lieu loin"
    assert 50_000 < far["uncovered"][0]["nearest_m"] < 55_000  # 0.7° of longitude at 48° N
    assert blocks["ptce"]["communes_covered"] == 2 and blocks["ptce"]["uncovered"] == []
    # the lists agree with the panel's counts
    panel = client.get("/api/maps/territory/243500139?kinds=tiers_lieu,ptce").get_json()
    for row in panel["coverage"]["by_kind"]:
        block = blocks[row["kind"]]
        assert block["communes_covered"] == row["communes_covered"]
        assert block["communes_uncovered"] == row["communes_total"] - row["communes_covered"]
    # a fixed distance of 60 km reaches the far tiers-lieu from both
    wide = client.get("/api/maps/territory/243500139/communes?kinds=tiers_lieu&distance_km=60")
    assert wide.get_json()["kinds"][0]["communes_covered"] == 2


def test_communes_csv_is_french_or_english(tiny, client):  # noqa: F811
    response = client.get("/api/maps/territory/243500139/communes?kinds=tiers_lieu&format=csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True)), delimiter=";"))
    assert rows[0][:5] == ["type", "code_insee", "commune", "population", "couverte"]
    assert [r[1] for r in rows[1:]] == ["35238", "35051"]
    assert rows[1][4] == "non" and "," in rows[1][6]  # decimal comma
    english = client.get(
        "/api/maps/territory/243500139/communes?kinds=tiers_lieu&format=csv&lang=en"
    )
    rows = list(csv.reader(io.StringIO(english.get_data(as_text=True))))
    assert rows[0][4] == "covered" and rows[1][4] == "no" and "." in rows[1][6]


def test_count_inside_is_not_capped_by_the_list(tiny, client, db_engine):  # noqa: F811
    with db_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO cooperation (kind_code, name, source, source_id, commune_code, "
                "location) SELECT 'ptce', 'Pôle ' || i, 'cap', i::text, '35238', "
                "ST_SetSRID(ST_MakePoint(-1.79 + i * 0.0003, 48.05), 4326) "
                "FROM generate_series(1, 230) AS i"
            )
        )
    panel = client.get("/api/maps/territory/35238?kinds=ptce").get_json()
    assert len(panel["cooperations_near"]) == 200  # the list is capped…
    assert panel["cooperations_inside"] == 231  # …the count is not
    html = client.get("/territoires/35238?kinds=ptce").get_data(as_text=True)
    assert ">231<" in html


def test_support_section_counts_stages_financing_and_says_no_data(tiny, client, db_engine):  # noqa: F811
    with db_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO cooperation (kind_code, name, stage, socio_economic_model, "
                "financing_sources, staff_fte, source, source_id, commune_code, location) "
                "VALUES ('pat', 'PAT du pays', 'emergence', NULL, "
                "ARRAY['PNA', 'LEADER'], 1.5, 's', '1', '35051', "
                "ST_SetSRID(ST_MakePoint(-1.65, 48.05), 4326)), "
                "('pat', 'PAT voisin', NULL, 'hybride', ARRAY['PNA'], NULL, 's', '2', "
                "'35238', ST_SetSRID(ST_MakePoint(-1.72, 48.05), 4326)), "
                # a France services point: a context layer, not a cooperation to support
                "('france_services', 'FS', NULL, NULL, NULL, NULL, 's', '3', '35051', "
                "ST_SetSRID(ST_MakePoint(-1.66, 48.05), 4326))"
            )
        )
    support = client.get("/api/maps/territory/243500139").get_json()["support"]
    # Pôle <Rennes> (opérationnelle) and the two PAT; the far tiers-lieu is outside and
    # France services is not counted, whatever kinds are ticked
    assert support["cooperations"] == 3
    with_context = client.get("/api/maps/territory/243500139?kinds=france_services,pat")
    assert with_context.get_json()["support"]["cooperations"] == 3
    assert support["by_stage"] == {"operationnelle": 1, "emergence": 1, "unknown": 1}
    assert {f["scheme"]: f["cooperations"] for f in support["financing"]} == {
        "PNA": 2,
        "LEADER": 1,
    }
    assert support["staff_fte"] == 1.5 and support["with_staff"] == 1
    needs = {n["need"] for n in support["needs"]}
    assert {"animation_interne", "pairs_reseaux", "animation_gouvernance"} <= needs
    # no support structure loaded: no "0 without support", no figure at all
    assert support["support_structures"]["has_data"] is False
    assert support["support_structures"]["communes_without"] is None
    html = client.get("/territoires/243500139").get_data(as_text=True)
    assert 'id="fiche-support"' in html and "aucune donnée chargée" in html
    assert "PNA" in html and "LEADER" in html
    english = client.get("/territoires/243500139?lang=en").get_data(as_text=True)
    assert "no data loaded" in english and "Where to support" in english


def test_english_fiche_is_english_and_french_uses_decimal_commas(tiny, client):  # noqa: F811
    english = client.get("/territoires/35238?kinds=ptce,tiers_lieu&lang=en").get_data(as_text=True)
    main = english.split("<main", 1)[1].split("</main>", 1)[0]
    assert "«" not in main and "»" not in main
    for french in ("est couverte", "n'est pas couverte", "n&#39;est pas couverte", " du bord "):
        assert french not in main
    assert "is covered" in main and "is not covered" in main
    # English thousands take a comma (the panel's 1,000), French a narrow space
    population = main.split('id="ind-population">', 1)[1].split("<", 1)[0]
    assert re.fullmatch(r"\d{1,3}(,\d{3})+", population), population
    french = client.get("/territoires/35238?kinds=ptce,tiers_lieu&lang=fr").get_data(as_text=True)
    sentence = french.split('data-kind="tiers_lieu"', 1)[1].split("</tr>", 1)[0]
    assert "n&#39;est pas couverte" in sentence
    population = french.split('id="ind-population">', 1)[1].split("<", 1)[0]
    assert re.fullmatch(r"\d{1,3}(\u202f\d{3})+", population), population
    assert re.search(r"\d,\d km", sentence) and not re.search(r"\d\.\d km", sentence)
