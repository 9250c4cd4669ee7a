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
    """Insert the n × n communes and their parents; return the commune codes.

    Insert the n × n communes (n ≤ 9), their 2 EPCI (the last column is the second),
    département and région; return the commune codes.
    """
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


def add_random_cooperation(conn: Connection, rng, kinds: list[str], grid_size: int) -> int:
    """A cooperation of a random kind at a random place of the grid.

    A cooperation of a random kind of `kinds` at a random place of the grid; a PAT gets
    a random rectangular perimeter half of the time (the random-edit tests).
    """
    kind = rng.choice(kinds)
    perimeter = None
    if kind == "pat" and rng.random() < 0.5:
        x0, y0 = rng.uniform(0, 40), rng.uniform(0, 40)
        perimeter = (x0, y0, x0 + rng.uniform(5, 20), y0 + rng.uniform(5, 20))
    return add_cooperation(
        conn,
        kind,
        rng.uniform(0.5, grid_size * 10 - 0.5),
        rng.uniform(0.5, grid_size * 10 - 0.5),
        perimeter_km=perimeter,
        grid_size=grid_size,
    )
