"""Debian's headless Chromium as tests and benchmarks launch it through Playwright.

Never a browser download, and no background traffic (the machine's network is closed).
"""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",  # root in CI
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch(playwright):
    """A headless Chromium browser (playwright.sync_api)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
