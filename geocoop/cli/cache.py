"""`geocoop cache purge-urls`: what shared HTTP caches must forget after a write."""

from __future__ import annotations

import click

from geocoop.cli.context import group, settings


@group("cache")
def cache() -> None:
    """Caches HTTP partagés / shared HTTP caches (Varnish, nginx, CDN)."""


@cache.command("purge-urls")
@click.option(
    "--send",
    "send",
    multiple=True,
    help="Adresse d'un cache à qui envoyer les BAN (défaut : GEOCOOP_CACHE_PURGE_URLS).",
)
@click.option("--print-only", is_flag=True, help="Lister sans rien envoyer.")
def purge_urls(send: tuple[str, ...], print_only: bool) -> None:
    """Liste (et envoie) les préfixes d'URL à purger / list (and send) the purges.

    One prefix a line (absolute with GEOCOOP_PUBLIC_URL); versioned tiles (`?v=`) are kept:
    a write changes the version in their URLs. Imports and `geocoop analyze` send these
    bans themselves to GEOCOOP_CACHE_PURGE_URLS after they commit.
    """
    from geocoop.features.purge import purge_urls as listed
    from geocoop.orchestration import purge_caches

    conf = settings()
    for url in listed(conf.public_url):
        click.echo(url)
    if print_only:
        return
    for result in purge_caches(",".join(send) or conf.cache_purge_urls):
        click.echo(f"BAN {result.prefix} → {result.cache} : {result.status}", err=True)
