"""Options shared by the `geocoop ingest …` commands."""

from __future__ import annotations

from pathlib import Path

import click


def rejects_option(help_text: str):
    """`--rejects FILE`: where the reject CSV is written."""
    return click.option(
        "--rejects", type=click.Path(dir_okay=False, path_type=Path), default=None, help=help_text
    )
