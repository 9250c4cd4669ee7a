"""« Où accompagner, quoi financer ? ».

Territories ranked by need, figures checked by hand on the grid, unknowns never shown as zero, JSON
and CSV with sources and rules.
"""

from __future__ import annotations

import csv
import io
import re

API = "/api/analysis/funder-ranking"


def test_ranking_on_the_grid(analysed):
    body = analysed.get(f"{API}?level=epci&parent=35").get_json()
    assert body["count"] == 1 and body["kinds"]
    row = body["rows"][0]
    assert row["code"] == "200000001" and row["rank"] == 1
    # the grid's four cooperations: PTCE operational, PAT and one tiers-lieu in emergence,
    # the other tiers-lieu with no stage (counted apart, never dropped)
    assert row["cooperations"] == 4
    assert (row["emergence"], row["operational"], row["stage_unknown"]) == (2, 1, 1)
    # no support structure is loaded: unknown, not zero
    assert row["emergence_without_support"] is None
    assert body["sources"]["emergence_without_support"]["has_data"] is False
    # the PTCE (operational) has no model: its financing need is unknown
    assert row["financing_full"] == 0 and row["operational_model_unknown"] == 1
    assert row["staff_fte"] is None
    # every cooperation kind together: the union's uncovered population
    cover = analysed.get("/api/analysis/coverage?level=epci&parent=35").get_json()
    assert row["white_population"] == cover["items"][0]["population_uncovered"]
    assert "distance de service" in body["sources"]["white_population"]["rule"]
    assert body["sources"]["population"]["vintage"] == "2021"
    # and each kind with data apart; a kind without data gets no column at all
    assert set(row["white_population_by_kind"]) == set(body["kinds_with_data"])
    assert "tzcld" not in body["kinds_with_data"]
    alone = analysed.get("/api/analysis/coverage?level=epci&parent=35&kind=tiers_lieu")
    assert (
        row["white_population_by_kind"]["tiers_lieu"]
        == (alone.get_json()["items"][0]["population_uncovered"])
    )


def test_kind_without_data_is_unknown_not_zero(analysed):
    body = analysed.get(f"{API}?level=departement&kind=tzcld").get_json()
    row = body["rows"][0]
    assert row["white_population"] is None and row["white_communes"] is None
    assert row["cooperations"] == 0
    assert body["sources"]["cooperations"]["kinds_without_data"] == ["tzcld"]


def test_one_kind_and_csv(analysed):
    body = analysed.get(f"{API}?level=departement&kind=tiers_lieu").get_json()
    row = body["rows"][0]
    assert row["cooperations"] == 2 and row["emergence"] == 1 and row["stage_unknown"] == 1
    cover = analysed.get("/api/analysis/coverage?level=departement&kind=tiers_lieu")
    assert row["white_population"] == cover.get_json()["items"][0]["population_uncovered"]
    text = analysed.get(f"{API}?level=departement&kind=tiers_lieu&f=csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["code"] == "35" and rows[0]["emergence_without_support"] == ""
    assert rows[0]["population_source"].startswith("INSEE")
    # the English page links to the same CSV: its rules are there in English too
    assert rows[0]["population_source_en"].startswith("INSEE, legal populations")
    assert rows[0]["financing_rule_en"].startswith("Financing needs")
    assert rows[0]["white_population_rule_en"].startswith("Inhabitants")
    assert "distance de service" in rows[0]["white_population_rule"]


def test_bad_parameters(analysed):
    assert analysed.get(f"{API}?level=commune").status_code == 400
    assert analysed.get(f"{API}?sort=nope").status_code == 400
    assert analysed.get(f"{API}?kind=france_services").status_code == 400
    assert analysed.get(f"{API}?parent=200000001&parent_level=departement").status_code == 404


def test_page_in_french_and_english(analysed):
    page = analysed.get("/ou-accompagner?level=epci&kind=tiers_lieu").get_data(as_text=True)
    assert "Où accompagner, quoi financer ?" in page
    assert 'data-code="200000001"' in page and 'data-count="1"' in page
    # no support structure loaded: the column says « inconnu », the page says why
    assert 'id="funders-no-support"' in page and ">inconnu</abbr>" in page
    assert "Labo de l'ESS" in page or "Labo de l&#39;ESS" in page
    assert "/api/analysis/funder-ranking?f=csv&amp;level=epci" in page
    # each territory links to its fiche, which opens (its ?level= used to clash)
    fiche = re.search(r'href="(/territoires/200000001\?level=epci)"', page).group(1)
    assert analysed.get(fiche).status_code == 200
    english = analysed.get("/ou-accompagner?lang=en&kind=tzcld").get_data(as_text=True)
    assert "Where to support, what to fund?" in english and ">unknown</abbr>" in english
    assert "inconnu" not in english and "Habitants" not in english
    assert "populations légales" not in english and "Tiers-lieu" not in english
    assert " :" not in english.split("<main", 1)[1]
    # the study is cited with English quotes on an English page (its title stays French)
    assert "«" not in english and "“Vers une société de la coopération”" in english
    assert 'id="funders-no-data"' in english
    assert analysed.get("/ou-accompagner?sort=nope").status_code == 400


def test_english_data_status_reads_naturally(analysed):
    """Issue 13: English sentences built for English (singular, nouns, no French order)."""
    body = analysed.get("/api/analysis/white-zones?kind=pat").get_json()["data_status"]
    assert (
        body["message_en"] == "1 food project (PAT) loaded out of 460 recognised by the "
        "Ministry of Agriculture in 2025"
    )
    cov = analysed.get("/api/analysis/coverage?level=departement&kind=tzcld,pat").get_json()
    notes = {n["code"]: n["message_en"] for n in cov["selection"]["notes"]}
    assert notes["no_data"] == "no data loaded for Zero long-term unemployment territory"
