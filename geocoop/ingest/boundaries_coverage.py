"""Polygon coverages (communes tiling a territory): find the defects, clean them locally.

GEOS's coverage operations (clean, simplify, union) assume an exact coverage: neighbours
share identical vertices along their common edges and never overlap. Real sources are
nearly exact: of France's 34,738 metropolitan communes only ~200 have an edge that does
not match its neighbour's. `coverage_clean` over the whole country costs 7–8 s; finding
those ~200 (plus two rings of neighbours, so the cleaned patch meets the untouched rest
on edges that were already exact) and cleaning only them costs ~1.5 s for the same
result (a valid coverage: checked by tests on real data).

Pure shapely: nothing here knows about the database. Coordinates are metric (the zone's
CRS), tolerances in metres.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely

SPLIT_MIN = 4000  # polygons: below this, one thread simplifies faster than split + halo


def _lone_segments(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Segments of polygon rings that no other ring has (start, end, owner index).

    Exact shared edges appear twice, once per side; what is left is the coverage's outer
    boundary (coast, borders) and the defects.
    """
    parts, owner = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    xy, ring_of = shapely.get_coordinates(rings, return_index=True)
    same = ring_of[1:] == ring_of[:-1]
    a, b = xy[:-1][same], xy[1:][same]
    seg_owner = owner[ring_part[ring_of[:-1][same]]]
    # one direction per segment, so both sides of a shared edge give the same key
    swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    keys = np.hstack([np.where(swap[:, None], b, a), np.where(swap[:, None], a, b)])
    bits = np.ascontiguousarray(keys).view(np.uint64)
    mixed = bits[:, 0].copy()
    for column in range(1, 4):  # 64-bit hash to sort on; equality is checked on the keys
        mixed = (mixed ^ bits[:, column]) * np.uint64(0x9E3779B97F4A7C15)
    order = np.argsort(mixed, kind="stable")
    sorted_keys = keys[order]
    equal = (sorted_keys[1:] == sorted_keys[:-1]).all(axis=1)
    paired = np.zeros(len(order), dtype=bool)
    paired[1:] |= equal
    paired[:-1] |= equal
    lone = np.sort(order[~paired])
    return a[lone], b[lone], seg_owner[lone]


def _side(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Sign of the turn a → b → c (+1 left, −1 right, 0 collinear), row by row."""
    return np.sign(
        (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])
    )


def _cross(p1: np.ndarray, p2: np.ndarray, q1: np.ndarray, q2: np.ndarray) -> np.ndarray:
    """Segments p1p2 and q1q2 cross at a point inside both (what GEOS calls `crosses`)."""
    return (_side(p1, p2, q1) * _side(p1, p2, q2) < 0) & (_side(q1, q2, p1) * _side(q1, q2, p2) < 0)


def coverage_defects(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Boolean mask of the polygons with an edge that does not match its neighbour's.

    Such an edge is a vertex within `tolerance` of another polygon's unshared edge (near-miss nodes,
    T-junctions, parallel edges), crossing unshared edges, or an unshared edge inside
    another polygon (overlaps). Same polygons as GEOS's `coverage_invalid_edges`, at
    about half its cost.
    """
    bad = np.zeros(len(geoms), dtype=bool)
    if len(geoms) < 2:
        return bad
    start, end, owner = _lone_segments(geoms)
    if len(owner) == 0:
        return bad
    lines = shapely.linestrings(np.stack([start, end], axis=1))
    tree = shapely.STRtree(lines)
    ends = np.vstack([start, end])
    end_owner = np.concatenate([owner, owner])
    point, line = tree.query(shapely.points(ends), predicate="dwithin", distance=tolerance)
    at_node = (ends[point] == start[line]).all(axis=1) | (ends[point] == end[line]).all(axis=1)
    near = (end_owner[point] != owner[line]) & ~at_node
    bad[end_owner[point[near]]] = True
    bad[owner[line[near]]] = True
    first, second = tree.query(lines)  # bounding boxes; the crossing test is vectorised
    crossing = _cross(start[first], end[first], start[second], end[second])
    crossing &= owner[first] != owner[second]
    bad[owner[first[crossing]]] = True
    bad[owner[second[crossing]]] = True
    # polygons as the query side: each is prepared once for its point-in-polygon tests
    polygon, middle = shapely.STRtree(shapely.points((start + end) / 2)).query(
        geoms, predicate="contains"
    )
    inside = owner[middle] != polygon
    bad[owner[middle[inside]]] = True
    bad[polygon[inside]] = True
    return bad


def clean_coverage(
    geoms: np.ndarray, snapping_distance: float, attempts: int = 3
) -> tuple[np.ndarray, int]:
    """The coverage with its defects cleaned; returns (geometries, polygons defective).

    GEOS coverage_clean runs on the defective polygons and two rings of neighbours. Its
    snapping may still move an edge on the patch's rim, shared with a polygon left out:
    the rim is checked, and the patch grows around what it finds (then the whole coverage
    is cleaned, after `attempts` tries).
    """
    bad = coverage_defects(geoms, snapping_distance)
    if not bad.any():
        return geoms, 0
    tree = shapely.STRtree(geoms)
    patch = np.nonzero(bad)[0]
    for _ in range(attempts):
        patch = _halo(tree, geoms, patch, 2, "intersects")
        result = geoms.copy()
        result[patch] = _clean(geoms[patch], snapping_distance)
        zone = _halo(tree, geoms, patch, 1)
        left = coverage_defects(result[zone], snapping_distance)
        if not left.any():
            return result, int(bad.sum())
        patch = np.union1d(patch, zone[left])
    return _clean(geoms, snapping_distance), int(bad.sum())


def _clean(geoms: np.ndarray, snapping_distance: float) -> np.ndarray:
    cleaned = shapely.coverage_clean(geoms, snapping_distance=snapping_distance)
    lost = shapely.is_empty(cleaned) | shapely.is_missing(cleaned)
    cleaned[lost] = geoms[lost]
    return cleaned


def workers() -> int:
    """Threads for coverage work: the CPUs this process may use (GEOS releases the GIL)."""
    return max(1, min(4, len(os.sched_getaffinity(0))))


def run_parallel(tasks: Iterable[Callable[[], object]], threads: int | None = None) -> list:
    """Results of `tasks` run on a thread pool (shapely's vectorised calls release the GIL)."""
    tasks = list(tasks)
    threads = min(threads or workers(), len(tasks))
    if threads <= 1:
        return [task() for task in tasks]
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda task: task(), tasks))


def _halo(
    tree: shapely.STRtree,
    geoms: np.ndarray,
    index: np.ndarray,
    rings: int,
    predicate: str | None = None,
) -> np.ndarray:
    """`index` and `rings` rings of neighbours (by bounding box unless `predicate`)."""
    for _ in range(rings):
        index = np.unique(tree.query(geoms[index], predicate=predicate)[1])
    return index


def simplify_coverage(
    geoms: np.ndarray, tolerance: float, threads: int | None = None, split_min: int = SPLIT_MIN
) -> np.ndarray:
    """GEOS coverage_simplify, split into west-to-east slices simplified in parallel.

    A slice is simplified with two rings of neighbours around it and only its own
    polygons are kept: an edge's simplification depends on its nodes and the vertices
    near it, all inside that margin, so the result is identical to simplifying the whole
    coverage at once (checked polygon by polygon on all of France: tests).
    """
    threads = threads or workers()
    if threads <= 1 or len(geoms) < split_min:
        return shapely.coverage_simplify(geoms, tolerance)
    bounds = shapely.bounds(geoms)
    order = np.argsort(bounds[:, 0] + bounds[:, 2], kind="stable")
    slices = np.array_split(order, threads)
    tree = shapely.STRtree(geoms)
    margins = [_halo(tree, geoms, np.sort(own), 2) for own in slices]
    parts = run_parallel(
        (lambda m=m: shapely.coverage_simplify(geoms[m], tolerance) for m in margins), threads
    )
    result = np.empty(len(geoms), dtype=object)
    for own, margin, simplified in zip(slices, margins, parts, strict=True):
        result[own] = simplified[np.searchsorted(margin, own)]
    return result


def union_groups(geoms: np.ndarray, keys: np.ndarray, wanted: set[str]) -> dict[str, object]:
    """Coverage union of the polygons sharing each key in `wanted`.

    Coverage union (linear time, exact on a clean coverage) of the polygons sharing
    each key in `wanted`.
    """
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    unions = {}
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    for begin, stop in zip(starts, np.r_[starts[1:], len(order)], strict=True):
        key = sorted_keys[begin]
        if key in wanted:
            members = geoms[order[begin:stop]]
            members = members[~shapely.is_missing(members)]
            if len(members):
                unions[key] = shapely.coverage_union_all(members)
    return unions


def dissolve_levels(
    geoms: np.ndarray,
    epci_key: np.ndarray,
    dep_key: np.ndarray,
    region_of: dict[str, str],
    wanted: dict[str, set[str]],
) -> dict[str, dict[str, object]]:
    """Coverage unions of communes into EPCI, départements and régions.

    Returns {level: {code: geometry}} for the codes in `wanted`. Each level is built from
    the one below where it nests: a département from its EPCI that lie wholly inside it
    (plus the communes of the others), a région from its départements, so internal edges are
    dissolved once.
    """
    regions = wanted.get("region") or set()
    deps = (wanted.get("departement") or set()) | {d for d, r in region_of.items() if r in regions}
    deps_of_epci: dict[str, set[str]] = {}
    for epci, dep in zip(epci_key, dep_key, strict=True):
        if epci:
            deps_of_epci.setdefault(epci, set()).add(dep)
    nested = {e for e, d in deps_of_epci.items() if len(d) == 1 and d & deps}
    epci = union_groups(geoms, epci_key, (wanted.get("epci") or set()) | nested)
    loose = np.array(
        [e not in nested and d in deps for e, d in zip(epci_key, dep_key, strict=True)],
        dtype=bool,
    )
    pieces = [epci[e] for e in sorted(nested)] + list(geoms[loose])
    piece_dep = [next(iter(deps_of_epci[e])) for e in sorted(nested)] + list(dep_key[loose])
    departement = union_groups(
        np.array(pieces, dtype=object), np.array(piece_dep, dtype=object), deps
    )
    done = sorted(departement)
    region = union_groups(
        np.array([departement[d] for d in done], dtype=object),
        np.array([region_of.get(d, "") for d in done], dtype=object),
        regions,
    )
    levels = {"epci": epci, "departement": departement, "region": region}
    return {
        level: {c: g for c, g in unions.items() if c in (wanted.get(level) or set())}
        for level, unions in levels.items()
    }
