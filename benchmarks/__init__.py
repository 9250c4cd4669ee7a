"""Opt-in benchmarks, each printing ratios against a baseline measured in the same run.

Run one with `python -m benchmarks.bench_<area>`, all with `python benchmarks/run`. The
harness here (throw-away database, real-data loaders, headless Chromium, load generator)
may be imported by the long-form tests; nothing here imports from tests/.
"""
