"""Report benchmark: HTML client reports per second (target >= 50) and the roster report of
10,000 clients (target <= 10 s).

    python benchmarks/reports.py [--clients 10000] [--reports 300]

Client reports: the sample roster and case study (302 clients) with the shipped models, the
real lists when ../shared/data is present, screened and assessed; then one HTML review report
per client through ``render_client_report`` (context, charts, template, file write, SHA-256
recorded, audit event), timed end to end. Roster: ``duediligence.sampledata.scale`` writes
``--clients`` clients with parties, engagements and signals; they are imported, assessed twice
(so the report has changes to show), and the roster report is rendered as HTML and as JSON.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, SHARED_DATA, fresh_sqlite, peak_rss_mb, report
from sqlalchemy import select

from duediligence.db.enums import ReportFormat
from duediligence.db.models import Client, Signal
from duediligence.db.queries import current_assessment
from duediligence.db.session import session_scope
from duediligence.ingest.roster import import_file
from duediligence.ingest.watchlists import import_watchlist
from duediligence.matching import link_signals, screen_clients
from duediligence.reporting.context import client_report
from duediligence.reporting.render import (
    render_client_report,
    render_html,
    render_roster_report,
)
from duediligence.risk import load_scorer, score_clients, store_results
from duediligence.sampledata.scale import generate_scale
from duediligence.shipped import IMPORT_ORDER, sample_data_dir
from duediligence.signals import annotate_signals

MODELS = REPO / "models"


def client_reports(limit: int) -> None:
    os.environ.setdefault("DD_MODELS_DIR", str(MODELS))
    engine, folder = fresh_sqlite("clients.db")
    with session_scope(engine) as s:
        for kind, name in IMPORT_ORDER:
            import_file(session=s, path=sample_data_dir() / name, kind=kind)  # type: ignore[arg-type]
        annotate_signals(session=s, signals=list(s.scalars(select(Signal))), models_dir=MODELS)
    lists = [
        (SHARED_DATA / "watchlists" / "ofac-sdn-2021", "ofac"),
        (SHARED_DATA / "watchlists" / "un" / "consolidated.xml", "un"),
    ]
    for path, fmt in lists:
        if path.exists():
            with session_scope(engine) as s:
                import_watchlist(session=s, path=path, fmt=fmt)  # type: ignore[arg-type]
    with session_scope(engine) as s:
        screen_clients(session=s, actor="bench")
        link_signals(session=s, actor="bench")
        ids = list(s.scalars(select(Client.id).order_by(Client.id)))
        store_results(
            session=s,
            results=score_clients(session=s, client_ids=ids, as_of=date.today()),
            actor="bench",
        )
    with session_scope(engine) as s:
        refs = list(s.scalars(select(Client.external_ref).order_by(Client.id)))[:limit]
        signals = s.scalar(select(Signal.id).order_by(Signal.id.desc()).limit(1))
    out = folder / "reports"
    with session_scope(engine) as s:
        render_client_report(
            session=s, client=refs[0], reports_dir=out
        )  # warm up (imports, template)
        t = time.perf_counter()
        sizes = 0
        for ref in refs:
            path, _ = render_client_report(session=s, client=ref, reports_dir=out, actor="bench")
            sizes += path.stat().st_size
        elapsed = time.perf_counter() - t
    report(
        f"client HTML reports: {len(refs)} in {elapsed:.2f} s = {len(refs) / elapsed:.1f} "
        f"reports/s (target >= 50); mean {sizes / len(refs) / 1024:.0f} KiB; "
        f"{signals} signals in the database"
    )
    with session_scope(engine) as s:
        assessments = [
            current_assessment(session=s, client_id=cid) for cid in s.scalars(select(Client.id))
        ]
        t = time.perf_counter()
        contexts = [
            client_report(session=s, assessment=a) for a in assessments[:limit] if a is not None
        ]
        t_ctx = time.perf_counter() - t
        t = time.perf_counter()
        for ctx in contexts:
            render_html("client", ctx)
        t_html = time.perf_counter() - t
    report(
        f"  of which: context {t_ctx / len(contexts) * 1000:.1f} ms/report, "
        f"charts + template {t_html / len(contexts) * 1000:.1f} ms/report"
    )
    with session_scope(engine) as s:
        t = time.perf_counter()
        render_client_report(session=s, client="CS-BACKPAGE", fmt=ReportFormat.PDF, reports_dir=out)
    report(f"case-study PDF (WeasyPrint): {time.perf_counter() - t:.2f} s")


def roster(clients: int) -> None:
    engine, folder = fresh_sqlite("roster.db")
    data = Path(tempfile.mkdtemp(prefix="dd-bench-scale-"))
    t = time.perf_counter()
    counts = generate_scale(data, clients=clients, signals_per_client=2.0)
    with session_scope(engine) as s:
        for kind in ("clients", "parties", "engagements", "signals"):
            import_file(session=s, path=data / f"{kind}.csv", kind=kind)  # type: ignore[arg-type]
    report(
        f"roster setup: {counts.clients:,} clients, {counts.parties:,} parties, "
        f"{counts.engagements:,} engagements, {counts.signals:,} signals imported in "
        f"{time.perf_counter() - t:.1f} s"
    )
    t = time.perf_counter()
    scorer = load_scorer(session=None, models_dir=MODELS)
    with session_scope(engine) as s:
        ids = list(s.scalars(select(Client.id).order_by(Client.id)))
        for as_of in (date(2018, 1, 1), date.today()):
            for start in range(0, len(ids), 2000):
                chunk = ids[start : start + 2000]
                store_results(
                    session=s,
                    results=score_clients(session=s, client_ids=chunk, as_of=as_of, model=scorer),
                    actor="bench",
                )
    report(f"  two assessments per client stored in {time.perf_counter() - t:.1f} s")
    out = folder / "reports"
    for fmt in (ReportFormat.HTML, ReportFormat.JSON):
        with session_scope(engine) as s:
            t = time.perf_counter()
            path, _ = render_roster_report(session=s, fmt=fmt, reports_dir=out, actor="bench")
            elapsed = time.perf_counter() - t
        report(
            f"roster report ({fmt.value}) of {clients:,} clients: {elapsed:.2f} s "
            f"(target <= 10 s), {path.stat().st_size / 1024:.0f} KiB"
        )
    with session_scope(engine) as s:
        t = time.perf_counter()
        path, _ = render_roster_report(session=s, reports_dir=out, actor="bench", kind="exposure")
        elapsed = time.perf_counter() - t
    report(
        f"exposure report (html) of {clients:,} clients: {elapsed:.2f} s (no target), "
        f"{path.stat().st_size / 1024:.0f} KiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--reports", type=int, default=302)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    report(f"load average at start: {load:.2f} on {os.cpu_count()} CPUs")
    client_reports(args.reports)
    roster(args.clients)
    report(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
