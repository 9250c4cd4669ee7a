"""The one owner of collection registration: every served collection, listed explicitly.

Nothing registers itself at import time; `collections()` builds the list once, on first
use, from the definition modules (territories and cooperations, analysis results, one
coverage and one white-zones layer per cooperation kind of `DEFAULT_KINDS`).
"""

from __future__ import annotations

from functools import cache

from geocoop.errors import NotFound
from geocoop.features.analysis_collections import analysis_collections, kind_collections
from geocoop.features.collections import cooperation_collection, territory_collections
from geocoop.features.spec import Collection
from geocoop.models import DEFAULT_KINDS


def kinds() -> tuple[tuple[str, str], ...]:
    """(code, French label) of the cooperation kinds that get their own layers."""
    return tuple((code, label) for code, label, *_rest in DEFAULT_KINDS)


@cache
def _registry() -> dict[str, Collection]:
    listed = [
        *territory_collections(),
        cooperation_collection(),
        *analysis_collections(),
        *(c for code, label in kinds() for c in kind_collections(code, label)),
    ]
    registry: dict[str, Collection] = {}
    for collection in listed:
        if collection.id in registry:
            raise ValueError(f"collection registered twice: {collection.id}")
        registry[collection.id] = collection
    return registry


def all_collections() -> list[Collection]:
    """Every served collection, in a stable order (territories, cooperations, analyses,
    then the per-kind layers)."""
    return list(_registry().values())


def get_collection(collection_id: str) -> Collection:
    """The collection called `collection_id`, or NotFound."""
    found = _registry().get(collection_id)
    if found is None:
        raise NotFound(f"Collection inconnue : {collection_id[:60]!r}.")
    return found
