"""Import declared partnerships between cooperations (a CSV/XLSX of pairs).

Each side is named by `source_a`/`id_a` (the cooperation's source and id in that source),
or by `nom_a` (its exact name, accents/case ignored, refused when several match). A pair is
stored once (lower id first); re-importing the same file changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from geocoop.errors import IngestError
from geocoop.ingest.cooperations_read import read_records
from geocoop.ingest.report import IngestReport, file_checksum, finish_run, start_run
from geocoop.ingest.xlsx_guard import XlsxLimits
from geocoop.sql import statement
from geocoop.text import normalize_name

TARGET = "partnerships"
IMPORT_IDLE_TIMEOUT = "5min"  # see geocoop.ingest.cooperations
_ALIASES = {
    "source_a": ("source a", "source 1"),
    "id_a": ("id a", "id 1", "source id a", "identifiant a", "id cooperation a", "cooperation a"),
    "name_a": ("nom a", "nom 1", "nom cooperation a"),
    "source_b": ("source b", "source 2"),
    "id_b": ("id b", "id 2", "source id b", "identifiant b", "id cooperation b", "cooperation b"),
    "name_b": ("nom b", "nom 2", "nom cooperation b"),
    "description": ("description", "nature", "lien", "type de lien", "commentaire"),
}


@dataclass
class _Directory:
    by_id: dict[tuple[str, str], int]
    by_name: dict[str, list[int]]
    by_source_name: dict[tuple[str, str], list[int]]


def _directory(conn: Connection) -> _Directory:
    by_id: dict[tuple[str, str], int] = {}
    by_name: dict[str, list[int]] = defaultdict(list)
    by_source_name: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in conn.execute(statement("ingest/coop_partnership_directory")):
        by_id[(row.source, row.source_id)] = row.id
        key = normalize_name(row.name)
        by_name[key].append(row.id)
        by_source_name[(row.source, key)].append(row.id)
    return _Directory(by_id, dict(by_name), dict(by_source_name))


def _side(
    directory: _Directory, values: dict, columns: dict, side: str, default_source: str | None
) -> tuple[int | None, str | None]:
    def get(field: str) -> str:
        header = columns.get(f"{field}_{side}")
        return (values.get(header) or "").strip() if header else ""

    source = get("source") or default_source
    ident, name = get("id"), get("name")
    if ident.endswith(".0") and ident[:-2].isdigit():
        ident = ident[:-2]
    if ident:
        if not source:
            return None, f"coopération {side.upper()} : source manquante pour l'id « {ident} »"
        found = directory.by_id.get((source, ident))
        if found is None:
            return None, f"coopération {side.upper()} inconnue : {source} / {ident}"
        return found, None
    if name:
        key = normalize_name(name)
        matches = (
            directory.by_source_name.get((source, key), [])
            if source
            else directory.by_name.get(key, [])
        )
        if len(matches) == 1:
            return matches[0], None
        if not matches:
            return None, f"coopération {side.upper()} inconnue : « {name} »"
        return (
            None,
            f"coopération {side.upper()} ambiguë : {len(matches)} portent le nom « {name} »",
        )
    return None, f"coopération {side.upper()} non indiquée (id_{side} ou nom_{side})"


def import_partnerships(
    conn: Connection,
    path: Path,
    *,
    source: str | None = None,
    dry_run: bool = False,
    actor: str | None = None,
    file_name: str | None = None,
    xlsx_limits: XlsxLimits | None = None,
) -> IngestReport:
    """Merge the pairs of `path` into `partnership`; never commits.

    `xlsx_limits` bound a workbook (default: xlsx_guard's).
    """
    path = Path(path)
    file_name = file_name or path.name
    records = read_records(path, file_name, xlsx_limits=xlsx_limits)
    if records.fmt not in ("csv", "xlsx"):
        raise IngestError(f"{file_name} : les partenariats se lisent en CSV ou XLSX.")
    table = records.table
    keys = {h: normalize_name(h) for h in table.columns}
    columns = {}
    for field, aliases in _ALIASES.items():
        match = next(
            (h for h in table.columns if keys[h] in (field.replace("_", " "), *aliases)), None
        )
        if match:
            columns[field] = match
    for side in ("a", "b"):
        if f"id_{side}" not in columns and f"name_{side}" not in columns:
            raise IngestError(
                f"{file_name} : colonne id_{side} ou nom_{side} introuvable "
                f"parmi {table.columns[:12]}."
            )
    report = IngestReport(file=file_name, target=TARGET)
    report.warnings.extend(table.warnings)
    for line, values, problem in table.bad_rows:
        report.reject(line, table.bad_fields.get(line), problem, values)
    conn.execute(statement("ingest/import_idle_timeout"), {"idle": IMPORT_IDLE_TIMEOUT})
    directory = _directory(conn)
    pairs: dict[tuple[int, int], int] = {}
    staged: list[dict] = []
    for line, values in table.rows:
        a, reason_a = _side(directory, values, columns, "a", source)
        b, reason_b = _side(directory, values, columns, "b", source)
        if reason_a or reason_b:
            report.reject(line, None, " ; ".join(r for r in (reason_a, reason_b) if r), values)
            continue
        if a == b:
            report.reject(
                line, None, "une coopération ne peut pas être partenaire d'elle-même", values
            )
            continue
        pair = (min(a, b), max(a, b))
        if pair in pairs:
            report.reject(line, None, f"partenariat en double (déjà ligne {pairs[pair]})", values)
            continue
        pairs[pair] = line
        header = columns.get("description")
        staged.append(
            {
                "a": pair[0],
                "b": pair[1],
                "description": (values.get(header) or None) if header else None,
                "source": source or Path(file_name).stem,
            }
        )
    with conn.begin_nested() as savepoint:
        run_id = start_run(conn, TARGET, file_name, file_checksum(path), source, actor)
        inserted = updated = 0
        for item in staged:
            result = conn.execute(statement("ingest/coop_partnership_merge"), item).first()
            if result is not None:
                inserted += bool(result.inserted)
                updated += not result.inserted
        report.accepted = len(staged)
        report.counts.update(
            {
                "dry_run": dry_run,
                "rows_read": len(table.rows) + len(table.bad_rows),
                "inserted": inserted,
                "updated": updated,
                "unchanged": len(staged) - inserted - updated,
                "run_id": None if dry_run else run_id,
            }
        )
        finish_run(conn, run_id, report)
        if dry_run:
            savepoint.rollback()
    return report


def link_partner_column(conn: Connection, source: str, rows: list) -> tuple[dict, list[str]]:
    """Store the links of a cooperation file's `partenaires` column.

    The column holds ids or names of the same source. Returns counts and one warning per
    partner that cannot be resolved.
    """
    directory = _directory(conn)
    counts = {"declared": 0, "inserted": 0, "unchanged": 0, "unresolved": 0}
    problems: list[str] = []
    seen: set[tuple[int, int]] = set()
    for row in rows:
        own = directory.by_id.get((source, row.source_id))
        for token in row.partners:
            counts["declared"] += 1
            other = directory.by_id.get((source, token))
            if other is None:
                named = directory.by_source_name.get((source, normalize_name(token)), [])
                other = named[0] if len(named) == 1 else None
            if own is None or other is None or other == own:
                counts["unresolved"] += 1
                problems.append(
                    f"ligne {row.line} : partenaire « {token} » introuvable, "
                    "ambigu ou identique (lien non créé)"
                )
                continue
            pair = (min(own, other), max(own, other))
            if pair in seen:
                continue  # declared from both sides
            seen.add(pair)
            result = conn.execute(
                statement("ingest/coop_partnership_merge"),
                {"a": pair[0], "b": pair[1], "description": None, "source": source},
            ).first()
            counts["inserted" if result is not None and result.inserted else "unchanged"] += 1
    return counts, problems
