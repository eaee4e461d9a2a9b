"""Ingest benchmark: signals CSV into SQLite (target >= 20,000 rows/s) and the OFAC 2021 list
import (target <= 5 s).

    python benchmarks/ingest.py [--rows 200000]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_DATA, fresh_sqlite, peak_rss_mb, report

from duediligence.db.session import session_scope
from duediligence.ingest.roster import import_file
from duediligence.ingest.watchlists import import_watchlist

WORDS = [
    "regulator",
    "fines",
    "firm",
    "over",
    "laundering",
    "failures",
    "court",
    "charges",
    "director",
    "fraud",
    "scheme",
    "company",
    "opens",
    "new",
    "office",
    "partners",
    "with",
    "police",
    "against",
    "trafficking",
    "audit",
    "finds",
    "weak",
    "controls",
    "sanctions",
    "evasion",
    "shipment",
    "seized",
    "investigation",
    "bribery",
    "kickbacks",
]


def write_signals(path: Path, rows: int, clients: int) -> None:
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "signal_id",
                "client_ref",
                "kind",
                "title",
                "text",
                "source",
                "url",
                "published_at",
                "severity",
                "credibility",
            ]
        )
        for i in range(rows):
            title = " ".join(rng.choice(WORDS) for _ in range(8))
            w.writerow(
                [
                    f"s{i}",
                    f"B-{i % clients:06d}",
                    "news",
                    title,
                    title + ". " + " ".join(rng.choice(WORDS) for _ in range(30)),
                    f"Wire {i % 40}",
                    f"https://news.example/{i}",
                    f"20{10 + i % 16}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    "allegation",
                    "0.6",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=2_000)
    args = parser.parse_args()
    engine, folder = fresh_sqlite()
    clients = folder / "clients.csv"
    with clients.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["external_ref", "name", "country"])
        for i in range(args.clients):
            w.writerow([f"B-{i:06d}", f"Bench Company {i}", "US"])
    signals = folder / "signals.csv"
    write_signals(signals, args.rows, args.clients)
    with session_scope(engine) as s:
        import_file(session=s, path=clients, kind="clients")
    t = time.perf_counter()
    with session_scope(engine) as s:
        result = import_file(session=s, path=signals, kind="signals")
    elapsed = time.perf_counter() - t
    report(
        f"signals CSV -> SQLite: {result.inserted:,} rows in {elapsed:.2f} s = "
        f"{result.inserted / elapsed:,.0f} rows/s (target >= 20,000); "
        f"peak RSS {peak_rss_mb():.0f} MB"
    )
    t = time.perf_counter()
    with session_scope(engine) as s:
        again = import_file(session=s, path=signals, kind="signals")
    report(
        f"re-import (all duplicates): {again.unchanged:,} rows in {time.perf_counter() - t:.2f} s"
    )

    ofac = SHARED_DATA / "watchlists" / "ofac-sdn-2021"
    if not ofac.is_dir():
        report(f"OFAC list not found at {ofac}: skipped")
        return
    engine2, _ = fresh_sqlite("ofac.db")
    t = time.perf_counter()
    with session_scope(engine2) as s:
        wl = import_watchlist(session=s, path=ofac, fmt="ofac")
    report(
        f"OFAC 2021 import: {wl.entity_count:,} entities in {time.perf_counter() - t:.2f} s "
        "(target <= 5 s)"
    )
    un = SHARED_DATA / "watchlists" / "un" / "consolidated.xml"
    t = time.perf_counter()
    with session_scope(engine2) as s:
        wl = import_watchlist(session=s, path=un, fmt="un")
    report(
        f"UN consolidated import: {wl.entity_count:,} entities in {time.perf_counter() - t:.2f} s"
    )


if __name__ == "__main__":
    main()
