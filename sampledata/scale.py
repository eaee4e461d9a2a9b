"""Scale generator: large, importable roster files for benchmarks (100k clients, 1M signals).

Speed comes from precomputed pools: every text is drawn from a few hundred pre-generated
articles, and rows are written with the csv module without per-row validation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from duediligence import csvutil
from sampledata.roster import (
    CLIENT_COLUMNS,
    COUNTRIES,
    ENGAGEMENT_COLUMNS,
    FAMILY,
    GIVEN,
    NAME_A,
    ORDINARY_INDUSTRIES,
    PARTY_COLUMNS,
    RISKY_INDUSTRIES,
    SIGNAL_COLUMNS,
)
from sampledata.texts import LABELS, article


@dataclass(frozen=True)
class ScaleCounts:
    """How many rows were written."""

    clients: int
    parties: int
    engagements: int
    signals: int


def generate_scale(
    output: Path, *, clients: int, signals_per_client: float, seed: int = 1
) -> ScaleCounts:
    """Write clients/parties/engagements/signals CSVs for ``clients`` clients into ``output``."""
    rng = random.Random(seed)
    output.mkdir(parents=True, exist_ok=True)
    pool = []
    for i in range(400):
        label = "none" if i % 3 else LABELS[i % 13]
        art = article(label, rng, org="{org}", length=rng.choice(["short", "brief"]))
        pool.append((art.title, art.text))
    industries = ORDINARY_INDUSTRIES * 6 + RISKY_INDUSTRIES
    severities = ["", "", "allegation", "charge", "conviction"]
    base = date(2010, 1, 1)
    total_signals = 0
    n_parties = n_eng = 0
    with (
        (output / "clients.csv").open("w", newline="", encoding="utf-8") as fc,
        (output / "parties.csv").open("w", newline="", encoding="utf-8") as fp,
        (output / "engagements.csv").open("w", newline="", encoding="utf-8") as fe,
        (output / "signals.csv").open("w", newline="", encoding="utf-8") as fs,
    ):
        wc, wp, we, ws = (csvutil.writer(f) for f in (fc, fp, fe, fs))
        wc.writerow(CLIENT_COLUMNS)
        wp.writerow(PARTY_COLUMNS)
        we.writerow(ENGAGEMENT_COLUMNS)
        ws.writerow(SIGNAL_COLUMNS)
        for i in range(clients):
            ref = f"S-{i:07d}"
            name = f"{NAME_A[i % len(NAME_A)]} {i:07d} Trading"
            country = COUNTRIES[i % len(COUNTRIES)]
            onboarded = base + timedelta(days=rng.randrange(5000))
            wc.writerow(
                [
                    ref,
                    name,
                    "",
                    "Ltd",
                    country,
                    f"R{i}",
                    "",
                    "",
                    industries[i % len(industries)],
                    "crm",
                    "active",
                    onboarded.isoformat(),
                    "",
                    "",
                    "10000",
                ]
            )
            wp.writerow(
                [
                    ref,
                    f"{ref}-P1",
                    f"{GIVEN[i % 30]} {FAMILY[(i // 30) % 30]}",
                    "person",
                    "owner",
                    "100",
                    "",
                    country,
                ]
            )
            we.writerow([ref, f"{ref}-E1", onboarded.isoformat(), "contract", "Licence", "10000"])
            n_parties += 1
            n_eng += 1
            k = int(signals_per_client) + (1 if rng.random() < signals_per_client % 1 else 0)
            for j in range(k):
                title, text = pool[rng.randrange(len(pool))]
                when = base + timedelta(days=rng.randrange(6000))
                ws.writerow(
                    [
                        f"{ref}-S{j}",
                        ref,
                        name,
                        "news",
                        title.replace("{org}", name),
                        text.replace("{org}", name),
                        "Wire",
                        "",
                        when.isoformat(),
                        severities[j % 5],
                        "",
                    ]
                )
            total_signals += k
    return ScaleCounts(clients, n_parties, n_eng, total_signals)
