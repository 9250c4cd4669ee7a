"""`geocoop ingest boundaries PATH…`: thin wrapper over geocoop.ingest.boundaries."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from geocoop.cli.context import command, engine, purge_caches
from geocoop.cli.options import rejects_option
from geocoop.errors import IngestError


def _summary(report) -> list[str]:
    lines = []
    for level, counts in report.counts.get("levels", {}).items():
        extra = ", ".join(f"{k} {v}" for k, v in counts.items() if k != "loaded")
        lines.append(f"  {level:<12} {counts.get('loaded', 0):>6} chargé(s) ({extra})")
    changes = report.counts.get("code_changes")
    if changes:
        lines.append(
            f"  anciens codes {changes['staged']:>5} (nouveaux {changes['inserted']}, "
            f"modifiés {changes['updated']})"
        )
    population = report.counts.get("epci_population")
    if population:
        lines.append(
            f"  population des EPCI : {population['different']} sur "
            f"{population['checked']} diffèrent de la somme des communes"
        )
    lines.append(f"  codes non rapprochés ou rejetés : {len(report.rejects)}")
    return lines


def _record_failure(engine, paths, message: str) -> None:
    """Keep an audit row of a refused import (the data itself was rolled back)."""
    from geocoop.ingest.report import IngestReport, finish_run, start_run

    names = ", ".join(p.name for p in paths)
    report = IngestReport(file=names, target="boundaries", warnings=[message])
    with engine.begin() as conn:
        finish_run(conn, start_run(conn, "boundaries", names, actor="cli"), report, "failed")


@command("boundaries")
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="ROLE=CHAMP,…",
    help="Champs à utiliser : code, nom, population, epci, departement, region.",
)
@click.option(
    "--level",
    type=click.Choice(["commune", "epci", "departement", "region"]),
    default=None,
    help="Niveau des couches de polygones (sinon deviné).",
)
@click.option("--vintage", default=None, help="Millésime, ex. « COG 2026 ».")
@click.option(
    "--population-year",
    type=int,
    default=None,
    help="Année des populations (défaut : année du millésime - 3).",
)
@click.option("--force", is_flag=True, help="Réimporter même si les fichiers sont connus.")
@rejects_option("Écrire les codes non rapprochés / rejets dans ce CSV.")
@click.option("--json", "as_json", is_flag=True, help="Rapport complet en JSON.")
def boundaries(paths, mapping, level, vintage, population_year, force, rejects, as_json) -> None:
    """Importe communes, EPCI, départements, régions / import territorial boundaries."""
    from geocoop.ingest.boundaries_read import parse_mapping
    from geocoop.ingest.report import write_rejects_csv
    from geocoop.orchestration import import_boundaries

    fields = parse_mapping(mapping)
    target = engine()
    try:
        with target.begin() as conn:
            report = import_boundaries(
                conn,
                list(paths),
                mapping=fields,
                level=level,
                vintage=vintage,
                population_year=population_year,
                force=force,
                progress=sys.stderr.isatty(),
                actor="cli",
            )
    except IngestError as exc:
        _record_failure(target, paths, exc.message)
        raise
    purge_caches()
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str))
        return
    for warning in report.warnings:
        click.echo(warning)
    if report.counts.get("skipped"):
        return
    click.echo(f"Limites importées (import n° {report.counts.get('run_id')}) :")
    for line in _summary(report):
        click.echo(line)
    if rejects:
        write_rejects_csv(report, rejects)
        click.echo(f"Rejets et codes non rapprochés : {rejects}")
