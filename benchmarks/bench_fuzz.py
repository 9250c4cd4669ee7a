"""Fuzzing and hostile input, long form.

1. schemathesis over the whole OpenAPI document and hypothesis over the ingesters, with
   GEOCOOP_FUZZ_SCALE times the suite's examples (thousands of generated requests/rows).
2. A CSV of 10^6 cooperation rows through the real CLI: time and peak memory, against the
   baseline of reading the same file with Python's csv module in the same run.

Writes docs/performance-fuzz.md.  .venv/bin/python -m benchmarks.bench_fuzz [--scale 10]
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from geocoop.db import make_engine, upgrade
from geocoop.embedded import EmbeddedCluster

ROOT = Path(__file__).resolve().parent.parent


def fuzz(scale: int) -> tuple[str, float]:
    start = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_openapi.py::test_property_based",
            "tests/test_fuzz_ingest.py::test_csv_rows_are_stored_or_reported",
            "tests/test_fuzz_ingest.py::test_random_geometries_never_crash",
        ],
        cwd=ROOT,
        env={**os.environ, "GEOCOOP_FUZZ_SCALE": str(scale)},
        capture_output=True,
        text=True,
    )
    summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    print(f"fuzz ×{scale}: {summary}")
    return summary, time.monotonic() - start


def million_rows(rows: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="gcz-", dir="/tmp"))
    cluster = EmbeddedCluster(tmp / "db", "geocoop_fuzz", fast=True)
    cluster.start()
    try:
        engine = make_engine(cluster.url())
        upgrade(engine)
        engine.dispose()
        path = tmp / "million.csv"
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("id;nom;latitude;longitude\n")
            for i in range(rows):
                handle.write(
                    f"{i};Coopération n°{i};{47 + (i % 1000) / 500:.5f};"
                    f"{-4 + (i % 997) / 300:.5f}\n"
                )
        start = time.monotonic()
        with open(path, newline="", encoding="utf-8") as handle:
            baseline_rows = sum(1 for _ in csv.reader(handle, delimiter=";")) - 1
        baseline = time.monotonic() - start
        env = {**os.environ, "GEOCOOP_DATABASE_URL": cluster.url()}
        start = time.monotonic()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "geocoop",
                "ingest",
                "cooperations",
                str(path),
                "--kind",
                "tiers_lieu",
                "--source",
                "million",
                "--no-analyze",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        out, err = process.communicate(timeout=3600)
        seconds = time.monotonic() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        first = (out.strip().splitlines() or [err.strip()])[0]
        print(
            f"10^6 rows: exit {process.returncode} in {seconds:.0f} s, peak {peak:.0f} MB: {first}"
        )
        return {
            "rows": baseline_rows,
            "exit": process.returncode,
            "seconds": seconds,
            "peak_mb": peak,
            "baseline_s": baseline,
            "summary": first,
            "size_mb": path.stat().st_size / 2**20,
        }
    finally:
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    summary, fuzz_s = fuzz(args.scale)
    big = million_rows(args.rows)
    summary = re.sub(r"\s+", " ", summary)
    lines = [
        "# Fuzzing and hostile input",
        "",
        f"`benchmarks/bench_fuzz.py`: schemathesis over every operation of `/api` and "
        f"hypothesis over the cooperation ingester with {args.scale}× the suite's examples "
        f"(about {250 * args.scale} HTTP requests and {50 * args.scale} generated files): "
        f"`{summary}` in {fuzz_s:.0f} s.",
        "",
        f"A CSV of {big['rows']:,} rows ({big['size_mb']:.0f} MB) through "
        "`geocoop ingest cooperations` (one transaction): "
        f"exit {big['exit']}, {big['seconds']:.0f} s, client peak memory "
        f"{big['peak_mb']:.0f} MB; `{big['summary']}`. Baseline, same run: reading the file "
        f"with Python's csv module alone, {big['baseline_s']:.1f} s "
        f"(ratio {big['seconds'] / max(big['baseline_s'], 1e-9):.0f}×).",
        "",
        "Short forms of the same checks run in the test suite (tests/test_openapi.py, "
        "tests/test_fuzz_ingest.py: random bytes, zip bomb, 10^6-vertex polygon).",
        "",
    ]
    (ROOT / "docs" / "performance-fuzz.md").write_text("\n".join(lines), encoding="utf-8")
    print("wrote docs/performance-fuzz.md")


if __name__ == "__main__":
    main()
