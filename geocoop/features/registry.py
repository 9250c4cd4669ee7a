"""The collection registry: every collection the API serves, listed explicitly.

Territories and cooperations (features/collections.py), then the stored analysis results
(features/analysis_collections.py). Nothing registers itself at import.
"""

from __future__ import annotations

from geocoop.errors import NotFound
from geocoop.features.analysis_collections import ANALYSIS_COLLECTIONS
from geocoop.features.collections import BASE_COLLECTIONS, Collection, queryables_schema

__all__ = ["all_collections", "get_collection", "queryables_schema"]


def _by_id(*groups: tuple[Collection, ...]) -> dict[str, Collection]:
    found: dict[str, Collection] = {}
    for collection in (c for group in groups for c in group):
        if "." in collection.id or "/" in collection.id:
            raise ValueError(f"collection id without dots or slashes: {collection.id}")
        found[collection.id] = collection
    return found


_REGISTRY = _by_id(BASE_COLLECTIONS, ANALYSIS_COLLECTIONS)


def all_collections() -> list[Collection]:
    """Every served collection, in a stable order."""
    return list(_REGISTRY.values())


def get_collection(collection_id: str) -> Collection:
    """The collection called `collection_id`, or NotFound."""
    found = _REGISTRY.get(collection_id)
    if found is None:
        raise NotFound(f"Collection inconnue : {collection_id[:60]!r}.")
    return found
