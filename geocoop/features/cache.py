"""A small in-process LRU cache whose entries die when the data version changes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from geocoop.features.version import settled


class VersionedCache:
    """LRU cache bounded by entry count and total bytes; keys carry the data version.

    Entries of an older version are never returned (the version is part of the key) and
    are evicted first: on a version change the whole cache is dropped at once.
    """

    def __init__(self, max_entries: int = 4096, max_bytes: int = 64 * 1024 * 1024) -> None:
        """An empty cache bounded by entries and by (estimated) bytes."""
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._version: int | None = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, version: int, key: Hashable) -> object | None:
        """The cached value for `key` at `version`, or None."""
        with self._lock:
            if self._version is None or version > self._version:
                self._reset(version)  # the version only grows: newer data replaces all
            elif version < self._version:
                self.misses += 1  # a request that started before a write: do not serve it
                return None
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, version: int, key: Hashable, value: object, size: int = 1) -> None:
        """Store `value` (weighing `size` bytes) unless the version moved on meanwhile.

        Nor when the version is not settled (`features.version.DataVersion`): a writer that
        bumped it has not committed, so `value` may be of the older rows.
        """
        if not settled(version):
            return
        with self._lock:
            if version != self._version or size > self.max_bytes:
                return
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (value, size)
            self._bytes += size
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _key, (_value, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

    def _reset(self, version: int) -> None:
        self._items.clear()
        self._bytes = 0
        self._version = version

    def __len__(self) -> int:
        """How many entries are held."""
        return len(self._items)
