"""`geocoop analyze`: recompute the stored analysis figures and print a summary."""

from __future__ import annotations

import json

import click

from geocoop.cli.context import command, engine, purge_caches


@command("analyze")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    help="Type(s) à résumer (défaut : les coopérations, sans les couches de contexte).",
)
@click.option(
    "--cooperation",
    "cooperation_id",
    type=int,
    default=None,
    help="Mise à jour incrémentale après le changement d'une coopération.",
)
@click.option(
    "--zones",
    "zone_count",
    type=int,
    default=5,
    show_default=True,
    help="Zones blanches affichées par type.",
)
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
def analyze(
    kinds: tuple[str, ...], cooperation_id: int | None, zone_count: int, as_json: bool
) -> None:
    """Recalcule couverture, zones blanches et synergies / refresh analysis figures."""
    from geocoop.analysis import api
    from geocoop.analysis.params import check_kinds
    from geocoop.orchestration import refresh_analysis, refresh_analysis_for_cooperation

    target = engine()
    try:
        with target.begin() as conn:
            if kinds:
                check_kinds(conn, list(kinds))  # refuse before a long refresh
            if cooperation_id is not None:
                report = refresh_analysis_for_cooperation(conn, cooperation_id)
            else:
                report = refresh_analysis(conn)
            summary = api.coverage(conn, level="france", kinds=list(kinds) or None)
            per_kind = {}
            for kind in kinds or []:
                per_kind[kind] = {
                    "couverture": api.coverage(conn, level="france", kinds=[kind])[0],
                    "zones_blanches": api.white_zones(
                        conn, kind=kind, limit=zone_count, with_geometry=False
                    ),
                }
    finally:
        target.dispose()  # no pooled connection outlives the command
    purge_caches()
    if as_json:
        click.echo(
            json.dumps(
                {"refresh": report, "france": summary, "kinds": per_kind},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    click.echo(f"Analyse recalculée en {report['seconds']:.2f} s : {report}")
    for row in summary:
        if row["population_covered_pct"] is None:  # no data is not absence
            click.echo(f"France : pas de chiffre ({row['data_note']}).")
            continue
        click.echo(
            f"France : {row['population_covered_pct']} % de la population couverte "
            f"({row['communes_covered']}/{row['communes_total']} communes)."
        )
    for kind, data in per_kind.items():
        cov = data["couverture"]
        if cov["population_covered_pct"] is None:
            click.echo(f"{kind} : {cov['data_note']}.")
            continue
        click.echo(
            f"{kind} : {cov['population_covered_pct']} % couverts, "
            f"{cov['cooperations']} coopérations."
            + (f" ({cov['data_note']})" if cov["data_note"] else "")
        )
        for z in data["zones_blanches"]:
            click.echo(
                f"  zone {z['id']} : {z['population']} hab., "
                f"{z['communes_count']} communes, dép. {','.join(z['departements'])}"
            )
