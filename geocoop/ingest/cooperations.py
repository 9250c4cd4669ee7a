"""Import a list of cooperations (CSV, XLSX, GeoJSON, GeoPackage).

The core function that the CLI (`geocoop ingest cooperations`) and the upload API both call.

Every row read is either merged into `cooperation` or kept as a reject (line, original
values, reason). The whole import runs in one savepoint: it lands entirely or not at all;
a dry run does the same work and rolls the savepoint back.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlalchemy import Connection

from geocoop.errors import IngestError
from geocoop.ingest.cooperations_join import join_records
from geocoop.ingest.cooperations_mapping import (
    build_mapping,
    check_mapping,
    likely_name_columns,
    load_mapping_file,
)
from geocoop.ingest.cooperations_read import read_records
from geocoop.ingest.cooperations_rows import CoopRow, RowBuilder, RowRejected
from geocoop.ingest.cooperations_store import (
    commune_mismatches,
    flag_duplicates,
    flag_mismatches,
    locate_staged,
    merge_staged,
    stage_rows,
    staged_summary,
)
from geocoop.ingest.locate import ON_DEMAND_ROWS, TerritoryIndex
from geocoop.ingest.partnerships import link_partner_column
from geocoop.ingest.report import (
    IngestReport,
    file_checksum,
    finish_run,
    safe_cell,
    start_run,
)
from geocoop.ingest.tabular import within_memory
from geocoop.ingest.xlsx_guard import XlsxLimits
from geocoop.models import PRECISIONS
from geocoop.sql import statement
from geocoop.text import normalize_name

TARGET = "cooperations"
IMPORT_TIMEOUT = "10min"
# Longest pause between two statements of an import (row validation runs in between:
# about 30 s per million rows).
IMPORT_IDLE_TIMEOUT = "5min"


def kind_lookup(conn: Connection) -> dict[str, str]:
    """Normalised kind code and labels → kind code."""
    lookup: dict[str, str] = {}
    for row in conn.execute(statement("ingest/coop_kinds")):
        for value in (row.code, row.label_fr, row.label_en):
            lookup.setdefault(normalize_name(value), row.code)
    return lookup


def check_source(file_name: str, source: str | None) -> str:
    """The list's source name (default: the file name without extension), or IngestError."""
    source = (source or Path(file_name).stem).strip()
    if not source:
        raise IngestError(f"{file_name} : nom de source vide.")
    if len(source) > 200 or any(ord(c) < 32 for c in source):
        raise IngestError(
            f"{file_name} : nom de source invalide (200 caractères au plus, sans caractère "
            "de contrôle)."
        )
    return source


def import_cooperations(
    conn: Connection,
    path: Path,
    *,
    kind: str | None = None,
    source: str | None = None,
    mapping: Path | dict | None = None,
    dry_run: bool = False,
    actor: str | None = None,
    file_name: str | None = None,
    allow_join: bool = False,
    xlsx_limits: XlsxLimits | None = None,
    territories: TerritoryIndex | None = None,
) -> IngestReport:
    """Read, validate, locate and merge the cooperations of `path`; never commits.

    `kind` is the default kind code (a mapped kind column wins row by row); `source` names
    the list (default: the file name without extension) and, with each row's id, makes
    re-imports update instead of duplicate. Raises IngestError when the file as a whole
    cannot be read; row problems go to the report's rejects. `allow_join` lets the mapping
    join a second file of the same folder (the CLI; never an upload). `xlsx_limits` bound
    a workbook (the server's GEOCOOP_XLSX_* settings; default: xlsx_guard's).
    `territories`: the lookup index already loaded (a batch of imports loads it once).
    """
    path = Path(path)
    file_name = file_name or path.name
    source = check_source(file_name, source)
    if isinstance(mapping, Path):
        explicit = load_mapping_file(mapping)
    else:
        explicit = check_mapping(mapping, "correspondance") if mapping else None
    # A CSV's or XLSX's rows are streamed from disk (a million rows never sit in memory);
    # a join edits them, so it reads them whole.
    records = read_records(path, file_name, stream=True, xlsx_limits=xlsx_limits)
    if explicit and explicit.get("join"):
        if not allow_join:
            raise IngestError(
                f"{file_name} : la jointure d'un second fichier (join) n'est possible "
                "qu'en ligne de commande."
            )
        records.table.materialize()
        records = join_records(records, path, explicit["join"], file_name)
    table = records.table
    column_map = build_mapping(table.columns, explicit, file_name)
    if "name" not in column_map.columns:
        likely = likely_name_columns(table.columns)
        hint = (
            f' ; colonne probable : « {likely[0]} » (columns: {{name: "{likely[0]}"}})'
            if likely
            else " (délimiteur ? sinon donnez un fichier de correspondance avec columns.name)"
        )
        raise IngestError(
            f"{file_name} : aucune colonne de nom reconnue parmi {table.columns[:12]}{hint}."
        )
    conn.execute(statement("ingest/import_idle_timeout"), {"idle": IMPORT_IDLE_TIMEOUT})
    kinds = kind_lookup(conn)
    if kind is not None and kind not in kinds.values():
        raise IngestError(
            f"type de coopération inconnu : « {kind} » (codes connus : "
            f"{', '.join(sorted(set(kinds.values())))})."
        )
    if kind is None and "kind" not in column_map.columns:
        raise IngestError(
            f"{file_name} : indiquez le type de coopération (--kind) ou une colonne « type »."
        )

    report = IngestReport(file=file_name, target=TARGET, sheet=table.sheet)
    report.warnings.extend(table.warnings)
    formula_headers = [h for h in table.columns if safe_cell(h) != h]
    if formula_headers:
        report.warnings.append(
            "en-tête(s) commençant comme une formule de tableur, gardé(s) précédé(s) d'une "
            f"apostrophe : {', '.join(formula_headers[:10])}"
        )
    # a small file reads only the territories its rows name, each one as asked
    small = territories is None and _at_most(table.rows, ON_DEMAND_ROWS)
    if territories is None:
        territories = TerritoryIndex.on_demand(conn) if small else TerritoryIndex.load(conn)
    builder = RowBuilder(column_map, kinds, kind, territories)
    within_memory(table, file_name, lambda: builder.scan_code_lists(table.rows))
    if builder.codes_are_perimeters:
        report.warnings.append(
            f"colonne {column_map.columns['commune_code']} : listes de codes, lue comme "
            "périmètre de chaque coopération"
        )
    personal = set(column_map.personal)
    partnered: list[CoopRow] = []  # the only rows kept in memory: those naming partners

    with conn.begin_nested() as savepoint:
        conn.execute(statement("ingest/coop_import_timeout"), {"timeout": IMPORT_TIMEOUT})
        run_id = start_run(conn, TARGET, file_name, file_checksum(path), source, actor)
        within_memory(
            table,
            file_name,
            lambda: stage_rows(
                conn,
                # built before the COPY: the on-demand index queries this connection
                list(_valid_rows(builder, records, report, personal, partnered))
                if small
                else _valid_rows(builder, records, report, personal, partnered),
            ),
        )
        lost = {r["line"] for r in locate_staged(conn, source)}
        if lost:
            for line, values in _rows_at(records.table, lost):
                report.reject(
                    line,
                    None,
                    "aucun point calculable : territoire sans géométrie",
                    {k: v for k, v in values.items() if k not in personal},
                )
            partnered = [r for r in partnered if r.line not in lost]
        mismatches = commune_mismatches(conn)
        if mismatches:
            flag_mismatches(conn, mismatches)
            report.counts["far_from_declared_commune"] = len(mismatches)
            report.warnings.append(
                f"{len(mismatches)} point(s) à plus de 5 km de la commune indiquée "
                "(gardés tels quels ; vérifiez coordonnées ou code)"
            )
            report.warnings.extend(
                f"ligne {m['line']} : point à {int(m['distance_m'])} m de la commune "
                f"{m['commune_code']}"
                for m in mismatches[:50]
            )
        duplicates = flag_duplicates(conn)
        if duplicates:
            report.counts["probable_duplicates"] = len(duplicates)
            report.warnings.append(
                f"{len(duplicates)} doublon(s) probable(s) dans la source (même lieu, nom "
                "presque identique) : signalés, non comptés deux fois"
            )
            report.warnings.extend(
                f"ligne {d['line']} « {d['name']} » ≈ ligne {d['other_line']} "
                f"« {d['other_name']} » ({int(d['distance_m'])} m)"
                for d in duplicates[:50]
            )
        touched = [
            r[0] for r in conn.execute(statement("ingest/coop_kinds_touched"), {"source": source})
        ]
        staged = staged_summary(conn)
        inserted, updated = merge_staged(
            conn, source, run_id, log_actor=actor or f"import {file_name}"
        )
        if partnered:
            linked, problems = link_partner_column(conn, source, partnered)
            report.counts["partnerships"] = linked
            report.warnings.extend(problems)
        report.accepted = staged["total"]
        report.rejects.sort(key=lambda r: r.line or 0)
        report.counts.update(_counts(report, table, staged, inserted, updated, dry_run, source))
        report.counts["run_id"] = None if dry_run else run_id
        report.counts["kinds_touched"] = touched
        report.counts["columns"] = column_map.column_report(table.columns)
        if builder.codes_are_perimeters:
            for entry in report.counts["columns"]:
                if entry.get("field") == "commune_code":
                    entry.update(field="perimeter", how="liste de codes")
        report.counts["derived"] = staged["derived"]
        if staged["partial"]:
            report.counts["partial_perimeters"] = staged["partial"]
        _summarise_warnings(builder, report, personal)
        finish_run(conn, run_id, report)
        if dry_run:
            savepoint.rollback()
    return report


def _at_most(rows: Iterable, limit: int) -> bool:
    """Whether `rows` (a list, or a stream read again from disk) holds at most `limit`."""
    if isinstance(rows, list):
        return len(rows) <= limit
    stream = iter(rows)
    try:
        return sum(1 for _ in itertools.islice(stream, limit + 1)) <= limit
    finally:
        if hasattr(stream, "close"):
            stream.close()  # the file is read again from its start for the import


def _valid_rows(
    builder: RowBuilder, records, report: IngestReport, personal: set[str], partnered: list
) -> Iterator[CoopRow]:
    """The accepted rows, one at a time as the file is read.

    Rejects go to the report and rows naming partners are also kept in `partnered`.
    """
    table = records.table
    seen: dict[str, int] = {}
    for position, (line, values) in enumerate(table.rows):
        point, polygon = records.geometries[position] if records.geometries else (None, None)
        try:
            row = builder.build(line, values, point, polygon)
        except RowRejected as exc:
            report.reject(
                line, exc.field, exc.reason, {k: v for k, v in values.items() if k not in personal}
            )
            continue
        if row.source_id in seen:
            report.reject(
                line,
                builder.mapping.columns.get("source_id"),
                f"identifiant en double « {row.source_id} » (déjà ligne {seen[row.source_id]})",
                row.values,
            )
            continue
        seen[row.source_id] = line
        if row.partners:
            partnered.append(row)
        yield row
    # A stream knows its malformed rows once it has been read through.
    for line, values, problem in table.bad_rows:
        kept = {k: v for k, v in values.items() if k not in personal}
        report.reject(line, table.bad_fields.get(line), problem, kept)


def _rows_at(table, lines: set[int]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of `lines`, read again (rare: rows whose territory has no geometry)."""
    for line, values in table.rows:
        if line in lines:
            yield line, values


def _counts(report, table, staged, inserted, updated, dry_run, source) -> dict:
    precision = staged["by_precision"]
    reasons = Counter(r.reason.split(" : ")[0].split(" « ")[0] for r in report.rejects)
    return {
        "source": source,
        "dry_run": dry_run,
        "rows_read": table.rows_read(),
        "blank_rows_skipped": table.blank_rows,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "by_precision": {p: precision.get(p, 0) for p in PRECISIONS},
        "unlocated": precision.get(None, 0),
        "inserted": inserted,
        "updated": updated,
        "unchanged": staged["total"] - inserted - updated,
        "rejected_by_reason": dict(reasons.most_common()),
    }


def _summarise_warnings(builder: RowBuilder, report: IngestReport, personal: set[str]) -> None:
    if personal:
        report.warnings.append(
            f"colonnes de contact personnel ignorées (non stockées) : {', '.join(sorted(personal))}"
        )
    by_column: dict[str, Counter] = {}
    for (column, value), count in builder.unrecognised.items():
        by_column.setdefault(column, Counter())[value] += count
    for column, values in by_column.items():
        examples = ", ".join(f"« {v} »" for v, _ in values.most_common(3))
        total = sum(values.values()) + builder.unrecognised_more[column]
        report.warnings.append(
            f"colonne {column} : {total} valeur(s) non reconnue(s) ({examples}), "
            "gardées telles quelles dans attributes"
        )
    if builder.unlocated:
        report.warnings.append(
            f"{len(builder.unlocated)} ligne(s) gardée(s) sans localisation (périmètre vide "
            "ou inconnu) : comptées comme chargées, absentes de la carte et des taux"
        )
        report.warnings.extend(builder.unlocated[:100])
    if builder.partial_perimeters:
        report.warnings.append(
            f"{len(builder.partial_perimeters)} périmètre(s) partiel(s) : codes non reconnus "
            "listés par ligne (le reste du périmètre est gardé)"
        )
        report.warnings.extend(builder.partial_perimeters[:100])
    if builder.coordinate_fallbacks:
        report.warnings.append(
            f"{len(builder.coordinate_fallbacks)} ligne(s) aux coordonnées "
            "inutilisables placées par leur commune"
        )
        report.warnings.extend(builder.coordinate_fallbacks[:50])
