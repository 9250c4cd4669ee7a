"""The named SQL files compose safely.

The named SQL files (geocoop/**/sql/*.sql) compose safely: a `{placeholder}` filled by
geocoop.sql.composed never sits in a comment (a multi-line fragment would end the comment
and turn the rest of its text into SQL), and a file with placeholders has no other brace.
"""

from __future__ import annotations

import re
from pathlib import Path

from geocoop.sql import PACKAGE_DIR

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _files() -> list[Path]:
    return sorted(PACKAGE_DIR.glob("**/sql/*.sql"))


def test_placeholders_only_in_sql_text():
    templated = 0
    for path in _files():
        source = path.read_text(encoding="utf-8")
        if not PLACEHOLDER.search(source):
            continue
        templated += 1
        for number, line in enumerate(source.splitlines(), start=1):
            comment = line.partition("--")[2]
            where = f"{path.name}:{number}"
            assert not PLACEHOLDER.search(comment), f"{where}: a placeholder in a comment"
        assert "{" not in PLACEHOLDER.sub("", source), f"{path.name}: a brace not a placeholder"
    assert templated >= 10  # rollup, explain, commune_list, zones_*, the tiles, …
