"""What several test modules share: the synthetic grids (answers checkable by hand).

Fixtures live in tests/conftest.py; the real-data loaders and the headless Chromium launch
are the benchmarks' harness (benchmarks/realdata.py, benchmarks/chromium.py).
"""
