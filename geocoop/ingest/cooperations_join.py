"""A second file describing the same rows, joined on an id column.

A second file describing the same rows (e.g. France PAT's fiches beside its governance
file), joined on an id column before the rows are validated.

The joined file must sit in the same folder as the main file (a bare file name in the
mapping: no path can reach elsewhere) and is only honoured where the caller allows it
(the CLI; never an upload, whose mapping comes from a stranger).
"""

from __future__ import annotations

from pathlib import Path

from geocoop.errors import IngestError
from geocoop.ingest.cooperations_read import Records, read_records


def _key(value: str) -> str:
    value = (value or "").strip()
    return value[:-2] if value.endswith(".0") and value[:-2].isdigit() else value


def join_records(records: Records, main_path: Path, join: dict, file_name: str) -> Records:
    """`records` with the columns of `join["path"]` added row by row on `join["on"]`.

    The main file wins where both have a column of the same name. Rows of either file
    without a partner are kept (main) or counted (joined) in the table's warnings.
    """
    other_name, on = join["path"], join["on"]
    if Path(other_name).name != other_name or other_name in ("", ".", ".."):
        raise IngestError(
            f"{file_name} : join.path doit être un nom de fichier du même dossier "
            f"(reçu « {other_name} »)."
        )
    other_path = main_path.parent / other_name
    if not other_path.is_file():
        raise IngestError(f"{file_name} : fichier joint « {other_name} » introuvable.")
    table = records.table
    if on not in table.columns:
        raise IngestError(f"{file_name} : colonne de jointure « {on} » absente.")
    other = read_records(other_path, other_name).table
    if on not in other.columns:
        raise IngestError(f"{other_name} : colonne de jointure « {on} » absente.")
    by_key: dict[str, dict[str, str]] = {}
    for line, values in other.rows:
        key = _key(values.get(on, ""))
        if key in by_key:
            raise IngestError(
                f"{other_name} : ligne {line} : identifiant « {key} » en double "
                f"(colonne {on}), jointure impossible."
            )
        if key:
            by_key[key] = values
    added = [c for c in other.columns if c not in table.columns]
    unmatched_main = 0
    used: set[str] = set()
    for _, values in table.rows:
        key = _key(values.get(on, ""))
        partner = by_key.get(key)
        if partner is None:
            unmatched_main += 1
            continue
        used.add(key)
        for column in added:
            values[column] = partner.get(column, "")
    table.columns = table.columns + added
    table.warnings.append(
        f"jointure avec {other_name} sur « {on} » : {len(used)} ligne(s) enrichie(s), "
        f"{len(added)} colonne(s) ajoutée(s)"
    )
    if unmatched_main:
        table.warnings.append(
            f"{unmatched_main} ligne(s) de {file_name} sans ligne dans {other_name}"
        )
    orphans = len(set(by_key) - used)
    if orphans:
        table.warnings.append(
            f"{orphans} ligne(s) de {other_name} sans ligne dans {file_name} (ignorées)"
        )
    return records
