"""The study's proposal of 500 cooperation developer posts, as a planning tool.

Where to place N posts so that, within a service radius, they reach the most cooperations in
emergence and the most people in white zones: a max-coverage location-allocation over the
communes, solved greedily (each post the best marginal gain, in order). Reach is computed in
PostGIS on the spheroid, in metres. Unknown stays unknown: a cooperation without a stage is
not counted as in emergence; with no coverage data the white population is None.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from sqlalchemy import Connection

from geocoop.analysis.data_status import data_status
from geocoop.analysis.figure_sources import STUDY, STUDY_EN, figure_sources
from geocoop.analysis.params import check_kinds, resolve_parent, scope_params
from geocoop.errors import BadRequest
from geocoop.sql import statement

POSTS = (1, 2000)
RADIUS_M = (1_000, 100_000)
WEIGHT = (0, 1_000_000)
DEFAULT_POSTS, DEFAULT_RADIUS_M, DEFAULT_WEIGHT = 500, 20_000, 5_000


@dataclass
class Instance:
    """A max-coverage instance: demand weights and which demand each candidate reaches."""

    emergence: dict[str, int]
    white: dict[str, int | None]
    weight: float
    candidates: dict[str, dict] = field(default_factory=dict)  # code → row with "reach"

    def value(self, code: str) -> float:
        """Objective weight of one demand commune."""
        return self.emergence.get(code, 0) * self.weight + (self.white.get(code) or 0)


def _bounded(name: str, value: float, bounds: tuple[float, float]) -> float:
    if not bounds[0] <= value <= bounds[1]:
        raise BadRequest(f"{name} hors bornes ({value:g}) : entre {bounds[0]} et {bounds[1]}.")
    return value


def build_instance(
    conn: Connection,
    *,
    radius_m: float,
    parent: tuple[str, str] | None,
    kinds: list[str],
    with_data: list[str],
    weight: float,
) -> Instance:
    """Demand (emergence, white population) and candidates' reach, from PostGIS."""
    scope = scope_params(parent)
    rows = conn.execute(
        statement("analysis/planner_demand"), {**scope, "kinds": kinds, "with_data": with_data}
    ).mappings()
    emergence, white = {}, {}
    for r in rows:
        emergence[r["code"]] = int(r["emergence"])
        white[r["code"]] = None if r["white_population"] is None else int(r["white_population"])
    inst = Instance(emergence, white, weight)
    demand = sorted(c for c in emergence if inst.value(c) > 0)
    found = conn.execute(
        statement("analysis/planner_reach"), {**scope, "radius_m": radius_m, "demand": demand}
    ).mappings()
    inst.candidates = {r["code"]: dict(r) for r in found}
    return inst


def greedy(inst: Instance, posts: int, quota: int | None = None) -> list[str]:
    """Candidate codes in the order chosen: each the largest marginal gain (lazy greedy).

    Ties go to the smaller commune code; a région at its quota takes no more post; the
    plan stops early when no candidate adds anything (a post reaching nothing is no plan).
    """
    covered: set[str] = set()
    per_region: dict[str | None, int] = {}
    # bounds on the marginal gain only decrease (submodular): recompute the top one lazily
    heap = [(-sum(inst.value(d) for d in c["reach"]), code) for code, c in inst.candidates.items()]
    heapq.heapify(heap)
    chosen: list[str] = []
    while heap and len(chosen) < posts:
        bound, code = heapq.heappop(heap)
        cand = inst.candidates[code]
        if quota is not None and per_region.get(cand["region_code"], 0) >= quota:
            continue
        gain = sum(inst.value(d) for d in cand["reach"] if d not in covered)
        if heap and (-gain, code) > heap[0]:
            heapq.heappush(heap, (-gain, code))
            continue
        if gain <= 0:
            break
        chosen.append(code)
        covered.update(cand["reach"])
        per_region[cand["region_code"]] = per_region.get(cand["region_code"], 0) + 1
    return chosen


def describe(inst: Instance, chosen: list[str]) -> list[dict]:
    """Each post with its marginal gain and the cumulative totals, in order."""
    covered: set[str] = set()
    total_e, total_w = 0, 0
    unknown = all(v is None for v in inst.white.values())
    out = []
    for rank, code in enumerate(chosen, start=1):
        cand = inst.candidates[code]
        new = [d for d in cand["reach"] if d not in covered]
        covered.update(new)
        gain_e = sum(inst.emergence.get(d, 0) for d in new)
        gain_w = sum(inst.white.get(d) or 0 for d in new)
        total_e += gain_e
        total_w += gain_w
        out.append(
            {
                "rank": rank,
                "code": code,
                "name": cand["name"],
                "region_code": cand["region_code"],
                "departement_code": cand["departement_code"],
                "lon": round(cand["lon"], 6),
                "lat": round(cand["lat"], 6),
                "communes_reached": len(new),
                "gain_emergence": gain_e,
                "gain_white_population": None if unknown else gain_w,
                "total_emergence": total_e,
                "total_white_population": None if unknown else total_w,
            }
        )
    return out


def objective(inst: Instance, chosen: list[str]) -> float:
    """The weighted coverage a plan reaches (any solver's, to compare them)."""
    reached = {d for code in chosen for d in inst.candidates[code]["reach"]}
    return sum(inst.value(d) for d in reached)


def developer_posts(
    conn: Connection,
    *,
    posts: int = DEFAULT_POSTS,
    radius_m: float = DEFAULT_RADIUS_M,
    parent_code: str | None = None,
    parent_level: str | None = None,
    quota_per_region: int | None = None,
    weight: float = DEFAULT_WEIGHT,
) -> dict:
    """Where to place `posts` developer posts: the greedy plan, post by post.

    {"posts_asked", "posts_placed", "radius_m", "quota_per_region", "weight", "parent",
     "demand": {"emergence", "white_population"} (totals in scope), "objective",
     "posts": [{"rank", "code", "name", "region_code", "departement_code", "lon", "lat",
       "communes_reached", "gain_emergence", "gain_white_population", "total_emergence",
       "total_white_population"}], "sources", "rules"}
    """
    posts = int(_bounded("Nombre de postes", posts, POSTS))
    radius_m = float(_bounded("Rayon (m)", radius_m, RADIUS_M))
    weight = float(_bounded("Poids d'une coopération", weight, WEIGHT))
    if quota_per_region is not None:
        quota_per_region = int(_bounded("Quota par région", quota_per_region, POSTS))
    parent = resolve_parent(conn, "commune", parent_code, parent_level)
    if parent is not None and parent[0] not in ("region", "departement"):
        raise BadRequest("Le périmètre est une région ou un département.")
    kinds = check_kinds(conn, None, allow_support=False)
    status = data_status(conn)
    with_data = [k for k in kinds if status[k]["has_data"]]
    inst = build_instance(
        conn, radius_m=radius_m, parent=parent, kinds=kinds, with_data=with_data, weight=weight
    )
    chosen = greedy(inst, posts, quota_per_region)
    unknown = not with_data
    return {
        "posts_asked": posts,
        "posts_placed": len(chosen),
        "radius_m": radius_m,
        "quota_per_region": quota_per_region,
        "weight": weight,
        "parent": None if parent is None else {"level": parent[0], "code": parent[1]},
        "demand": {
            "emergence": sum(inst.emergence.values()),
            "white_population": None if unknown else sum(v or 0 for v in inst.white.values()),
        },
        "objective": objective(inst, chosen),
        "posts": describe(inst, chosen),
        "sources": {
            **figure_sources(conn, kinds, status, "commune"),
            "study": STUDY,
            "study_en": STUDY_EN,
        },
        "rules": _rules(radius_m, weight),
    }


def _rules(radius_m: float, weight: float) -> dict:
    km = f"{radius_m / 1000:g}"
    w_en = f"{weight:,.10g}"
    w_fr = w_en.replace(",", "\u202f").replace(".", ",")  # French thousands and decimals
    top_fr = f"{WEIGHT[1]:,}".replace(",", "\u202f")
    return {
        "reach": f"Un poste placé dans une commune atteint les communes dont le point est à "
        f"moins de {km} km du sien (distance sur l'ellipsoïde).",
        "reach_en": f"A post placed in a commune reaches the communes whose point lies within "
        f"{km} km of its own (distance on the spheroid).",
        "objective": f"Maximiser : coopérations en émergence atteintes × {w_fr} + habitants "
        "des zones blanches atteints ; choix glouton, chaque poste au plus grand gain "
        "marginal. Une coopération sans stade renseigné n'est pas comptée en émergence.",
        "objective_en": f"Maximise: emergence cooperations reached × {w_en} + white-zone "
        "inhabitants reached; greedy choice, each post at the largest marginal gain. A "
        "cooperation with no stage given is not counted as in emergence.",
        "proposal": "Proposition de l'étude : 500 postes de développeurs de coopération "
        f"({STUDY}).",
        "proposal_en": f"The study's proposal: 500 cooperation developer posts ({STUDY_EN}).",
        "weight": f"Poids : une coopération en émergence compte pour {w_fr} habitants en zone "
        "blanche. C'est un choix de geocoop, pas de l'étude (qui ne donne aucun chiffre) ; "
        f"il se change (paramètre weight, de {WEIGHT[0]} à {top_fr}).",
        "weight_en": f"Weight: one cooperation in emergence counts as {w_en} white-zone "
        "inhabitants. This is geocoop's choice, not the study's (which gives no figure); it "
        f"can be changed (parameter weight, from {WEIGHT[0]} to {WEIGHT[1]:,}).",
    }
