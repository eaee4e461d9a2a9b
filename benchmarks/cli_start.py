"""How long a CLI call takes before it does its work: whole processes, timed from the outside.

Each command runs ``--runs`` times (default 7) as a fresh ``python -m duediligence`` process on
a small SQLite database (two clients, one import file) and the median and worst wall-clock
times are printed beside the target, with the median CPU time (user + system) of the process:
on a loaded machine the wall-clock time is mostly waiting for a core, and the CPU time is the
better estimate of the idle figure the targets are about. A command's own work here is a few
milliseconds, so the figure is its start-up: interpreter, imports, settings, database check.

Targets (issue "the house"): ``--help`` and ``--version`` ≤ 0.3 s; ``audit verify``,
``review queue`` and ``import clients`` ≤ 0.8 s, on an idle machine. Also printed: the import
time of the heaviest libraries, so a regression can be traced.

    python benchmarks/cli_start.py [--runs 7] [--compare DIR]

The package timed is this tree's (``PYTHONPATH`` is set to it). ``--compare DIR`` times the same
commands, in the same run and interleaved, with the package of another source tree on
``PYTHONPATH`` instead (e.g. a ``git worktree`` of an older commit), so the
two columns share the machine's load.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGETS = {
    "--help": 0.3,
    "--version": 0.3,
    "audit verify": 0.8,
    "review queue": 0.8,
    "import clients": 0.8,
}
HEAVY = ("sklearn", "weasyprint", "fastapi", "scipy", "rigour", "followthemoney", "skops")


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds: user + system) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "duediligence", *args],
        env=env,
        cwd=env["DD_BENCH_DIR"],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def _import_seconds(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    """Set up the small database, time each command, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--compare", type=Path, help="another source tree to time side by side")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="dd-clistart-"))
    clients = folder / "clients.csv"
    clients.write_text(
        "external_ref,name,country,industry\nB-1,Alpha Tools Ltd,GB,retail\nB-2,Beta Ltd,IE,\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "DD_DATABASE_URL": f"sqlite:///{folder / 'cli.db'}",
        "DD_REPORTS_DIR": str(folder / "reports"),
        "DD_KEYS_DIR": str(folder / "keys"),
        "DD_CHECKPOINT_FILE": str(folder / "checkpoints.jsonl"),
        "DD_MODELS_DIR": str(REPO / "models"),
        "DD_BENCH_DIR": str(folder),
        # this tree's package, not whichever one the interpreter has installed (an editable
        # install of another checkout would otherwise be timed)
        "PYTHONPATH": str(REPO),
    }
    _run(["init"], env)
    commands = {
        "--help": ["--help"],
        "--version": ["--version"],
        "audit verify": ["audit", "verify"],
        "review queue": ["review", "queue"],
        "import clients": ["import", "clients", str(clients)],
    }
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores)", flush=True)
    other = None
    if args.compare:
        # its own database, created by its own code: the two trees may be at different heads
        other = {
            **env,
            "PYTHONPATH": str(args.compare.resolve()),
            "DD_DATABASE_URL": f"sqlite:///{folder / 'cli-compare.db'}",
        }
        _run(["init"], other)
    header = f"{'command':<16} {'median s':>9} {'worst s':>8} {'cpu s':>6} {'target s':>9}  met"
    print(
        header + (f"  {'compared median s':>17} {'cpu s':>6}  ratio" if other else ""), flush=True
    )
    for name, argv in commands.items():
        times, before = [], []
        for _ in range(args.runs):
            times.append(_run(argv, env))
            if other:
                before.append(_run(argv, other))
        median = statistics.median(t for t, _ in times)
        cpu = statistics.median(c for _, c in times)
        met = "yes" if median <= TARGETS[name] else "NO"
        worst = max(t for t, _ in times)
        line = (
            f"{name:<16} {median:>9.2f} {worst:>8.2f} {cpu:>6.2f} {TARGETS[name]:>9.1f}  {met:<3}"
        )
        if other:
            was = statistics.median(t for t, _ in before)
            was_cpu = statistics.median(c for _, c in before)
            line += f"  {was:>17.2f} {was_cpu:>6.2f}  {was / median:>4.1f}x"
        print(line, flush=True)
    print("import time of heavy libraries (one process each):")
    for module in HEAVY:
        print(f"  {module:<16} {_import_seconds(module):.2f} s")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
