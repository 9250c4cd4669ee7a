"""`geocoop …` commands. Thin: parse options, call the core, print a line.

One module per command family (`db`, `tokens`, `members`, `serve`, `ingest`, `jobs`,
`analyze`, `cache`); the shared context (settings, engine, one-line errors) is
`geocoop.cli.context`. Errors from the core (GeocoopError) are printed as one line and exit
non-zero; no traceback reaches the user.
"""

from __future__ import annotations

import click

from geocoop.cli.analyze import analyze
from geocoop.cli.cache import cache
from geocoop.cli.context import Group
from geocoop.cli.db import db
from geocoop.cli.ingest import ingest
from geocoop.cli.jobs import jobs
from geocoop.cli.members import member, org
from geocoop.cli.serve import demo, serve
from geocoop.cli.tokens import token

__all__ = ["main"]


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Coopérations territoriales (geocoop) : carte, couverture, zones blanches.

    Map French territorial cooperations, their coverage and white zones.
    """


for _command in (db, token, org, member, serve, demo, ingest, jobs, analyze, cache):
    main.add_command(_command)
