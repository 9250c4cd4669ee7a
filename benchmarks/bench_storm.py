#!/usr/bin/env python3
"""Upload storm on all of France: do reads keep their latency while uploads pour in?

The national database of `benchmarks/bench_filters.py` (every COG 2026 commune, the real
tiers-lieux, France services and the 460 PAT, stored analysis refreshed) served by a real
gunicorn (gunicorn.conf.py, GEOCOOP_WORKERS workers × 4 gthread threads, no job thread in
the web processes) and one writer, `geocoop jobs work`, as docs/operations.md recommends.

1. *idle*: R reader threads ask a fixed mix of reads (an item page, a stored choropleth, a
   territory summary, `/healthz`) in turn for `--idle-seconds`;
2. *storm*: N clients post the same `--rows`-row list of tiers-lieux (one source: every job
   merges the same rows, so the counts are checkable; each upload after the first edits a
   tenth of the names, so each job writes) to `POST /api/ingest/cooperations` at once,
   each retrying on `429 Retry-After` as a client should; the readers go on
   until every upload is answered and the queue has drained (or `--drain-seconds` ran out);
3. the end: every upload answered 202, every job `done`, each job's report counting the
   file's rows, the kind's cooperations equal to the file's rows, nothing left « being
   recomputed ».

p50/p95 of the reads idle and during the storm come from the same run; the target of issue
14 is a storm p95 within 20 % of idle. Writes docs/performance-storm.md (this run
first, the earlier runs and the notes by hand kept).

    .venv/bin/python -m benchmarks.bench_storm [--uploads 200] [--rows 2000]
    GEOCOOP_BENCH_PGDATA=/tmp/gcf-keep .venv/bin/python -m benchmarks.bench_storm
        (the cluster bench_filters keeps there, built first if absent; the storm runs on a
         copy of its database, the original stays as it was)
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, text

from benchmarks.gunicorn_server import start, wait_up
from benchmarks.sections import push_run_file, replace_marked, run_heading
from geocoop.analysis import facts as analysis_facts
from geocoop.analysis.params import check_filters
from geocoop.auth import create_token
from geocoop.config import load_settings
from geocoop.db import make_engine, upgrade
from geocoop.embedded import EmbeddedCluster
from geocoop.text import normalize_name

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "performance-storm.md"
# the national database to copy: bench_filters keeps "geocoop_bench"; the ready national
# copies (/tmp/quiet-pg) and bench_interactive's cluster call it "geocoop"
SOURCE_DB = os.environ.get("GEOCOOP_BENCH_DB", "geocoop_bench")
STORM_DB = "geocoop_storm"
# the checkout whose geocoop the servers (gunicorn, the writer) run: another one measures
# its code under the same storm, same read mix and same load generator (before/after)
CODE = Path(os.environ.get("GEOCOOP_BENCH_CODE") or ROOT).resolve()
KIND, SOURCE = "tiers_lieu", "storm"
READS = [
    ("item", "/api/features/collections/cooperations/items/{item}"),
    ("bbox", "/api/features/collections/communes/items?bbox=-1.8,48.0,-1.5,48.3&limit=10"),
    ("filter", "/api/maps/coverage?level=departement"),
    ("summary", "/api/analysis/territories/epci/200065928"),
    ("floor", "/healthz"),
]


def read_mix(conn, mix: str, item: int) -> list[tuple[str, str]]:
    """(family, URL) of the readers: the basic mix, or every URL of bench_interactive."""
    if mix == "basic":
        return [(family, url.format(item=item)) for family, url in READS]
    from benchmarks.bench_interactive import endpoints

    return [(family, url) for family, _label, urls in endpoints(conn) for url in urls]


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p * (len(ordered) - 1))))]


def national_cluster(
    folder: Path | None, source_db: str = SOURCE_DB
) -> tuple[EmbeddedCluster, Path, bool]:
    """A started cluster holding the national database `source_db` (built when absent)."""
    from benchmarks.bench_filters import build

    owned = folder is None
    folder = folder or Path(tempfile.mkdtemp(prefix="gcst-", dir="/tmp"))
    cluster = EmbeddedCluster(folder, source_db, fast=True)
    fresh = not cluster.is_initialised()
    cluster.start()
    if fresh:
        engine = make_engine(
            cluster.url(source_db),
            load_settings({"pool_size": 2, "statement_timeout_ms": 600000}),
        )
        upgrade(engine)
        build(engine, measure_after=False)
        engine.dispose()
    return cluster, folder, owned


def storm_database(cluster: EmbeddedCluster, source_db: str = SOURCE_DB) -> str:
    """A fresh copy of the national database (the original stays untouched)."""
    admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {STORM_DB}"))
        conn.execute(text(f"CREATE DATABASE {STORM_DB} TEMPLATE {source_db}"))
    admin.dispose()
    return cluster.url(STORM_DB)


def store_name_keys(engine) -> int:
    """Store territory.name_search as the boundaries importer does (the minimal loaders don't).

    Without it every import would normalise the 36,000 names again (`TerritoryIndex.load`).
    """
    with engine.begin() as conn:
        rows = conn.execute(
            text("SELECT level, code, name FROM territory WHERE name_search IS NULL")
        ).all()
        conn.execute(
            text(
                "UPDATE territory t SET name_search = v.k FROM unnest("
                "CAST(:l AS text[]), CAST(:c AS text[]), CAST(:k AS text[])) AS v(l, c, k) "
                "WHERE t.level = v.l AND t.code = v.c"
            ),
            {
                "l": [r.level for r in rows],
                "c": [r.code for r in rows],
                "k": [normalize_name(r.name) for r in rows],
            },
        )
    return len(rows)


def upload_rows(engine, rows: int) -> list[list[str]]:
    """`rows` tiers-lieux, one per commune (spread over France), with a stage or none."""
    with engine.connect() as conn:
        communes = conn.execute(
            text(
                "SELECT code, name, ST_Y(p) AS lat, ST_X(p) AS lon FROM ("
                " SELECT code, name, ST_PointOnSurface(geom) AS p FROM territory"
                " WHERE level = 'commune' AND geom IS NOT NULL ORDER BY md5(code) LIMIT :n) s"
            ),
            {"n": rows},
        ).all()
    stages = ["émergence", "opérationnelle", ""]
    return [
        [str(i), f"Tiers-lieu {c.name} {i}", c.code, f"{c.lat:.6f}", f"{c.lon:.6f}", stages[i % 3]]
        for i, c in enumerate(communes, start=1)
    ]


def upload_file(rows: list[list[str]], version: int) -> bytes:
    """The list as its network sends it the `version`-th time: a tenth of the names edited.

    Every upload after the first updates about a tenth of the rows (so each job writes and
    touches the kind); the rows stay the same ones (same source and ids).
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["id", "nom", "code_insee", "latitude", "longitude", "stade"])
    for row in rows:
        if version and int(row[0]) % 10 == version % 10:
            row = [row[0], f"{row[1]} (v{version})", *row[2:]]
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def multipart(body: bytes, fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = "geocoopstormboundary"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="tl.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    )
    data = "".join(parts).encode() + head.encode() + body + f"\r\n--{boundary}--\r\n".encode()
    return data, f"multipart/form-data; boundary={boundary}"


class Readers:
    """R threads asking the read mix in turn, each latency tagged with the phase."""

    def __init__(self, base: str, urls: list[tuple[str, str]], count: int) -> None:
        """`count` readers of `urls` ((family, URL)) on `base`, not started."""
        self.base, self.urls = base, urls
        self.phase = "warm-up"
        self.samples: list[tuple[str, float, int, str, float]] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(count)
        ]

    def start(self) -> None:
        """Start reading."""
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop after the reads in flight."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=120)

    def _run(self, offset: int) -> None:
        i = offset
        while not self._stop.is_set():
            family, url = self.urls[i % len(self.urls)]
            i += 1
            phase = self.phase
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(self.base + url, timeout=60) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            except OSError:
                status = 0
            elapsed = time.perf_counter() - started
            self.samples.append((phase, elapsed, status, family, started))

    def of(self, phase: str, family: str | None = None) -> list[tuple[float, int]]:
        """(seconds, status) of the reads started in `phase` (of one `family`, or all)."""
        return [(s, c) for p, s, c, f, _t in self.samples if p == phase and family in (None, f)]

    def timeline(self, start: float, step: float = 30.0) -> list[str]:
        """p50/p95 of the reads started in each `step`-second window after `start`."""
        windows: dict[int, list[float]] = {}
        for _p, s, _c, _f, t in self.samples:
            if t >= start:
                windows.setdefault(int((t - start) // step), []).append(1000 * s)
        return [
            f"{int(k * step):5d}-{int((k + 1) * step):5d} s: {len(v):5d} reads, p50 "
            f"{statistics.median(v):6.0f} ms, p95 {_pct(v, 0.95):6.0f} ms"
            for k, v in sorted(windows.items())
        ]

    def families(self) -> list[str]:
        """The families of the read mix, in its order."""
        return list(dict.fromkeys(f for f, _u in self.urls))


def post_upload(base: str, token: str, data: bytes, ctype: str, answers: list) -> None:
    """Post one upload, retrying on 429 after its Retry-After; records the final status."""
    started, retries = time.perf_counter(), 0
    while True:
        request = urllib.request.Request(
            base + "/api/ingest/cooperations",
            data=data,
            headers={"Authorization": f"Bearer {token}", "Content-Type": ctype},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()
                answers.append((response.status, retries, time.perf_counter() - started))
                return
        except urllib.error.HTTPError as exc:
            if exc.code in (429, 503) and retries < 50:
                retries += 1
                time.sleep(float(exc.headers.get("Retry-After") or 1))
                continue
            answers.append((exc.code, retries, time.perf_counter() - started))
            return
        except OSError as exc:
            answers.append((type(exc).__name__, retries, time.perf_counter() - started))
            return


def queue_state(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT status, count(*) FROM job GROUP BY 1")).all())


def main(argv: list[str] | None = None, folder: Path | None = None) -> int:
    """Run the storm (`argv`: the command line's options) on the cluster of `folder`.

    Without `folder`: GEOCOOP_BENCH_PGDATA's, or a throw-away one built for the run.
    """
    parser = argparse.ArgumentParser()
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--idle-seconds", type=float, default=40)
    parser.add_argument("--drain-seconds", type=float, default=480)
    parser.add_argument(
        "--mix", choices=("basic", "interactive"), default="basic",
        help="basic: item, bbox, choropleth, EPCI summary, /healthz; interactive: every URL "
        "of bench_interactive (summaries, lists, explain, panels, fiches, live filters)",
    )  # fmt: skip
    parser.add_argument("--source-db", default=SOURCE_DB, help="the national database to copy")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # clean up the servers as well
    keep = os.environ.get("GEOCOOP_BENCH_PGDATA")
    cluster, folder, owned = national_cluster(
        folder or (Path(keep) if keep else None), args.source_db
    )
    jobs_dir = Path(tempfile.mkdtemp(prefix="gcst-jobs-", dir="/tmp"))
    procs: list[subprocess.Popen] = []
    try:
        url = storm_database(cluster, args.source_db)
        engine = make_engine(url, load_settings({"pool_size": 2, "statement_timeout_ms": 600000}))
        upgrade(engine)  # a database kept from an older checkout: the servers need the head
        store_name_keys(engine)
        with engine.begin() as conn:
            token = create_token(conn, "storm")
            item = conn.execute(text("SELECT min(id) FROM cooperation")).scalar()
            communes, coops = conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM territory WHERE level = 'commune'), "
                    "(SELECT count(*) FROM cooperation)"
                )
            ).one()
        rows = upload_rows(engine, args.rows)
        bodies = [
            multipart(upload_file(rows, i), {"kind": KIND, "source": SOURCE})
            for i in range(args.uploads)
        ]
        settings = {"jobs_dir": jobs_dir, "jobs_worker": "false"}
        log_path = jobs_dir.parent / f"{jobs_dir.name}.log"
        server = start(url, workers=args.workers, code=CODE, settings=settings, stderr=log_path)
        procs.append(server.process)
        base = server.base
        wait_up(base, process=server.process)
        # the writer runs with the server's settings, on the same log
        env = {
            **os.environ,
            "GEOCOOP_DATABASE_URL": url,
            "GEOCOOP_SECRET_KEY": "bench",
            "GEOCOOP_JOBS_DIR": str(jobs_dir),
            "GEOCOOP_JOBS_WORKER": "false",
            "PYTHONPATH": str(CODE),
        }
        log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 (open for the writer's life)
        with engine.connect() as conn:
            urls = read_mix(conn, args.mix, item)
        readers = Readers(base, urls, args.readers)
        readers.start()
        time.sleep(5)  # warm-up: pools and caches
        readers.phase = "idle"
        time.sleep(args.idle_seconds)
        # the writer starts with the storm: its start-up is not the readers' business idle
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "geocoop", "jobs", "work", "--interval", "1"],
            env=env, cwd=CODE, stdout=log, stderr=log,
        ))  # fmt: skip
        readers.phase = "storm"
        answers: list = []
        storm_start = time.perf_counter()
        posters = [
            threading.Thread(target=post_upload, args=(base, token, data, ctype, answers))
            for data, ctype in bodies
        ]
        for thread in posters:
            thread.start()
        for thread in posters:
            thread.join()
        accepted_s = time.perf_counter() - storm_start
        print(f"{len(answers)} uploads answered in {accepted_s:.1f} s", flush=True)
        deadline = storm_start + args.drain_seconds
        state = queue_state(engine)
        while (state.get("queued") or state.get("running")) and time.perf_counter() < deadline:
            time.sleep(10)
            state = queue_state(engine)
            print(f"  {time.perf_counter() - storm_start:6.0f} s queue {state}", flush=True)
        drained_s = time.perf_counter() - storm_start
        readers.stop()
        print("reads during the storm, by window:", *readers.timeline(storm_start), sep="\n  ")
        procs[1].terminate()  # the current job ends (the queue drained, there is none)
        try:
            procs[1].wait(timeout=300)
        except subprocess.TimeoutExpired:
            procs[1].kill()
        result = check(engine, args.rows)
        engine.dispose()
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=60)
        shutil.rmtree(jobs_dir, ignore_errors=True)
        cluster.stop() if owned else None
        if owned:
            shutil.rmtree(folder, ignore_errors=True)
    write(args, communes, coops, readers, answers, accepted_s, drained_s, state, result)
    return 0


def check(engine, rows: int) -> dict:
    """What the queue and the data say once the storm is over."""
    with engine.connect() as conn:
        reports = conn.execute(
            text(
                "SELECT status, report ->> 'accepted' AS accepted, count(*) AS n "
                "FROM job GROUP BY 1, 2 ORDER BY 1, 2"
            )
        ).all()
        kind_rows = conn.execute(
            text("SELECT count(*) FROM cooperation WHERE kind_code = :k AND source = :s"),
            {"k": KIND, "s": SOURCE},
        ).scalar()
        pending = conn.execute(text("SELECT count(*) FROM analysis_pending")).scalar()
        facts = conn.execute(
            text("SELECT count(*) FROM analysis_commune_kind WHERE kind_code = :k"), {"k": KIND}
        ).scalar()
        # fresh facts answer a filtered variant; stale ones (profiles changed) would not
        fresh = analysis_facts.answer(
            conn, level="region", kinds=[KIND], rule="any", parent=None,
            filters=check_filters({"stage": ["emergence"]}), distance_m=None,
        ) is not None  # fmt: skip
    return {
        "fresh": fresh,
        "jobs": [(r.status, r.accepted, r.n) for r in reports],
        "kind_rows": kind_rows,
        "expected_rows": rows,
        "pending": pending,
        "facts": facts,
    }


INTERACTIVE_OUT = ROOT / "docs" / "performance-interactive.md"
STORM_START, STORM_END = "<!-- storm: bench_storm --mix interactive -->", "<!-- /storm -->"


def write(args, communes, coops, readers, answers, accepted_s, drained_s, state, result) -> None:
    """The report: docs/performance-storm.md (basic mix) or a section of the interactive one."""
    idle, storm = readers.of("idle"), readers.of("storm")
    statuses: dict = {}
    for status, _retries, _s in answers:
        statuses[status] = statuses.get(status, 0) + 1
    retries = sum(r for _c, r, _s in answers)
    answer_s = [s for _c, _r, s in answers]

    def row(label: str, samples: list[tuple[float, int]]) -> str:
        ms = [1000 * s for s, _c in samples]
        errors = sum(1 for _s, c in samples if c != 200)
        if not ms:
            return f"| {label} | 0 | – | – | – | {errors} |"
        ratio = _pct(ms, 0.95) / _pct([1000 * s for s, _c in idle], 0.95)
        return (
            f"| {label} | {len(ms)} | {statistics.median(ms):.0f} | {_pct(ms, 0.95):.0f} | "
            f"{ratio:.2f}× | {errors} |"
        )

    def family_row(family: str) -> str:
        quiet, busy = readers.of("idle", family), readers.of("storm", family)
        if not quiet or not busy:
            return f"| {family} | {len(quiet)} | – | – | {len(busy)} | – | – | – |"
        q = [1000 * s for s, _c in quiet]
        b = [1000 * s for s, _c in busy]
        errors = sum(1 for _s, c in quiet + busy if c != 200)
        return (
            f"| {family} | {len(q)} | {statistics.median(q):.0f} | {_pct(q, 0.95):.0f} | "
            f"{len(b)} | {statistics.median(b):.0f} | {_pct(b, 0.95):.0f} | "
            f"{_pct(b, 0.95) / _pct(q, 0.95):.2f}× | {errors} |"
        )

    load = os.getloadavg()[0]
    met = "met" if storm and _pct([s for s, _ in storm], 0.95) <= 1.2 * _pct(
        [s for s, _ in idle], 0.95) else "**not met**"  # fmt: skip
    if args.mix == "basic":
        asked = ", ".join(f"`{u}`" for _f, u in READS)
    else:
        asked = f"every URL of bench_interactive ({len(readers.urls)}: summaries, lists, "
        asked += "explain, panels, fiches, live filters), through HTTP"
    code = "this checkout" if CODE == ROOT else f"the checkout `{CODE}`"
    lines = [
        f"`benchmarks/bench_storm.py --uploads {args.uploads} --rows {args.rows} --mix "
        f"{args.mix}`: the national database ({communes:,} communes, {coops:,} cooperations, "
        "stored analysis) copied for the run; gunicorn.conf.py with "
        f"{args.workers} gthread workers × 4 threads (no job thread in the web processes) "
        f"and one writer, `geocoop jobs work`, started with the storm; servers run {code}. "
        f"{args.readers} reader threads ask in turn: {asked}. "
        f"*idle*: {args.idle_seconds:.0f} s before the storm; *storm*: from the first upload "
        "until the queue drained. "
        f"{args.uploads} clients post the same {args.rows:,}-row CSV (kind `{KIND}`, one "
        "source: every job merges the same rows, each upload after the first editing a tenth "
        "of the names) at once and retry on 429 after its "
        f"`Retry-After`. Load average at the end: {load:.1f} (2 cores shared with other "
        "work, the load generator included).",
        "",
        "| reads | samples | p50 ms | p95 ms | p95 vs idle | errors |",
        "|---|---|---|---|---|---|",
        row("idle (baseline)", idle),
        row("during the storm", storm),
        "",
        "| family | idle samples | idle p50 ms | idle p95 ms | storm samples | storm p50 ms "
        "| storm p95 ms | p95 storm / idle | errors |",
        "|---|---|---|---|---|---|---|---|---|",
        *(family_row(f) for f in readers.families()),
        "",
        f"- Target (issue 14): reads' p95 during the storm within 20 % of idle: {met}.",
        f"- Uploads: {len(answers)} answered, statuses {statuses}, after {retries} retries on "
        f"429/503 in all; the last answered {accepted_s:.1f} s after the first was sent "
        f"(median answer {statistics.median(answer_s):.2f} s).",
        f"- Queue: {state} {drained_s:.0f} s after the first upload; jobs by status and "
        f"accepted rows: {result['jobs']}.",
        f"- Data: {result['kind_rows']:,} `{KIND}` rows of source `{SOURCE}` (the file has "
        f"{result['expected_rows']:,}); kinds still « en cours de recalcul »: "
        f"{result['pending']}; stored commune × `{KIND}` facts: {result['facts']:,}; "
        f"filtered variants answered from fresh stored facts: {result['fresh']}.",
    ]
    if args.mix == "basic":
        # this run first; the earlier runs and the notes by hand (what broke, what was
        # fixed) stay in the report
        heading = run_heading(f"Run of `bench_storm`, {args.uploads} uploads")
        push_run_file(OUT, "\n".join([heading, "", *lines]), "# Upload storm on all of France")
    else:
        section = [STORM_START, "", "## Under an upload storm", "", *lines, "", STORM_END]
        replace_marked(INTERACTIVE_OUT, "\n".join(section), STORM_START, STORM_END)
    print("\n".join(lines))


if __name__ == "__main__":
    raise SystemExit(main())
