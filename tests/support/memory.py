"""Python memory held by a piece of work, for the streaming tests."""

from __future__ import annotations

import tracemalloc


def peak_mb(work) -> tuple[object, float]:
    """What `work()` returns, and the most Python memory it held at once (MB)."""
    tracemalloc.start()
    try:
        result = work()
        return result, tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
