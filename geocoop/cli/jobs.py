"""`geocoop jobs work / list / prune`: run the upload queue in the foreground, look at it.

Or delete its old finished jobs.
"""

from __future__ import annotations

import signal
import threading

import click

from geocoop.cli.context import engine, group, settings


@group()
def jobs() -> None:
    """File d'attente des imports envoyés / the upload job queue."""


@jobs.command("work")
@click.option("--once", is_flag=True, help="Vide la file puis s'arrête / drain, then exit.")
@click.option(
    "--interval", type=float, default=2.0, show_default=True, help="Secondes entre deux regards."
)
def jobs_work(once: bool, interval: float) -> None:
    """Exécute les imports en attente, un à la fois / run queued uploads, one at a time.

    Any number of these (and of web processes) may run: one writer at a time holds the
    queue's advisory lock, the others wait their turn.
    """
    from geocoop.cli.context import settings
    from geocoop.ingest.xlsx_guard import XlsxLimits
    from geocoop.jobs import Retention, run_pending

    target = engine()
    retention = Retention(settings().jobs_retention_days)
    memory_mb = settings().job_memory_mb
    purge = settings().cache_purge_urls
    limits = {"memory_mb": memory_mb, "purge_urls": purge,
              "xlsx_limits": XlsxLimits.from_settings(settings())}  # fmt: skip
    if once:
        ran = run_pending(target, retention_days=retention.due(), **limits)
        click.echo(f"{ran} import(s) exécuté(s)")
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo("geocoop jobs : en attente d'imports (Ctrl-C pour arrêter)")
    try:
        while not stop.is_set():
            ran = run_pending(
                target,
                retention_days=retention.due(),
                stop=stop,  # SIGTERM: the current job ends, the others stay queued
                **limits,
            )
            if ran:
                click.echo(f"{ran} import(s) exécuté(s)")
            stop.wait(interval)
    except KeyboardInterrupt:
        pass


@jobs.command("list")
@click.option("--limit", type=int, default=20, show_default=True)
def jobs_list(limit: int) -> None:
    """Les derniers imports envoyés / the latest upload jobs."""
    from geocoop.jobs import recent

    with engine().connect() as conn:
        for job in recent(conn, limit):
            counts = "" if job["accepted"] is None else f" {job['accepted']}/{job['rejected']}"
            stage = f" ({job['stage']})" if job["status"] == "running" and job["stage"] else ""
            click.echo(
                f"{job['id']:>6} {job['created_at'][:19]} {job['status']}{stage}"
                f"{counts} {job['file_name']}" + (f" — {job['error']}" if job["error"] else "")
            )


@jobs.command("prune")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="Garder les tâches finies depuis moins de N jours (défaut : GEOCOOP_JOBS_RETENTION_DAYS).",
)
def jobs_prune(days: int | None) -> None:
    """Supprime les imports finis anciens / delete old finished upload jobs.

    Queued and running jobs are never touched; the writers also do this once an hour.
    """
    from geocoop.jobs import prune_finished

    days = settings().jobs_retention_days if days is None else days
    if days <= 0:
        click.echo("rétention désactivée (0 jour) : rien supprimé")
        return
    count = prune_finished(engine(), days)
    click.echo(f"{count} tâche(s) finie(s) depuis plus de {days} jour(s) supprimée(s)")
