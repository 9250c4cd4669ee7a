"""Fuzzing and hostile input, long form.

1. schemathesis over the whole OpenAPI document and hypothesis over the ingesters, with
   GEOCOOP_FUZZ_SCALE times the suite's examples (thousands of generated requests/rows).
2. The hostile corpus (benchmarks/hostile.py) at full size (`--corpus-scale 2`: the XLSX
   bomb inflates to ~200 MiB, the shapefile bomb to 202 MiB) through the real CLI, one
   process per case: outcome, wall time and peak memory of that process, against the
   baseline of a good two-row CSV through the same CLI in the same run.
3. A CSV of 10^6 cooperation rows through the real CLI: time and peak memory, against the
   baseline of reading the same file with Python's csv module in the same run.

Writes docs/performance-fuzz.md (this run first, earlier runs and notes kept).
    .venv/bin/python -m benchmarks.bench_fuzz [--scale 10]
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.hostile import CASES, GOOD_CSV
from benchmarks.peak import run_peak
from benchmarks.sections import push_run_file, replace_marked, run_heading
from geocoop.db import make_engine, upgrade
from geocoop.embedded import EmbeddedCluster

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance-fuzz.md"
CORPUS_START, CORPUS_END = "<!-- bench_fuzz corpus: start -->", "<!-- bench_fuzz corpus: end -->"


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
    lines = result.stdout.strip().splitlines() or ["(no output)"]
    summary = lines[-1]
    failed = [line.split(" - ")[0] for line in lines if line.startswith("FAILED ")]
    if failed:  # name them, with the first lines of their assertion, in the run's log
        print("\n".join(line for line in lines if line.startswith("E  "))[:4000])
        summary += " — " + "; ".join(failed)
    print(f"fuzz ×{scale}: {summary}")
    return summary, time.monotonic() - start


def _cli(args: list[str], env: dict) -> tuple[int, str, float, float]:
    """Run the CLI once: exit code, its output, seconds, peak memory (MiB) of that process."""
    start = time.monotonic()
    done = run_peak([sys.executable, "-m", "geocoop", *args], env)
    seconds = time.monotonic() - start
    return done.returncode, done.stdout + done.stderr, seconds, done.peak_mb


def corpus(scale: int, url: str) -> list[dict]:
    """Every case of the hostile corpus at `scale` through `geocoop ingest cooperations`."""
    env = {**os.environ, "GEOCOOP_DATABASE_URL": url}
    results = []
    with tempfile.TemporaryDirectory(prefix="gch-") as tmp:
        good = Path(tmp) / "bon.csv"
        good.write_text(GOOD_CSV, encoding="utf-8")
        cases = [("(baseline) bon.csv", None), *sorted(CASES.items())]
        for name, case in cases:
            folder = Path(tmp) / f"case{len(results)}"
            folder.mkdir()
            path, mapping = (good, None) if case is None else case.build(folder, scale)
            args = ["ingest", "cooperations", str(path), "--kind", "tiers_lieu"]
            args += ["--no-analyze", "--dry-run"]
            if mapping is not None:
                args += ["--mapping", str(mapping)]
            code, out, seconds, peak = _cli(args, env)
            refused = case is not None and case.status != 201
            lines = out.strip().splitlines() or [""]
            clear = (
                code == 1 and len(lines) == 1 and lines[0].startswith("Erreur :")
                if refused
                else code == 0
            )
            crash = "Traceback" in out or code not in (0, 1)
            rejects = path.with_name(f"{path.stem}.rejets.csv")  # reasons in full
            said = out + (rejects.read_text("utf-8-sig") if rejects.exists() else "")
            expected = case is None or case.fragment in said
            results.append(
                {
                    "name": name,
                    "size": path.stat().st_size,
                    "status": "—" if case is None else case.status,
                    "ok": clear and expected and not crash,
                    "crash": crash,
                    "seconds": seconds,
                    "peak_mb": peak,
                    "answer": lines[0][:110],
                }
            )
            print(f"{name}: exit {code}, {seconds:.2f} s, {peak:.0f} MiB, {lines[0][:80]}")
            shutil.rmtree(folder, ignore_errors=True)
    return results


def _corpus_lines(results: list[dict], scale: int) -> list[str]:
    base, cases = results[0], results[1:]
    crashes = sum(r["crash"] for r in results)
    wrong = [r["name"] for r in cases if not r["ok"]]
    worst = max(cases, key=lambda r: r["peak_mb"])
    slowest = max(cases, key=lambda r: r["seconds"])
    lines = [
        f"## The hostile corpus at full size (scale {scale})",
        "",
        f"{len(cases)} cases of `benchmarks/hostile.py`, each through "
        "`geocoop ingest cooperations … --dry-run` in a process of its own (wall time "
        "includes the interpreter's start and the launcher's; peak memory is that process's "
        "own high-water resident size, measured by a small launcher: benchmarks/peak.py). "
        f"**{crashes} crash(es)** (a traceback or a signal); "
        f"{len(cases) - len(wrong)} of {len(cases)} answered as docs/hostile.md says"
        + (f" (not: {', '.join(wrong)})" if wrong else "")
        + f". Baseline, same run: a good two-row CSV, {base['seconds']:.2f} s and "
        f"{base['peak_mb']:.0f} MiB. Slowest case: `{slowest['name']}` "
        f"{slowest['seconds']:.2f} s ({slowest['seconds'] / base['seconds']:.1f}× the "
        f"baseline); largest peak: `{worst['name']}` {worst['peak_mb']:.0f} MiB "
        f"({worst['peak_mb'] / base['peak_mb']:.1f}× the baseline), under the "
        "1024 MiB cap of an upload job (GEOCOOP_JOB_MEMORY_MB). The database holds no "
        "communes, so rows placed by INSEE code are rejected here (code INSEE inconnu): "
        "the accepted counts are the suite's (tests/test_hostile_files.py), not these.",
        "",
        "| case | file size | expected | as documented | time | peak memory | answer |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        size = r["size"]
        shown = f"{size / 2**20:.1f} MiB" if size >= 2**20 else f"{size / 1024:.1f} KiB"
        answer = r["answer"].replace("|", "\\|")
        lines.append(
            f"| `{r['name']}` | {shown} | {r['status']} | {'yes' if r['ok'] else '**no**'} "
            f"| {r['seconds']:.2f} s | {r['peak_mb']:.0f} MiB | {answer} |"
        )
    return [*lines, ""]


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
        done = run_peak(  # the CLI's own peak, not this process's (benchmarks/peak.py)
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
            env,
            timeout=3600,
        )
        seconds = time.monotonic() - start
        peak, out, err = done.peak_mb, done.stdout, done.stderr
        first = (out.strip().splitlines() or [err.strip()])[0]
        print(
            f"10^6 rows: exit {done.returncode} in {seconds:.0f} s, peak {peak:.0f} MB: {first}"
        )
        return {
            "rows": baseline_rows,
            "exit": done.returncode,
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
    parser.add_argument("--corpus-scale", type=int, default=2)
    parser.add_argument(
        "--corpus-only", action="store_true", help="rerun the corpus, keep the rest of the doc"
    )
    args = parser.parse_args()
    if not args.corpus_only:
        summary, fuzz_s = fuzz(args.scale)
    tmp = Path(tempfile.mkdtemp(prefix="gcc-", dir="/tmp"))
    cluster = EmbeddedCluster(tmp / "db", "geocoop_corpus", fast=True)
    cluster.start()
    try:
        engine = make_engine(cluster.url())
        upgrade(engine)
        engine.dispose()
        hostile = corpus(args.corpus_scale, cluster.url())
    finally:
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    corpus_lines = "\n".join(_corpus_lines(hostile, args.corpus_scale)).strip("\n")
    corpus_section = f"{CORPUS_START}\n{corpus_lines}\n{CORPUS_END}"
    if args.corpus_only:
        replace_marked(DOC, corpus_section, CORPUS_START, CORPUS_END)
        print("wrote docs/performance-fuzz.md (corpus section)")
        return
    big = million_rows(args.rows)
    summary = re.sub(r"\s+", " ", summary)
    run = [
        run_heading("Run of `bench_fuzz`"),
        "",
        f"`benchmarks/bench_fuzz.py`: schemathesis over every operation of `/api` and "
        f"hypothesis over the cooperation ingester with {args.scale}× the suite's examples "
        f"(about {250 * args.scale} HTTP requests and {50 * args.scale} generated files): "
        f"`{summary}` in {fuzz_s:.0f} s.",
        "",
        f"A CSV of {big['rows']:,} rows ({big['size_mb']:.0f} MB) through "
        "`geocoop ingest cooperations` (one transaction): "
        f"exit {big['exit']}, {big['seconds']:.0f} s, peak memory of the CLI process "
        f"{big['peak_mb']:.0f} MB; `{big['summary']}`. Baseline, same run: reading the file "
        f"with Python's csv module alone, {big['baseline_s']:.1f} s "
        f"(ratio {big['seconds'] / max(big['baseline_s'], 1e-9):.0f}×).",
    ]
    # this run first, the previous one kept under « Earlier runs », the notes by hand kept
    push_run_file(DOC, "\n".join(run), "# Fuzzing and hostile input")
    replace_marked(DOC, corpus_section, CORPUS_START, CORPUS_END)
    print("wrote docs/performance-fuzz.md")


if __name__ == "__main__":
    main()
