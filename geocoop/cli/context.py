"""What every `geocoop …` command shares: settings, engine, one-line errors.

The commands are the edge that knows where the database is; nothing below `geocoop.cli`
imports this module.
"""

from __future__ import annotations

import functools
import sys

import click

from geocoop.config import Settings, load_settings
from geocoop.errors import GeocoopError


def settings() -> Settings:
    """The settings of this command line, read once per invocation."""
    root = click.get_current_context().find_root()
    if "settings" not in root.meta:
        root.meta["settings"] = load_settings()
    return root.meta["settings"]


def engine(migrated: bool = True):
    """An engine on the configured database.

    It starts the private cluster if needed. With `migrated`, refuse a database whose schema is not
    at the head revision.
    """
    from geocoop.db import check_migrated, engine_for

    result = engine_for(settings())
    # the pool's connections close with the command (not at interpreter exit)
    click.get_current_context().find_root().call_on_close(result.dispose)
    if migrated:
        check_migrated(result)
    return result


def friendly_errors(func):
    """Print GeocoopError as one line on stderr and exit 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except GeocoopError as exc:
            click.echo(f"Erreur : {exc.message}", err=True)
            sys.exit(1)

    return wrapper


class Group(click.Group):
    """A group whose subcommands all get `friendly_errors`."""

    def command(self, *args, **kwargs):
        """A subcommand whose errors are made friendly."""
        decorator = super().command(*args, **kwargs)
        return lambda f: decorator(friendly_errors(f))

    def group(self, *args, **kwargs):
        """A subgroup of the same class, so its subcommands get friendly errors too."""
        kwargs.setdefault("cls", Group)
        return super().group(*args, **kwargs)


def command(*args, **kwargs):
    """`click.command` with `friendly_errors` (for commands attached to a group later)."""
    decorator = click.command(*args, **kwargs)
    return lambda f: decorator(friendly_errors(f))


def group(*args, **kwargs):
    """`click.group` of class `Group`."""
    kwargs.setdefault("cls", Group)
    return click.group(*args, **kwargs)


def purge_caches() -> None:
    """After a committed write, tell the shared HTTP caches to forget stale answers.

    The caches are GEOCOOP_CACHE_PURGE_URLS; one that does not answer is reported, not an
    error.
    """
    from geocoop.orchestration import purge_caches as purge

    for result in purge(settings().cache_purge_urls):
        if result.status != 200:
            click.echo(f"cache {result.cache} : BAN {result.prefix} → {result.status}", err=True)
