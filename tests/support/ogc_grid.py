"""Synthetic territories and cooperations for the data-API tests (answers checkable by hand).

A 3×3 grid of 0.1° square communes south-west of Rennes (codes 35001…35009, population
1,000 × index), one EPCI, one département and one région covering them, and four
cooperations at known points.
"""

from __future__ import annotations

from sqlalchemy import text

WEST, SOUTH, STEP = -1.8, 48.0, 0.1


def square(x0: float, y0: float, x1: float, y1: float) -> str:
    """EWKT of a one-square multipolygon."""
    return f"SRID=4326;MULTIPOLYGON((({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0})))"


def insert_grid(conn) -> None:
    """Insert the grid, its parents and the cooperations (caller commits)."""
    insert = text(
        "INSERT INTO territory (level, code, name, name_search, region_code, departement_code,"
        " epci_code, postcodes, population, population_year, area_km2, geom, geom_simplified,"
        " label_point, vintage) VALUES (:level, :code, :name, lower(:name), :region,"
        " :dep, :epci, :postcodes, :pop, 2021, :area, ST_GeomFromEWKT(:geom),"
        " ST_GeomFromEWKT(:geom), ST_PointOnSurface(ST_GeomFromEWKT(:geom)), 'test')"
    )
    whole = square(WEST, SOUTH, WEST + 3 * STEP, SOUTH + 3 * STEP)
    for level, code, name in (
        ("region", "53", "Bretagne test"),
        ("departement", "35", "Ille-et-Vilaine test"),
        ("epci", "200000001", "CC du Carré"),
    ):
        conn.execute(
            insert,
            {
                "level": level,
                "code": code,
                "name": name,
                "region": "53",
                "dep": "35" if level != "region" else None,
                "epci": None,
                "postcodes": None,
                "pop": 45000,
                "area": 250.0,
                "geom": whole,
            },
        )
    for i in range(9):
        row, col = divmod(i, 3)
        x0, y0 = WEST + col * STEP, SOUTH + row * STEP
        conn.execute(
            insert,
            {
                "level": "commune",
                "code": f"3500{i + 1}",
                "name": f"Commune {i + 1}",
                "region": "53",
                "dep": "35",
                "epci": "200000001",
                "postcodes": [f"3510{i}"],
                "pop": 1000 * (i + 1),
                "area": 80.0,
                "geom": square(x0, y0, x0 + STEP, y0 + STEP),
            },
        )
    coop = text(
        "INSERT INTO cooperation (kind_code, name, category, stage, source, source_id,"
        " commune_code, location, location_precision, year_founded)"
        " VALUES (:kind, :name, :category, :stage, 'test', :sid, :commune,"
        " ST_SetSRID(ST_MakePoint(:x, :y), 4326), 'coordinates', :year)"
    )
    for sid, (kind, name, x, y, commune, category, stage, year) in enumerate(
        (
            ("ptce", "PTCE du Carré", -1.75, 48.05, "35001", "modelisee", "operationnelle", 2015),
            ("pat", "PAT de l'Ouest", -1.65, 48.15, "35005", "modelisee", "emergence", 2020),
            (
                "tiers_lieu",
                '=HYPERLINK("x")',
                -1.55,
                48.25,
                "35009",
                "non_modelisee",
                "emergence",
                2021,
            ),
            ("tiers_lieu", "La Grange", -1.75, 48.25, "35007", None, None, None),
        ),
        start=1,
    ):
        conn.execute(
            coop,
            {
                "kind": kind,
                "name": name,
                "x": x,
                "y": y,
                "commune": commune,
                "category": category,
                "stage": stage,
                "year": year,
                "sid": str(sid),
            },
        )


def load_grid(app) -> None:
    """Insert the grid through the app's engine and commit (the `app` fixture truncates)."""
    from geocoop.features.summary import refresh_summaries
    from geocoop.web.database import engine

    with app.app_context(), engine().begin() as connection:
        insert_grid(connection)
        refresh_summaries(connection)  # stored counts and extents, as every write path keeps
