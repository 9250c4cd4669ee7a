"""Cut the bundled cooperation lists of data/cooperations/ from ../shared/data/cooperations.

Keeps the records of the bundled territory (région Bretagne: départements 22, 29, 35, 56;
La Réunion: 974). CSV records are copied as their original lines (bytes unchanged, header
kept); GeoJSON features are re-serialised one per line with the file's other members kept.

    .venv/bin/python scripts/make_coop_slice.py [SHARED_COOPERATIONS_DIR] [OUT_DIR]
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPARTEMENTS = {"22", "29", "35", "56", "974"}

# (relative path, column holding the département code)
CSV_FILES = (
    ("tiers-lieux-cget-2019/CGET_TiersLieux_2019.csv", "INSEEDEP"),
    ("france-services/liste-fs-20240801.csv", "insee_dep"),
)
GEOJSON_FILES = (("france-services/france_services_2020.geojson", "DEPARTEMENT"),)
# France PAT: the governance file (Windows-1252, `;`) keeps every PAT whose perimeter has a
# commune of the territory; the descriptive file keeps the same ids.
PAT_DIR = "pat-france-2025"
PAT_MAIN = f"{PAT_DIR}/pats-axe-gouvernance-20250710-win1252.csv"
PAT_FICHES = f"{PAT_DIR}/pat-fiches-2025.csv"


def _records(text: str, delimiter: str):
    """(header, [(record, original lines)]) of a CSV text.

    Lines split on LF only, as csv counts them (free text may hold other Unicode line separators).
    """
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader)
    out, start = [], reader.line_num
    for record in reader:
        end = reader.line_num
        if record:
            out.append((record, lines[start:end]))
        start = end
    return header, lines[0], out


def cut_pat(shared: Path, out: Path) -> tuple[int, int]:
    """Keep the PATs touching the territory in both France PAT files (original lines)."""
    text = (shared / PAT_MAIN).read_bytes().decode("cp1252")
    header, first, records = _records(text, ";")
    codes = header.index("code_insee")
    ident = header.index("id")

    def touches(record: list[str]) -> bool:
        return any(
            c.strip()[:3] == "974" or c.strip()[:2] in DEPARTEMENTS
            for c in record[codes].split(",")
        )

    chosen = [(r, lines) for r, lines in records if touches(r)]
    ids = {r[ident] for r, _ in chosen}
    target = out / PAT_MAIN
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((first + "".join("".join(lines) for _, lines in chosen)).encode("cp1252"))
    fiches = (shared / PAT_FICHES).read_text(encoding="utf-8")
    header, first, records = _records(fiches, ",")
    ident = header.index("id")
    kept = [lines for r, lines in records if r[ident] in ids]
    (out / PAT_FICHES).write_text(first + "".join("".join(k) for k in kept), encoding="utf-8")
    return len(chosen), len(records)


def cut_csv(source: Path, target: Path, column: str) -> tuple[int, int]:
    """Copy the header and the original lines of every record of the territory."""
    text = source.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    position = header.index(column)
    kept, total, start = [lines[0]], 0, reader.line_num
    for record in reader:
        end = reader.line_num
        if record:
            total += 1
            if record[position].strip().zfill(2) in DEPARTEMENTS:
                kept.extend(lines[start:end])
        start = end
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(kept), encoding="utf-8", newline="")
    return len(kept) - 1, total


def cut_geojson(source: Path, target: Path, column: str) -> tuple[int, int]:
    """Keep the features of the territory, and the collection's other members."""
    data = json.loads(source.read_text(encoding="utf-8"))
    features = data["features"]
    chosen = [
        f for f in features if str(f["properties"].get(column) or "").zfill(2) in DEPARTEMENTS
    ]
    head = {k: v for k, v in data.items() if k != "features"}
    body = ",\n".join(json.dumps(f, ensure_ascii=False) for f in chosen)
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f'{opening}, "features": [\n{body}\n]}}\n', encoding="utf-8")
    return len(chosen), len(features)


def main(shared: Path, out: Path) -> None:
    """Cut every list and print how many records were kept."""
    for name, column in CSV_FILES:
        kept, total = cut_csv(shared / name, out / name, column)
        print(f"{name}: {kept} / {total} records")
    for name, column in GEOJSON_FILES:
        kept, total = cut_geojson(shared / name, out / name, column)
        print(f"{name}: {kept} / {total} features")
    kept, total = cut_pat(shared, out)
    print(f"{PAT_DIR}: {kept} / {total} PAT")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(
        Path(args[0]) if args else ROOT.parent / "shared" / "data" / "cooperations",
        Path(args[1]) if len(args) > 1 else ROOT / "data" / "cooperations",
    )
