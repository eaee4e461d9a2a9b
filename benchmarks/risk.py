"""Risk and classifier benchmark: adverse-media classification throughput on short texts
(target >= 2,000 texts/s) and the time to assess one client with 100 signals (target <= 5 ms).

    python benchmarks/risk.py [--texts 20000] [--assessments 300]
    DD_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        python benchmarks/risk.py             # also assess on PostgreSQL (a fresh schema)

Uses the shipped models in models/ and a fresh SQLite database in a temporary folder.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO, fresh_sqlite, peak_rss_mb, postgres_scratch_engine, report
from sqlalchemy import Engine

from duediligence.db.enums import EngagementKind, PartyKind, PartyRole, Severity, SignalKind
from duediligence.db.models import Client, Engagement, Party, Signal
from duediligence.db.session import session_factory
from duediligence.risk import assess_client, load_scorer
from duediligence.risk.assess import load_records, score_records
from duediligence.sampledata.texts import LABELS, article
from duediligence.signals.classifier import active_signals_model, classify_with

MODELS = REPO / "models"


def short_texts(n: int, seed: int = 11) -> list[str]:
    """Headlines and one-sentence briefs of every label (the shape of feed items)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        item = article(LABELS[i % len(LABELS)], rng, length=rng.choice(["short", "brief"]))
        out.append(item.title if not item.text else f"{item.title}. {item.text}")
    return out


def bench_classifier(n: int) -> None:
    loaded = active_signals_model(MODELS)
    texts = short_texts(n)
    words = sum(len(t.split()) for t in texts) / len(texts)
    classify_with(loaded, texts[:200])  # warm up
    best = 0.0
    for _ in range(3):
        t = time.perf_counter()
        results = classify_with(loaded, texts)
        best = max(best, len(texts) / (time.perf_counter() - t))
    adverse = sum(r.adverse for r in results)
    report(
        f"classify {n:,} short texts ({words:.0f} words on average, {adverse:,} adverse) with "
        f"{loaded.version}: {best:,.0f} texts/s, best of 3 (target >= 2,000)"
    )
    rng = random.Random(3)
    long = [article(rng.choice(LABELS), rng, length="long").text * 8 for _ in range(100)]
    long_words = sum(len(t.split()) for t in long) / len(long)
    t = time.perf_counter()
    classify_with(loaded, long)
    report(
        f"classify 100 long articles (~{long_words:,.0f} words each): "
        f"{100 / (time.perf_counter() - t):,.0f} articles/s (no target)"
    )


def seed_client(session, n_signals: int, seed: int = 5) -> str:  # type: ignore[no-untyped-def]
    """One client with owners, engagements and ``n_signals`` classified signals."""
    rng = random.Random(seed)
    client = Client(
        external_ref="BENCH-1",
        name="Bench Marketplace Ltd",
        country="GB",
        industry="online_classifieds",
        products=["crm", "messaging_sms", "custom_api"],
    )
    session.add(client)
    session.flush()
    session.add_all(
        [
            Party(
                client_id=client.id,
                kind=PartyKind.PERSON,
                role=PartyRole.OWNER,
                party_key="o1",
                name="Owner One",
                country="GB",
            ),
            Party(
                client_id=client.id,
                kind=PartyKind.COMPANY,
                role=PartyRole.OWNER,
                party_key="o2",
                name="Holding BVI Ltd",
                country="VG",
            ),
        ]
    )
    start = date(2012, 1, 1)
    session.add_all(
        Engagement(
            client_id=client.id,
            engagement_key=f"e{i}",
            kind=rng.choice(list(EngagementKind)),
            date=start + timedelta(days=60 * i),
            description=f"engagement {i}",
        )
        for i in range(40)
    )
    loaded = active_signals_model(MODELS)
    items = [article(LABELS[i % len(LABELS)], rng, org=client.name) for i in range(n_signals)]
    verdicts = classify_with(loaded, [f"{a.title}. {a.text}" for a in items])
    for i, (item, verdict) in enumerate(zip(items, verdicts, strict=True)):
        session.add(
            Signal(
                client_id=client.id,
                kind=SignalKind.NEWS if i % 4 else SignalKind.LEGAL_ACTION,
                title=item.title,
                text=item.text,
                source=f"Source {i % 17}",
                published_at=start + timedelta(days=30 * i),
                content_hash=hashlib.sha256(f"bench-{i}".encode()).hexdigest(),
                severity=rng.choice([Severity.ALLEGATION, Severity.CHARGE, None]),
                credibility=rng.choice([0.5, 0.7, 0.9]),
                label=verdict.label,
                label_probabilities=verdict.probabilities,
                model_version=verdict.model_version,
            )
        )
    session.commit()
    return client.external_ref


def bench_assess(n_signals: int, runs: int, engine: Engine | None = None) -> None:
    """Assess one seeded client ``runs`` times (SQLite unless ``engine`` is given)."""
    engine = engine or fresh_sqlite("risk.db")[0]
    backend = engine.dialect.name
    with session_factory(engine)() as session:
        ref = seed_client(session, n_signals)
        as_of = date(2021, 6, 1)
        for _ in range(20):  # warm up: model load, statement caches
            assess_client(session=session, client=ref, as_of=as_of, actor="bench")
        session.commit()
        times = []
        cpu = []
        for _ in range(runs):
            t, c = time.perf_counter(), time.process_time()
            assessment = assess_client(session=session, client=ref, as_of=as_of, actor="bench")
            session.commit()
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        record = load_records(session=session, client_ids=[assessment.client_id], as_of=as_of)[0]
        scorer = load_scorer(session=session)
        pure = []
        for _ in range(runs):
            t = time.perf_counter()
            score_records([record], scorer)
            pure.append((time.perf_counter() - t) * 1000)
    times.sort()
    report(
        f"assess a client with {len(record.signals)} signals as of {as_of} ({backend}, stored, "
        f"audited, committed), {runs} runs: median {statistics.median(times):.2f} ms, "
        f"p95 {times[int(0.95 * len(times)) - 1]:.2f} ms (target <= 5 ms); CPU time median "
        f"{statistics.median(cpu):.2f} ms; tier {assessment.tier.value}"
    )
    report(
        f"  of which pure scoring (features, model, rules, explanation): "
        f"median {statistics.median(pure):.2f} ms"
    )


def load_note() -> str:
    """The 1-minute load average and core count (timings are wall-clock)."""
    try:
        return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    except OSError:
        return "load average unknown"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=20_000)
    parser.add_argument("--signals", type=int, default=100)
    parser.add_argument("--assessments", type=int, default=300)
    args = parser.parse_args()
    report(f"start: {load_note()}")
    bench_classifier(args.texts)
    bench_assess(args.signals, args.assessments)
    pg = os.environ.get("DD_BENCH_POSTGRES_URL")
    if pg:
        with postgres_scratch_engine(pg) as engine:
            bench_assess(args.signals, args.assessments, engine)
    report(f"end: {load_note()}; peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
