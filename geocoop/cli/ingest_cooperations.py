"""`geocoop ingest cooperations PATH …` and `geocoop ingest partnerships PATH`."""

from __future__ import annotations

from pathlib import Path

import click

from geocoop.cli.context import command, engine, purge_caches, settings
from geocoop.cli.options import rejects_option
from geocoop.ingest.report import IngestReport, write_rejects_csv
from geocoop.ingest.xlsx_guard import XlsxLimits


def rejects_path(path: Path, rejects: Path | None) -> Path:
    """Where the reject CSV goes: --rejects, else `<input>.rejets.csv` next to the input."""
    return rejects or path.with_name(f"{path.stem}.rejets.csv")


def print_report(report: IngestReport, rejects_file: Path | None) -> None:
    """One summary block in French: counts per precision, merge outcome, rejects."""
    counts = report.counts
    prefix = "[simulation] " if counts.get("dry_run") else ""
    click.echo(
        f"{prefix}{report.file} : {counts.get('rows_read', 0)} ligne(s) lue(s), "
        f"{report.accepted} acceptée(s), {len(report.rejects)} rejetée(s)."
    )
    precision = {k: v for k, v in (counts.get("by_precision") or {}).items() if v}
    if precision:
        click.echo("  localisation : " + ", ".join(f"{k} {v}" for k, v in precision.items()))
    verb = "seraient" if counts.get("dry_run") else "ont été"
    click.echo(
        f"  {counts.get('inserted', 0)} {verb} ajoutée(s), {counts.get('updated', 0)} "
        f"mise(s) à jour, {counts.get('unchanged', 0)} inchangée(s)."
    )
    read = [c for c in counts.get("columns") or [] if c.get("read_as") == "field"]
    if read:
        click.echo(
            "  colonnes : "
            + ", ".join(f"{c['column']} → {c['field']}" for c in read)
            + f" ; {len(counts['columns']) - len(read)} autre(s) gardée(s) dans attributes"
        )
    if counts.get("unlocated"):
        click.echo(f"  sans localisation (gardées, signalées) : {counts['unlocated']}")
    for reason, count in (counts.get("rejected_by_reason") or {}).items():
        click.echo(f"  rejet : {reason} ({count})")
    for warning in report.warnings[:10]:
        click.echo(f"  attention : {warning}")
    if rejects_file is not None:
        click.echo(f"  rejets détaillés : {rejects_file}")


@command("cooperations")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    default=None,
    help="Type par défaut (code de la table kind : tiers_lieu, ptce, pat…).",
)
@click.option("--source", default=None, help="Nom de la source (défaut : nom du fichier).")
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Fichier de correspondance des colonnes (YAML/JSON).",
)
@click.option("--dry-run", is_flag=True, help="Montre ce qui changerait, sans écrire.")
@rejects_option("Fichier CSV des rejets (défaut : <fichier>.rejets.csv).")
@click.option(
    "--no-analyze",
    is_flag=True,
    help="Ne pas recalculer l'analyse (plusieurs imports puis un seul `geocoop analyze`).",
)
def cooperations(
    path: Path,
    kind: str | None,
    source: str | None,
    mapping: Path | None,
    dry_run: bool,
    rejects: Path | None,
    no_analyze: bool,
) -> None:
    """Importe une liste de coopérations / import cooperations (CSV, XLSX, GeoJSON, GPKG)."""
    from geocoop.orchestration import import_cooperations_then_refresh

    with engine().connect() as conn:
        # The rows commit first (their kinds marked « en cours de recalcul »), then the
        # stored coverage and white zones of those kinds in a transaction of their own.
        report, refreshed = import_cooperations_then_refresh(
            conn,
            path,
            refresh=not no_analyze,
            commit_between=True,
            kind=kind,
            source=source,
            mapping=mapping,
            dry_run=dry_run,
            actor="cli",
            allow_join=True,  # a mapping's join reads a file beside PATH: the CLI only
            xlsx_limits=XlsxLimits.from_settings(settings()),
        )
        conn.commit()
    if not dry_run:
        purge_caches()
    _finish(report, path, rejects)
    if refreshed and refreshed.get("unchanged"):
        click.echo("  analyse inchangée : aucune coopération modifiée, chiffres déjà à jour.")
    elif refreshed:
        click.echo(
            f"  analyse recalculée : {refreshed.get('white_zones', 0)} zone(s) blanche(s), "
            f"{refreshed.get('seconds', 0):.1f} s."
        )
        later = refreshed.get("profile_facts_step") or {}
        if later.get("kinds"):
            click.echo(
                f"  filtres par profil (stade, catégorie, modèle) recalculés ensuite : "
                f"{', '.join(later['kinds'])}, {later.get('profile_facts', 0)} profil(s), "
                f"{later.get('seconds', 0):.1f} s."
            )


@command("partnerships")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", default=None, help="Source des coopérations citées par id.")
@click.option("--dry-run", is_flag=True, help="Montre ce qui changerait, sans écrire.")
@rejects_option("Fichier CSV des rejets (défaut : <fichier>.rejets.csv).")
def partnerships(path: Path, source: str | None, dry_run: bool, rejects: Path | None) -> None:
    """Importe des partenariats entre coopérations / import partnerships."""
    from geocoop.ingest.partnerships import import_partnerships

    with engine().begin() as conn:
        report = import_partnerships(
            conn,
            path,
            source=source,
            dry_run=dry_run,
            actor="cli",
            xlsx_limits=XlsxLimits.from_settings(settings()),
        )
    if not dry_run:
        purge_caches()
    _finish(report, path, rejects)


def _finish(report: IngestReport, path: Path, rejects: Path | None) -> None:
    target = None
    if report.rejects:
        target = rejects_path(path, rejects)
        write_rejects_csv(report, target)
    print_report(report, target)
