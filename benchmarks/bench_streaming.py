"""Streaming imports: a CSV or XLSX of 10^6 cooperation rows through `geocoop ingest cooperations`.

Peak memory (RSS) and time of the importing process.

Baselines measured in the same run, on the same file and database:
- reading the file alone: Python's csv module, or openpyxl in read-only mode for an XLSX
  (time and peak RSS of that process);
- optionally, the same command run from another checkout of geocoop (`--before DIR`, e.g.
  `git archive <commit> | tar -x -C /tmp/before`): the code before rows were streamed.

Each import runs in a child process that reports its own peak RSS (VmHWM) at exit (the database
server's memory is not counted: it is another process). Writes docs/performance-streaming.md
(docs/performance-streaming-xlsx.md for `--format xlsx`), which `benchmarks/run assemble`
puts into docs/performance.md.

An XLSX is written as Excel writes one (numbers as numbers, text in the shared-strings
table) and cached under `--cache` (default $TMPDIR/geocoop-bench-xlsx), since writing a
million rows takes a while. A sheet over the guard's default limits (200,000 rows, 100 MiB
of XML, 2,000,000 cells, 120 s: docs/hostile.md) is refused by default: the importing
processes raise those limits for the run (the wall-clock budget too, whatever the size:
a loaded machine must not turn a memory figure into a refusal), and for such a sheet the
run also shows the default refusal.

    .venv/bin/python -m benchmarks.bench_streaming [--format csv|xlsx] [--rows 1000000]
        [--before DIR] [--cache DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from benchmarks.sections import push_run_file, run_heading
from benchmarks.throwaway import throwaway_database

ROOT = Path(__file__).resolve().parent.parent
PART = ROOT / "docs" / "performance-streaming.md"
SECTION = "## Streaming imports"
PART_XLSX = ROOT / "docs" / "performance-streaming-xlsx.md"
SECTION_XLSX = "## Streamed XLSX imports"
# Runs the CLI (or the baseline reader) and prints the process's own peak RSS at exit:
# VmHWM of /proc (ru_maxrss would also count the forked parent's pages, kept over exec).
PEAK = (
    "import atexit, re, runpy, sys\n"
    "atexit.register(lambda: print('PEAK_KB', re.search(r'VmHWM:\\s+(\\d+)', "
    "open('/proc/self/status').read()).group(1), file=sys.stderr))\n"
)
CLI = (
    PEAK + "sys.argv = ['geocoop', *sys.argv[1:]]\nrunpy.run_module('geocoop', run_name='__main__')"
)
OPENPYXL_ONLY = PEAK + (
    "from openpyxl import load_workbook\n"
    "book = load_workbook(sys.argv[1], read_only=True, data_only=True)\n"
    "print(sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)) - 1)\n"
    "book.close()\n"
)
# The guard's limits raised for the imports: the settings (GEOCOOP_XLSX_*), and the same
# values as module constants for code before those settings existed (read at each check).
RAISED_ENV = {"GEOCOOP_XLSX_MAX_ROWS": "1100000", "GEOCOOP_XLSX_MAX_MB": "1024",
              "GEOCOOP_XLSX_MAX_CELLS": "5000000", "GEOCOOP_XLSX_BUDGET_S": "3600"}  # fmt: skip
RAISED = {"MAX_ROWS": 1_100_000, "MAX_UNCOMPRESSED": 2**30, "MAX_CELLS": 5_000_000,
          "READ_BUDGET_S": 3600.0}  # fmt: skip
RAISE_LIMITS = "from geocoop.ingest import xlsx_guard\n" + "".join(
    f"xlsx_guard.{name} = {value!r}\n" for name, value in RAISED.items()
)
CSV_ONLY = PEAK + (
    "import csv\n"
    "with open(sys.argv[1], newline='', encoding='utf-8') as h:\n"
    "    print(sum(1 for _ in csv.reader(h, delimiter=';')) - 1)\n"
)


def write_csv(path: Path, rows: int) -> None:
    """`rows` cooperations with coordinates spread over Brittany (no two within 100 m)."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("id;nom;latitude;longitude\n")
        for i in range(rows):
            handle.write(
                f"{i};Coopération n°{i};{47 + (i % 1000) / 500:.5f};{-4 + (i % 997) / 300:.5f}\n"
            )


def _row(i: int) -> tuple[str, str, str]:
    """Row `i` of the benchmark's list: name, latitude, longitude (as write_csv has them)."""
    return f"Coopération n°{i}", f"{47 + (i % 1000) / 500:.5f}", f"{-4 + (i % 997) / 300:.5f}"


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PARTS = {
    "[Content_Types].xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPE}.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} xmlns:r="{_REL}"><sheets>'
        '<sheet name="Coopérations" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}
_HEADERS = ("id", "nom", "latitude", "longitude")


def write_xlsx(path: Path, rows: int) -> None:
    """The rows of write_csv as an XLSX sheet, with text in the shared-strings table."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in _PARTS.items():
            archive.writestr(name, content)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            count = rows + len(_HEADERS)
            member.write(
                f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS} count="{count}" '
                f'uniqueCount="{count}">'.encode()
            )
            member.write("".join(f"<si><t>{h}</t></si>" for h in _HEADERS).encode())
            for start in range(0, rows, 10_000):
                member.write(
                    "".join(
                        f"<si><t>{_row(i)[0]}</t></si>"
                        for i in range(start, min(rows, start + 10_000))
                    ).encode()
                )
            member.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>'
                '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
                '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'.encode()
            )
            for start in range(0, rows, 10_000):
                chunk = []
                for i in range(start, min(rows, start + 10_000)):
                    n = i + 2
                    _name, lat, lon = _row(i)
                    chunk.append(
                        f'<row r="{n}"><c r="A{n}"><v>{i}</v></c><c r="B{n}" t="s">'
                        f'<v>{i + len(_HEADERS)}</v></c><c r="C{n}"><v>{lat}</v></c>'
                        f'<c r="D{n}"><v>{lon}</v></c></row>'
                    )
                member.write("".join(chunk).encode())
            member.write(b"</sheetData></worksheet>")


def cached_xlsx(cache: Path, rows: int) -> tuple[Path, float | None]:
    """The benchmark's workbook of `rows` rows, and the seconds writing it took (None: cached)."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"cooperations-{rows}.xlsx"
    if path.exists():
        return path, None
    started = time.monotonic()
    partial = path.with_suffix(".partial")
    write_xlsx(partial, rows)
    partial.rename(path)
    return path, time.monotonic() - started


def over_default_limits(path: Path, rows: int) -> bool:
    """Whether the guard refuses this workbook with its default limits."""
    from geocoop.ingest import xlsx_guard

    with zipfile.ZipFile(path) as archive:
        size = sum(info.file_size for info in archive.infolist())
    return (
        rows + 1 > xlsx_guard.MAX_ROWS
        or (rows + 1) * len(_HEADERS) > xlsx_guard.MAX_CELLS
        or size > xlsx_guard.MAX_UNCOMPRESSED
    )


def run(code: str, args: list[str], env: dict, checkout: Path) -> dict:
    """Run `code` in a child Python inside `checkout`: exit status, seconds, peak MB, line.

    `-c` puts the working directory first on the path: that checkout's geocoop is the one
    run.
    """
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=checkout,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    seconds = time.monotonic() - start
    peak = re.search(r"PEAK_KB (\d+)", done.stderr)
    said = [line for line in done.stderr.splitlines() if line.strip() and "PEAK_KB" not in line]
    first = (done.stdout.strip().splitlines() or [(said or [""])[-1][-300:]])[0]
    return {
        "exit": done.returncode,
        "seconds": seconds,
        "peak_mb": int(peak.group(1)) / 1024 if peak else float("nan"),
        "summary": first,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--before", type=Path, help="another checkout to compare with")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("TMPDIR", "/tmp")) / "geocoop-bench-xlsx",
        help="folder keeping the generated XLSX between runs",
    )
    args = parser.parse_args()
    xlsx = args.format == "xlsx"
    with throwaway_database("gcstream-") as (cluster, _engine):
        written_s = None
        if xlsx:
            path, written_s = cached_xlsx(args.cache, args.rows)
            raise_limits = over_default_limits(path, args.rows)
        else:
            path = Path(os.environ.get("TMPDIR", "/tmp")) / f"geocoop-stream-{os.getpid()}.csv"
            write_csv(path, args.rows)
            raise_limits = False
        size_mb = path.stat().st_size / 2**20
        base_env = dict(os.environ)
        command = [
            "ingest", "cooperations", str(path), "--kind", "tiers_lieu", "--source",
            "million", "--no-analyze",
        ]  # fmt: skip
        # The guard's limits are raised for every XLSX import of the run: the time budget is
        # wall clock, and a loaded machine must not turn a memory figure into a refusal.
        cli = PEAK + (RAISE_LIMITS if xlsx else "") + CLI[len(PEAK) :]
        results: dict[str, dict] = {}
        try:
            baseline = "openpyxl read-only (baseline)" if xlsx else "csv module (baseline)"
            reader = OPENPYXL_ONLY if xlsx else CSV_ONLY
            results[baseline] = run(reader, [str(path)], base_env, ROOT)
            print(baseline, results[baseline], flush=True)
            checkouts = [("after", ROOT)]
            if args.before:
                checkouts.insert(0, ("before", args.before.resolve()))
            for label, checkout in checkouts:
                # each checkout imports into an empty database migrated by its own code
                name = f"geocoop_{label}"
                cluster.create_database(name)
                env = {
                    **base_env,
                    "GEOCOOP_DATABASE_URL": cluster.url(name),
                    "PYTHONPATH": str(checkout),
                }
                upgrade = run(CLI, ["db", "upgrade"], env, checkout)
                if upgrade["exit"]:
                    raise SystemExit(f"{label}: db upgrade failed: {upgrade['summary']}")
                if raise_limits and label == "after":
                    refused = run(CLI, command, env, checkout)
                    results["after, default limits"] = refused
                    print("after, default limits", refused, flush=True)
                raised = {**env, **RAISED_ENV} if xlsx else env
                results[label] = run(cli, command, raised, checkout)
                print(label, results[label], flush=True)
        finally:
            if not xlsx:
                path.unlink(missing_ok=True)
    write_report(args, results, baseline, size_mb, written_s)


def write_report(args, results: dict, baseline: str, size_mb: float, written_s) -> None:
    """The table in the part file (docs/performance.md is assembled from the parts)."""
    xlsx = args.format == "xlsx"
    load = os.getloadavg()[0]
    section = SECTION_XLSX if xlsx else SECTION
    if xlsx:
        what = (
            f"an XLSX of {args.rows:,} cooperation rows ({size_mb:.0f} MB, one sheet, "
            "`id, nom, latitude, longitude`, numbers as numbers and text in the shared-strings "
            "table as Excel writes it; "
            + (
                f"writing it took {written_s:.0f} s"
                if written_s is not None
                else f"cached in {args.cache} from an earlier run"
            )
            + ")"
        )
        reader = "openpyxl in read-only mode reading every row of the file (`values_only`)"
    else:
        what = (
            f"a CSV of {args.rows:,} cooperation rows ({size_mb:.0f} MB, "
            "`id;nom;latitude;longitude`)"
        )
        reader = "Python's csv module reading the file"
    lines = [
        section,
        "",
        f"`benchmarks/bench_streaming.py{' --format xlsx' * xlsx}`: {what} through `geocoop "
        "ingest cooperations --kind tiers_lieu --no-analyze` into a throw-away PostGIS (one "
        "transaction); peak RSS of the importing process itself (`VmHWM` of /proc at its exit; "
        f"the PostgreSQL server is another process). Baselines of the same run: {reader}"
        + (", and the same command from the code before streaming (`--before`)" * bool(args.before))
        + f". Load average at the end: {load:.1f} (2 cores shared with other work).",
        "",
    ]
    if xlsx:
        limits = ", ".join(f"`{k}={v}`" for k, v in RAISED_ENV.items())
        over = "after, default limits" in results
        lines += [
            f"Both imports ran with the XLSX guard's limits raised ({limits}, the same as "
            "module constants for the code before these settings; defaults in "
            "docs/hostile.md): its time budget is wall clock, and a loaded machine must not "
            "turn a memory figure into a refusal"
            + (
                "; this sheet is also over the default limits, and the row « after, default "
                "limits » is the same command with the defaults: refused, as a server would."
                if over
                else "."
            ),
            "",
        ]
    lines += [
        "| run | exit | time (s) | peak RSS (MB) | target | what it printed |",
        "|---|---|---|---|---|---|",
    ]
    for label, r in results.items():
        met = "met" if r["peak_mb"] < 500 else "**not met**"
        target = "" if "baseline" in label or "default" in label else f"< 500 MB: {met}"
        lines.append(
            f"| {label} | {r['exit']} | {r['seconds']:.1f} | {r['peak_mb']:.0f} | {target} | "
            f"{r['summary'].replace('|', '/')} |"
        )
    after, base = results["after"], results[baseline]
    lines += [
        "",
        f"Ratio import / {baseline.split(' (')[0]}: "
        f"{after['seconds'] / max(base['seconds'], 1e-9):.1f}× the time, "
        f"{after['peak_mb'] / max(base['peak_mb'], 1e-9):.1f}× the memory.",
        "",
        XLSX_HOW if xlsx else CSV_HOW,
        "",
    ]
    rows = f"{args.rows:,} rows" + (", with `--before`" if args.before else "")
    run = "\n".join([run_heading(f"Run of `bench_streaming`, {rows}"), *lines[1:]])
    # this run first; the earlier runs and the notes by hand stay in the part
    push_run_file(PART_XLSX if xlsx else PART, run, section[1:])
    print("\n".join(lines))


CSV_HOW = (
    "How: the CSV is surveyed once (encoding, NUL bytes, delimiter, header), then its "
    "rows are read again from disk, validated one at a time and written straight into "
    "`COPY coop_stage` (`ingest/tabular.py` `open_csv`, `ingest/cooperations.py` "
    "`_valid_rows`); the report's counts come from the staged rows in SQL "
    "(`coop_stage_summary.sql`). What still grows with the file: the set of ids seen "
    "(duplicate check), the rejects kept for the report, and the rows naming partners. "
    "GeoJSON and GeoPackage files are still read whole (bounded by their own limits: "
    "docs/hostile.md). The time of both imports goes to PostGIS (locating the points, the "
    "probable-duplicate search over a million points), not to reading the file: it moves "
    "with the machine's load, the memory does not."
)
XLSX_HOW = (
    "How: the guard's expat pass bounds the workbook first (`ingest/xlsx_guard.py`), then "
    "openpyxl reads the first sheet once in read-only mode, one row at a time, within the "
    "guard's time budget; each row (its Excel row number and cells as text) is written to an "
    "anonymous temporary file, and the import's passes (perimeter scan, validation into "
    "`COPY coop_stage`) read the rows again from that file (`ingest/tabular_xlsx.py`). "
    "What still grows with the file: openpyxl's shared-strings table (every distinct text "
    "of the workbook), the set of ids seen, the rejects kept for the report and the rows "
    "naming partners. Before, the whole sheet was held as a list of rows."
)


if __name__ == "__main__":
    main()
