"""`geocoop ingest …`: each loader contributes its own command module."""

from __future__ import annotations

import importlib

import click

COMMAND_MODULES = (
    "geocoop.ingest.boundaries_cli",
    "geocoop.ingest.cooperations_cli",
    "geocoop.ingest.bundled_cli",
)


def register(main: click.Group) -> None:
    """Attach the `ingest` group and every available loader command to `main`."""

    @main.group("ingest")
    def ingest() -> None:
        """Importer des fichiers / import files (boundaries, cooperations…)."""

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(ingest)
