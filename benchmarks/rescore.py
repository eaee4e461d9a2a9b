"""Re-scoring benchmark: full re-score on SQLite at several roster sizes, incremental after 1%
changed, and PostgreSQL throughput with 1 and 2 workers.

    python benchmarks/rescore.py --sizes 10000 100000 [--workers 2]
    python benchmarks/rescore.py --sizes --postgres URL --pg-clients 20000

Rosters come from the scale generator (``duediligence sample generate``: one owner, one
engagement and ~10 news signals per client), imported with the ordinary importer. The generated
signals are unclassified, so before scoring 3 in 7 get an adverse label (fraud, laundering,
trafficking) and a credibility, as the classifier would have set, so the features do real work.
Import and labelling are not timed. SQLite runs go through the real CLI
(``duediligence rescore --json``) and report the time it measures and the peak memory of its
whole process tree (writer + workers), sampled from /proc.
Targets (issue 8): 100k clients / 1M signals <= 60 s and <= 1.5 GB peak on SQLite;
PostgreSQL 2 workers >= 1.6x 1 worker; incremental after 1% changed <= 5% of the full time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, postgres_scratch_engine, report
from sqlalchemy import Engine, select, text, update

from duediligence.batch import RescoreOptions, RescoreSummary, rescore
from duediligence.db.base import utcnow
from duediligence.db.migrate import upgrade
from duediligence.db.models import Signal
from duediligence.db.session import make_engine, session_scope
from duediligence.ingest.roster import import_file
from duediligence.sampledata.scale import generate_scale

AS_OF = date(2026, 11, 1)
LABELS = (
    "UPDATE signals SET credibility = 0.7, label = CASE id % 7 WHEN 0 THEN 'fraud' "
    "WHEN 1 THEN 'money_laundering' WHEN 2 THEN 'human_trafficking' ELSE 'none' END"
)


def load_roster(engine: Engine, folder: Path, clients: int) -> None:
    """Generate (once) and import a roster of ``clients`` clients with ~10 signals each."""
    if not (folder / "signals.csv").is_file():
        generate_scale(folder, clients=clients, signals_per_client=10, seed=1)
    t = time.perf_counter()
    for kind in ("clients", "parties", "engagements", "signals"):
        with session_scope(engine) as s:
            import_file(session=s, path=folder / f"{kind}.csv", kind=kind)  # type: ignore[arg-type]
    with engine.begin() as conn:
        conn.execute(text(LABELS))
    report(f"  (setup: imported {clients:,} clients in {time.perf_counter() - t:.0f} s)")


def run(engine: Engine, tmp: Path, **kw: object) -> RescoreSummary:
    options = RescoreOptions(
        as_of=AS_OF,
        models_dir=REPO / "models",
        alerts_dir=tmp / "alerts",
        chunk_size=int(kw.pop("chunk_size", 1000)),  # type: ignore[call-overload]
        **kw,  # type: ignore[arg-type]
    )
    return rescore(engine, options)


def change_one_percent(engine: Engine, clients: int) -> int:
    """Re-classify one signal of every 100th client (as a reviewer or the classifier would)."""
    with session_scope(engine) as s:
        ids = list(
            s.scalars(
                select(Signal.id)
                .where(Signal.client_id % 100 == 0)
                .order_by(Signal.client_id, Signal.id)
            )
        )
        firsts: dict[int, int] = {}
        for sid, cid in s.execute(
            select(Signal.id, Signal.client_id).where(Signal.id.in_(ids))
        ).all():
            firsts.setdefault(cid, sid)
        s.execute(
            update(Signal)
            .where(Signal.id.in_(list(firsts.values())))
            .values(label="fraud", updated_at=utcnow())
        )
    return len(firsts)


def _tree_rss_mb(pid: int) -> tuple[float, float]:
    """(sum, largest) current RSS of ``pid`` and all its descendants, in MB."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in task.read_text().split()]
    sizes = []
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        except OSError:
            pass
    return sum(sizes), max(sizes, default=0.0)


def cli_rescore(db: Path, tmp: Path, *args: str) -> tuple[dict[str, Any], float, float]:
    """Run ``duediligence rescore --json`` as a real process; sample its process tree's memory.

    Returns the summary, the peak total RSS of the tree (writer + workers) and the peak of the
    largest single process, in MB.
    """
    env = {
        **os.environ,
        "DD_DATABASE_URL": f"sqlite:///{db}",
        "DD_MODELS_DIR": str(REPO / "models"),
        "DD_REPORTS_DIR": str(tmp / "reports"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "duediligence", "rescore", "--json", "--as-of", str(AS_OF), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    peak_total = peak_one = 0.0
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.append(proc.stdout.read()))  # type: ignore[union-attr]
    reader.start()
    while proc.poll() is None:
        total, one = _tree_rss_mb(proc.pid)
        peak_total, peak_one = max(peak_total, total), max(peak_one, one)
        time.sleep(0.05)
    reader.join()
    if proc.returncode not in (0, 3):
        raise SystemExit(f"rescore failed with exit code {proc.returncode}")
    return json.loads(out[0]), peak_total, peak_one


def sqlite_size(n: int, workers: int, data_root: Path, incremental: bool) -> None:
    folder = data_root / f"scale-{n}"
    tmp = Path(tempfile.mkdtemp(prefix="dd-rescore-"))
    db = tmp / "bench.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    load_roster(engine, folder, n)
    full, total_mb, one_mb = cli_rescore(db, tmp, "--full", "--workers", str(workers))
    elapsed = float(full["seconds"])
    report(
        f"SQLite full re-score: {full['clients_scored']:,} clients (~{n * 10:,} signals), "
        f"{workers} worker(s): {elapsed:.1f} s = {full['clients_scored'] / elapsed:,.0f} "
        f"clients/s; peak RSS all processes {total_mb:,.0f} MB, largest process {one_mb:,.0f} MB"
    )
    if incremental:
        changed = change_one_percent(engine, n)
        inc, _, _ = cli_rescore(db, tmp, "--workers", str(workers))
        inc_time = float(inc["seconds"])
        report(
            f"SQLite incremental after {changed:,} clients (1%) changed: "
            f"{inc['clients_scored']:,} scored in {inc_time:.2f} s = "
            f"{100 * inc_time / elapsed:.1f}% of the full time (target <= 5%)"
        )
    engine.dispose()


def postgres(url: str, n: int, data_root: Path) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="dd-rescore-pg-"))
    with postgres_scratch_engine(url) as engine:
        load_roster(engine, data_root / f"scale-{n}", n)
        times: dict[int, list[float]] = {}
        for workers in (1, 2, 1, 2):
            t = time.perf_counter()
            summary = run(engine, tmp, full=True, workers=workers, chunk_size=500)
            elapsed = time.perf_counter() - t
            times.setdefault(workers, []).append(elapsed)
            report(
                f"PostgreSQL full re-score, {workers} worker(s): {summary.clients_scored:,} "
                f"clients in {elapsed:.1f} s = {summary.clients_scored / elapsed:,.0f} clients/s"
            )
        best1, best2 = min(times[1]), min(times[2])
        report(
            f"PostgreSQL speed-up 2 workers vs 1 (best of 2 each): {best1 / best2:.2f}x "
            "(target >= 1.6x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-incremental", action="store_true")
    parser.add_argument("--postgres", help="PostgreSQL URL for the workers comparison")
    parser.add_argument("--pg-clients", type=int, default=20_000)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "dd-scale")
    args = parser.parse_args()
    for n in args.sizes:
        sqlite_size(n, args.workers, args.data, not args.no_incremental)
    if args.postgres:
        postgres(args.postgres, args.pg_clients, args.data)


if __name__ == "__main__":
    main()
