"""A command's own peak memory, measured through a small launcher process.

`RUSAGE_CHILDREN` (or `wait4`) in a large process is no measure of its child: a forked child
inherits the parent's RSS high-water mark across exec, so pytest late in a session (~1 GB)
or a benchmark holding a million rows reports its own peak as the child's. The launcher is
a fresh, small interpreter whose only child is the command; its `RUSAGE_CHILDREN` high-water
mark is that command's (at least the launcher's own few MB). Used by bench_fuzz and
tests/test_fuzz_ingest.py.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from tempfile import NamedTemporaryFile

# argv: peak file, timeout (s), command…; the command inherits stdin/stdout/stderr.
LAUNCHER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[3:], timeout=float(sys.argv[2]))\n"
    "with open(sys.argv[1], 'w') as out:\n"
    "    out.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(code)\n"
)


@dataclass(frozen=True)
class Peak:
    """How a command ended, what it printed and its own peak resident memory."""

    returncode: int
    stdout: str
    stderr: str
    peak_mb: float  # MiB (ru_maxrss is in KiB on Linux)


def run_peak(command: list[str], env: dict, timeout: float = 3600) -> Peak:
    """Run `command` through the launcher; its output captured, its peak memory measured."""
    with NamedTemporaryFile(prefix="gcpeak-") as peak_file:
        done = subprocess.run(
            [sys.executable, "-c", LAUNCHER, peak_file.name, str(timeout), *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout + 30,
        )
        peak_kib = int(Path(peak_file.name).read_text() or 0)
    return Peak(done.returncode, done.stdout, done.stderr, peak_kib / 1024)
