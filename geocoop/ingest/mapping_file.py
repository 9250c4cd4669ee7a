"""Mapping files (YAML or JSON) read as untrusted input: bounded and alias-free.

A mapping file comes with an upload, so it is parsed like any hostile file: a size cap, a
YAML loader that refuses anchors and aliases (the "billion laughs" shape expands a few
hundred bytes into gigabytes, and hangs whatever walks it), no tags, bounded nesting. Its
shape is then checked by geocoop.ingest.cooperations_mapping.check_mapping.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from geocoop.errors import IngestError, LimitExceeded

MAX_MAPPING_BYTES = 64 * 1024  # a real mapping names a few dozen columns


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors (`&a`) and aliases (`*a`), merge keys included."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _AliasRefused(event.start_mark)
        return super().compose_node(parent, index)


class _AliasRefused(Exception):
    def __init__(self, mark) -> None:
        super().__init__()
        self.line = mark.line + 1 if mark is not None else None


def _parse(path: Path, name: str) -> object:
    try:
        size = path.stat().st_size
        if size > MAX_MAPPING_BYTES:
            raise LimitExceeded(
                f"{name} : fichier de correspondance trop gros ({size // 1024} Kio, "
                f"{MAX_MAPPING_BYTES // 1024} Kio au plus)."
            )
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise IngestError(
            f"{name} : fichier de correspondance illisible (UTF-8 attendu)."
        ) from None
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_NoAliasLoader)  # a SafeLoader subclass
    except _AliasRefused as exc:
        raise IngestError(
            f"{name}, ligne {exc.line} : ancres et alias YAML (&, *, <<) refusés dans un "
            "fichier de correspondance ; écrivez chaque valeur en entier."
        ) from None
    except json.JSONDecodeError as exc:
        raise IngestError(
            f"{name}, ligne {exc.lineno} : fichier de correspondance illisible "
            f"(JSON invalide : {exc.msg})."
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", ligne {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "YAML invalide"
        raise IngestError(
            f"{name}{where} : fichier de correspondance illisible ({problem})."
        ) from None
    except RecursionError:
        raise IngestError(f"{name} : fichier de correspondance trop imbriqué.") from None


def parse_mapping_file(path: Path) -> object:
    """The parsed content of a YAML/JSON mapping file (IngestError when refused).

    Its shape is checked by geocoop.ingest.cooperations_mapping.check_mapping.
    """
    return _parse(path, path.name)
