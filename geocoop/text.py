"""Text kernels: name normalisation and formula safety.

Text kernels: name normalisation shared by boundaries (stored search keys) and
cooperations (lookup), and formula safety for every CSV we write (rejects, exports).
"""

from __future__ import annotations

import re
import unicodedata

_ARTICLES = re.compile(r"^(le|la|les|l)\s+")
_SAINT = re.compile(r"\b(st|ste|saint|sainte)\b")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def strip_accents(value: str) -> str:
    """'Évry-Courcouronnes' → 'Evry-Courcouronnes'."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize_name(value: str | None) -> str:
    """Search key of a place name.

    Lower-case, no accents, hyphens/apostrophes as spaces, 'St'/'Ste' → 'saint'/'sainte' folded to
    'saint', a leading article dropped.

    'Saint-Étienne' and 'ST ETIENNE' give the same key; so do "L'Haÿ-les-Roses" and
    'Hay les Roses'.
    """
    if not value:
        return ""
    key = strip_accents(value).lower().replace("œ", "oe").replace("æ", "ae")
    key = _NON_ALNUM.sub(" ", key).strip()
    key = _SAINT.sub("saint", key)
    key = _ARTICLES.sub("", key)
    return " ".join(key.split())


def safe_cell(value: object) -> object:
    """A value that no spreadsheet will run as a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
