"""benchmarks/peak.py: a command's own peak memory, whatever its parent holds (no database)."""

from __future__ import annotations

import os
import sys

from benchmarks.peak import run_peak


def test_peak_is_the_commands_own_not_its_parents():
    held = b"x" * (300 * 2**20)  # this process's high-water mark: over 300 MiB
    small = run_peak([sys.executable, "-c", "print('ok')"], dict(os.environ), timeout=60)
    assert small.returncode == 0 and small.stdout == "ok\n"
    assert small.peak_mb < 100, small.peak_mb  # a bare interpreter: ~10 MiB
    big = run_peak(
        [sys.executable, "-c", "import sys; x = b'y' * (150 * 2**20); sys.exit(3)"],
        dict(os.environ),
        timeout=60,
    )
    assert big.returncode == 3
    assert 150 <= big.peak_mb < 250, big.peak_mb
    assert len(held) == 300 * 2**20


def test_output_and_errors_are_kept_apart():
    done = run_peak(
        [sys.executable, "-c", "import sys; print('out'); print('err', file=sys.stderr)"],
        dict(os.environ),
        timeout=60,
    )
    assert (done.stdout, done.stderr) == ("out\n", "err\n")
