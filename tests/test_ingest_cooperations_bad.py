"""The bad-file corpus gives its documented outcomes.

The bad-file corpus of tests/data/cooperations/bad: each file gives its documented outcome
(docs/cooperations.md), accepted rows are stored, the others reported, none vanish.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import text

from geocoop.config import PROJECT_ROOT
from geocoop.errors import IngestError
from geocoop.ingest.cooperations import import_cooperations
from geocoop.ingest.report import write_rejects_csv

DATA = Path(__file__).parent / "data" / "cooperations"
BAD = DATA / "bad"

# file -> ("error", message fragment) or (accepted, rejected, [reason fragments])
OUTCOMES = {
    "delimiteur_pipe.csv": ("error", "aucune colonne de nom reconnue"),
    "point_virgule_virgules.csv": (2, 0, []),
    "tabulation.tsv": (2, 0, []),
    "bom_utf8.csv": (2, 0, []),
    "latin1.csv": (2, 0, []),
    "encodages_melanges.csv": (3, 0, []),
    "lignes_vides.csv": (2, 0, []),
    "ids_doubles.csv": (2, 1, ["identifiant en double"]),
    "nom_manquant.csv": (1, 1, ["nom manquant"]),
    "coordonnees_hors_limites.csv": (1, 2, ["hors limites", "hors de France"]),
    "lat_lon_inverses.csv": (1, 1, ["inversées"]),
    "lambert93.csv": (0, 2, ["Lambert-93", "Lambert-93"]),
    "commune_inconnue.csv": (1, 1, ["commune introuvable"]),
    "commune_ambigue.csv": (2, 1, ["ambigu"]),
    "type_inconnu.csv": (2, 1, ["type de coopération inconnu"]),
    "vide.csv": ("error", "fichier vide"),
    "binaire.csv": ("error", "binaire"),
    "formules.csv": (1, 3, ["formule", "formule", "formule"]),
    "champs_en_trop.csv": (1, 2, ["8 champ(s) au lieu de 7", "3 champ(s) au lieu de 7"]),
    "multiligne.csv": (2, 0, []),
    "sans_localisation.csv": (0, 1, ["aucune localisation"]),
    "code_insee_inconnu.csv": (2, 1, ["code INSEE inconnu"]),
    "coordonnees_illisibles.csv": (1, 2, ["illisibles", "incomplète"]),
    "entete_seule.csv": (0, 0, []),
    # a perimeter that matches nothing keeps its row, unplaced and flagged (see
    # test_ingest_perimeters.py): "never the whole row lost"
    "perimetre_inconnu.csv": (4, 0, []),
    "faux.xlsx": ("error", "signature absente"),
    "document.pdf": ("error", "non prise en charge"),
}
KIND_COLUMN_FILES = {"type_inconnu.csv"}


def stored(conn, source: str) -> int:
    return conn.execute(
        text("SELECT count(*) FROM cooperation WHERE source = :s"), {"s": source}
    ).scalar_one()


def test_corpus_is_complete_and_documented():
    files = {p.name for p in BAD.iterdir()}
    assert files == set(OUTCOMES), "every bad file has an expected outcome, and vice versa"
    assert len(files) + 1 >= 20  # + the 50 MB upload generated in test_ingest_api.py
    docs = (PROJECT_ROOT / "docs" / "cooperations.md").read_text(encoding="utf-8")
    for name in files:
        assert f"`{name}`" in docs, f"{name} missing from the table in docs/cooperations.md"


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_bad_file_outcome(communes, name, tmp_path):
    conn = communes
    expected = OUTCOMES[name]
    kind = None if name in KIND_COLUMN_FILES else "tiers_lieu"
    if expected[0] == "error":
        with pytest.raises(IngestError, match=expected[1]) as info:
            import_cooperations(conn, BAD / name, kind=kind, source=name)
        assert name in info.value.message  # the message names the file
        assert stored(conn, name) == 0
        return
    accepted, rejected, reasons = expected
    report = import_cooperations(conn, BAD / name, kind=kind, source=name)
    assert (report.accepted, len(report.rejects)) == (accepted, rejected), report.as_dict()
    assert report.accepted + len(report.rejects) == report.counts["rows_read"]  # none vanish
    assert stored(conn, name) == accepted
    for fragment, reject in zip(reasons, report.rejects, strict=True):
        assert fragment in reject.reason
        assert reject.line is not None and reject.values  # line number and original values
    out = tmp_path / "rejets.csv"
    write_rejects_csv(report, out)
    with open(out, encoding="utf-8", newline="") as handle:
        for row in list(csv.reader(handle))[1:]:
            assert not any(cell.startswith(("=", "+", "@")) for cell in row)


def test_line_numbers_follow_the_file(communes):
    report = import_cooperations(communes, BAD / "lignes_vides.csv", kind="tiers_lieu")
    assert report.counts["blank_rows_skipped"] == 4
    report = import_cooperations(communes, BAD / "multiligne.csv", kind="tiers_lieu")
    address = communes.execute(
        text("SELECT address FROM cooperation WHERE source = 'multiligne' AND source_id = '1'")
    ).scalar_one()
    assert address == "2 quai C\nbâtiment B\n3e étage"
    report = import_cooperations(communes, BAD / "ids_doubles.csv", kind="tiers_lieu")
    assert report.rejects[0].line == 3 and "déjà ligne 2" in report.rejects[0].reason
    report = import_cooperations(communes, BAD / "champs_en_trop.csv", kind="tiers_lieu")
    assert [r.line for r in report.rejects] == [2, 4]


def test_encodings_are_decoded(communes):
    import_cooperations(communes, BAD / "latin1.csv", kind="tiers_lieu", source="l1")
    import_cooperations(communes, BAD / "bom_utf8.csv", kind="tiers_lieu", source="bom")
    report = import_cooperations(
        communes, BAD / "encodages_melanges.csv", kind="tiers_lieu", source="mix"
    )
    assert any("encodage mixte" in w for w in report.warnings)
    names = set(communes.execute(text("SELECT name FROM cooperation")).scalars())
    assert {
        "Café associatif",
        "Épicerie",
        "École du Numérique",
        "Épicerie Solidaire",
        "Crèche",
    } <= names


def test_bad_coordinates_fall_back_to_commune_with_a_warning(communes):
    report = import_cooperations(communes, BAD / "coordonnees_hors_limites.csv", kind="tiers_lieu")
    assert report.counts["by_precision"]["insee_code"] == 1
    assert any("ligne 4" in w and "placé par la commune" in w for w in report.warnings)


def test_formula_cells_never_reach_a_spreadsheet(communes, tmp_path):
    report = import_cooperations(communes, BAD / "formules.csv", kind="tiers_lieu")
    out = tmp_path / "r.csv"
    write_rejects_csv(report, out)
    content = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in content and "'@SUM" in content and "'+cmd" in content
