"""Web app benchmark: latency of the main pages and API calls, in process (FastAPI TestClient,
no network), over the sample roster and case study with the shipped models.

    python benchmarks/web.py [--rounds 30]

The real OFAC 2021 and UN lists are loaded from ../shared/data when present (otherwise the
match API screens against no list and its figure means little). Every client is screened and
assessed first; the index behind the match API is built by the first call, timed separately.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, SHARED_DATA, fresh_sqlite, report
from fastapi.testclient import TestClient
from sqlalchemy import select

from duediligence.accounts.tokens import issue_api_token
from duediligence.accounts.users import add_user
from duediligence.db.enums import Role
from duediligence.db.models import Client, Signal
from duediligence.db.session import session_scope
from duediligence.ingest.roster import import_file
from duediligence.ingest.watchlists import import_watchlist
from duediligence.matching import link_signals, screen_clients
from duediligence.modelstore import sync_active_from_disk
from duediligence.risk import score_clients, store_results
from duediligence.shipped import IMPORT_ORDER, sample_data_dir
from duediligence.signals import annotate_signals
from duediligence.web import create_app

PASSWORD = "benchmark password"
QUERIES = [
    ("Person", "Usama bin Ladin"),
    ("Company", "Banco Nacional de Cuba"),
    ("Person", "Kim Jong Un"),
    ("Company", "Backpage.com"),
    ("Person", "John Smith"),
    ("Company", "Islamic Revolutionary Guard Corps"),
    ("Person", "Joaquin Guzman Loera"),
    ("Company", "Harrow & Lyle Logistics"),
    ("Person", "Viktor Bout"),
    ("Company", "Rosneft"),
]


def seed(engine: object) -> str:
    folder = sample_data_dir()
    models = REPO / "models"
    with session_scope(engine) as session:  # type: ignore[arg-type]
        for kind, name in IMPORT_ORDER:
            import_file(session=session, path=folder / name, kind=kind, actor="bench")  # type: ignore[arg-type]
        sync_active_from_disk(session=session, models_dir=models, actor="bench")
        annotate_signals(
            session=session, signals=list(session.scalars(select(Signal))), models_dir=models
        )
        lists = [
            (SHARED_DATA / "watchlists" / "ofac-sdn-2021", "ofac"),
            (SHARED_DATA / "watchlists" / "un" / "consolidated.xml", "un"),
        ]
        for path, fmt in lists:
            if path.exists():
                import_watchlist(session=session, path=path, fmt=fmt, actor="bench")  # type: ignore[arg-type]
            else:
                report(f"(list not found, skipped: {path})")
        screen_clients(session=session, actor="bench")
        link_signals(session=session, actor="bench")
        ids = list(session.scalars(select(Client.id)))
        store_results(
            session=session,
            results=score_clients(session=session, client_ids=ids, as_of=date.today()),
            actor="bench",
        )
        add_user(session=session, username="admin", role=Role.ADMIN, password=PASSWORD, actor=None)
        add_user(
            session=session, username="rita", role=Role.REVIEWER, password=PASSWORD, actor="admin"
        )
        return issue_api_token(session=session, username="rita", actor="admin")


def timed(fn: object, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return times


def line(what: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    report(
        f"| {what} | {len(times)} | {statistics.median(times):.1f} ms | {p95:.1f} ms "
        f"| {1000 / statistics.mean(times):.1f}/s |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    engine, folder = fresh_sqlite("web.db")
    start = time.perf_counter()
    token = seed(engine)
    report(f"seeded in {time.perf_counter() - start:.1f} s ({folder})")
    app = create_app(engine, reports_dir=folder / "reports", secret_key="b" * 40)
    with TestClient(app) as client:
        page = client.get("/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        client.post("/login", data={"username": "rita", "password": PASSWORD, "csrf_token": csrf})
        assert client.get("/clients").status_code == 200
        auth = {"Authorization": f"Bearer {token}"}
        body = {
            "queries": {
                f"q{i}": {"schema": schema, "properties": {"name": [name]}}
                for i, (schema, name) in enumerate(QUERIES)
            }
        }
        first = time.perf_counter()
        answer = client.post("/api/match/default", json=body, headers=auth).json()
        matched = sum(
            1 for r in answer["responses"].values() if any(x["match"] for x in r["results"])
        )
        report(
            f"first match call: {time.perf_counter() - first:.2f} s (index already built by "
            f"roster screening); {matched} of {len(QUERIES)} queries have a match"
        )
        n = args.rounds
        report("| request | n | median | p95 | throughput |")
        report("|---|---|---|---|---|")
        line("GET /clients (roster, 25 rows)", timed(lambda: client.get("/clients"), n))
        line(
            "GET /clients?q=ma&tier=low&sort=name",
            timed(lambda: client.get("/clients?q=ma&tier=low&sort=name"), n),
        )
        line(
            "GET /clients/CS-BACKPAGE (report + knowability)",
            timed(lambda: client.get("/clients/CS-BACKPAGE"), n),
        )
        line("GET /clients/C-0001", timed(lambda: client.get("/clients/C-0001"), n))
        line("GET /queue", timed(lambda: client.get("/queue"), n))
        line(
            "POST /api/match/default (10 queries)",
            timed(lambda: client.post("/api/match/default", json=body, headers=auth), n),
        )
        line("GET /api/alerts", timed(lambda: client.get("/api/alerts", headers=auth), n))
        line(
            "GET /api/clients/CS-BACKPAGE/assessment",
            timed(lambda: client.get("/api/clients/CS-BACKPAGE/assessment", headers=auth), n),
        )


if __name__ == "__main__":
    main()
