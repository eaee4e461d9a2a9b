"""Re-scoring benchmark: full re-score on SQLite at several roster sizes, incremental after 1%
changed, and PostgreSQL throughput with 1 and 2 workers.

    python benchmarks/rescore.py --sizes 10000 100000 [--workers 2]
    python benchmarks/rescore.py --sizes --postgres URL --pg-clients 20000

Rosters come from the scale generator (``duediligence sample generate``: one owner, one
engagement and ~10 news signals per client), imported with the ordinary importer. The generated
signals are unclassified, so before scoring 3 in 7 get an adverse label (fraud, laundering,
trafficking) and a credibility, as the classifier would have set, so the features do real work.
Import and labelling are not timed. Targets (issue 8): 100k clients / 1M signals <= 60 s and
<= 1.5 GB peak on SQLite; PostgreSQL 2 workers >= 1.6x 1 worker; incremental after 1% changed
<= 5% of the full time.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, peak_rss_mb, report
from sqlalchemy import Engine, create_engine, select, text, update

from duediligence.batch import RescoreOptions, RescoreSummary, rescore
from duediligence.db.base import Base, utcnow
from duediligence.db.models import Signal
from duediligence.db.session import make_engine, session_scope
from duediligence.ingest.roster import import_file
from duediligence.sampledata.scale import generate_scale

AS_OF = date(2026, 11, 1)
LABELS = (
    "UPDATE signals SET credibility = 0.7, label = CASE id % 7 WHEN 0 THEN 'fraud' "
    "WHEN 1 THEN 'money_laundering' WHEN 2 THEN 'human_trafficking' ELSE 'none' END"
)


def children_peak_mb() -> float:
    """Peak resident memory of the largest finished child process, in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def load_roster(engine: Engine, folder: Path, clients: int) -> None:
    """Generate (once) and import a roster of ``clients`` clients with ~10 signals each."""
    if not (folder / "signals.csv").is_file():
        generate_scale(folder, clients=clients, signals_per_client=10, seed=1)
    t = time.perf_counter()
    for kind in ("clients", "parties", "engagements", "signals"):
        with session_scope(engine) as s:
            import_file(s, folder / f"{kind}.csv", kind)  # type: ignore[arg-type]
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


def sqlite_size(n: int, workers: int, data_root: Path, incremental: bool) -> None:
    folder = data_root / f"scale-{n}"
    tmp = Path(tempfile.mkdtemp(prefix="dd-rescore-"))
    engine = make_engine(f"sqlite:///{tmp / 'bench.db'}")
    Base.metadata.create_all(engine)
    load_roster(engine, folder, n)
    t = time.perf_counter()
    full = run(engine, tmp, full=True, workers=workers)
    elapsed = time.perf_counter() - t
    report(
        f"SQLite full re-score: {full.clients_scored:,} clients (~{n * 10:,} signals), "
        f"{workers} worker(s): {elapsed:.1f} s = {full.clients_scored / elapsed:,.0f} clients/s; "
        f"peak RSS writer {peak_rss_mb():.0f} MB, largest worker {children_peak_mb():.0f} MB"
    )
    if incremental:
        changed = change_one_percent(engine, n)
        t = time.perf_counter()
        inc = run(engine, tmp, workers=workers)
        inc_time = time.perf_counter() - t
        report(
            f"SQLite incremental after {changed:,} clients (1%) changed: {inc.clients_scored:,} "
            f"scored in {inc_time:.2f} s = {100 * inc_time / elapsed:.1f}% of the full time "
            "(target <= 5%)"
        )
    engine.dispose()


def postgres(url: str, n: int, data_root: Path) -> None:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    engine = make_engine(f"{url}{sep}options={quote(f'-csearch_path={schema}')}")
    tmp = Path(tempfile.mkdtemp(prefix="dd-rescore-pg-"))
    try:
        Base.metadata.create_all(engine)
        load_roster(engine, data_root / f"scale-{n}", n)
        times = {}
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
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


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
