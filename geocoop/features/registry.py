"""The collection registry: every collection the API serves, listed explicitly.

Territories and cooperations (`collections.BASE_COLLECTIONS`), the kinds and declared
partnerships (`collections.REFERENCE_COLLECTIONS`), the stored analysis results
(`analysis_collections.ANALYSIS_COLLECTIONS`), the wide one-column-per-kind coverage layers
(`analysis_collections.wide_collections`), then one coverage and one white-zones layer
per cooperation kind of `DEFAULT_KINDS` (`analysis_collections.kind_collections`). This is
the one owner of registration: nothing registers itself at import, and the definition
modules never import each other nor this one.
"""

from __future__ import annotations

from geocoop.errors import NotFound
from geocoop.features.analysis_collections import (
    ANALYSIS_COLLECTIONS,
    kind_collections,
    wide_collections,
)
from geocoop.features.collections import BASE_COLLECTIONS, REFERENCE_COLLECTIONS
from geocoop.features.spec import Collection
from geocoop.models import DEFAULT_KINDS

__all__ = ["all_collections", "get_collection", "kinds"]


def kinds() -> tuple[tuple[str, str], ...]:
    """(code, French label) of the cooperation kinds that get their own layers."""
    return tuple((code, label) for code, label, *_rest in DEFAULT_KINDS)


def _by_id(*groups: tuple[Collection, ...]) -> dict[str, Collection]:
    found: dict[str, Collection] = {}
    for collection in (c for group in groups for c in group):
        if collection.id in found:
            raise ValueError(f"collection registered twice: {collection.id}")
        found[collection.id] = collection
    return found


_REGISTRY = _by_id(
    BASE_COLLECTIONS,
    REFERENCE_COLLECTIONS,
    ANALYSIS_COLLECTIONS,
    wide_collections(kinds()),
    tuple(c for code, label in kinds() for c in kind_collections(code, label)),
)


def all_collections() -> list[Collection]:
    """Every served collection, in a stable order.

    Territories, cooperations, analyses, then the per-kind layers.
    """
    return list(_REGISTRY.values())


def get_collection(collection_id: str) -> Collection:
    """The collection called `collection_id`, or NotFound."""
    found = _REGISTRY.get(collection_id)
    if found is None:
        raise NotFound(f"Collection inconnue : {collection_id[:60]!r}.")
    return found
