"""The shipped sample data: reproducible from its seeded generator, and shaped as promised."""

from __future__ import annotations

import csv
import filecmp
import json
import random
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duediligence.db.models import Client, Engagement, Party, Signal
from duediligence.ingest.roster import import_file
from duediligence.sampledata.media_corpus import write_corpus
from duediligence.sampledata.roster import SANCTIONED_OWNERS, write_sample_data
from duediligence.sampledata.scale import generate_scale
from duediligence.sampledata.texts import EXTRA_FILLER, FILLER, fill
from duediligence.shipped import sample_data_dir
from duediligence.signals.taxonomy import LABELS
from duediligence.signals.training import long_variant

SAMPLE = sample_data_dir()
GENERATED = [
    "clients.csv",
    "parties.csv",
    "engagements.csv",
    "signals.csv",
    "labels.csv",
    "case_study/clients.csv",
    "case_study/parties.csv",
    "case_study/engagements.csv",
    "case_study/signals.csv",
    "corpus/adverse_media_train.jsonl",
    "corpus/adverse_media_dev.jsonl",
    "corpus/filler.json",
]


def _rows(name: str) -> list[dict[str, str]]:
    with (SAMPLE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _corpus(split: str) -> list[dict[str, str]]:
    path = SAMPLE / "corpus" / f"adverse_media_{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    write_sample_data(tmp_path)
    write_corpus(tmp_path / "corpus")
    changed = [n for n in GENERATED if not filecmp.cmp(tmp_path / n, SAMPLE / n, shallow=False)]
    assert changed == [], f"regenerate with `duediligence sample roster`: {changed} differ"


def test_long_articles_from_the_filler_file_are_the_generators_own(tmp_path: Path) -> None:
    """Training pads texts from ``corpus/filler.json`` without importing the generator; the
    padding is the same text the generator's own ``fill`` gives for the seed."""
    texts = [r["text"] for r in _corpus("dev")[:25]]
    rng = random.Random(7)
    expected = []
    for text in texts:
        padding: list[str] = []
        while sum(len(p.split()) for p in padding) < 300:
            padding.append(fill(rng.choice(FILLER + EXTRA_FILLER), rng, "The company"))
        title, _, body = text.partition("\n")
        half = len(padding) // 2
        expected.append(
            f"{title}\n\n" + " ".join([*padding[:half], body.strip(), *padding[half:]]).strip()
        )
    assert long_variant(texts, words=300, seed=7) == expected
    assert long_variant(texts, words=300, seed=8) != expected


def test_roster_size_mix_and_labels() -> None:
    clients = _rows("clients.csv")
    assert 280 <= len(clients) <= 320
    assert len({c["industry"] for c in clients}) >= 15
    assert len({c["country"] for c in clients}) >= 15
    risky = {"online_classifieds", "adult_entertainment", "gambling", "crypto_exchange"}
    assert len([c for c in clients if c["industry"] in risky]) >= 10
    labels = {r["client_ref"]: r for r in _rows("labels.csv")}
    refs = {c["external_ref"] for c in clients} | {
        c["external_ref"] for c in _rows("case_study/clients.csv")
    }
    assert set(labels) == refs, "every client has exactly one outcome label"
    assert all(r["outcome"] in {"escalate", "clear"} and r["rationale"] for r in labels.values())
    share = sum(r["outcome"] == "escalate" for r in labels.values()) / len(labels)
    assert 0.05 <= share <= 0.30, "most clients are ordinary"


def test_signals_base_rate_escalation_and_hard_negatives() -> None:
    signals = _rows("signals.csv")
    clients = _rows("clients.csv")
    with_signal = {s["client_ref"] for s in signals if s["client_ref"]}
    assert len(with_signal) < len(clients) * 0.8, "many clients have no news at all"
    stages_by_subject: dict[str, set[str]] = {}
    for s in signals:
        stages_by_subject.setdefault(s["subject_name"], set()).add(s["severity"])
    escalated = [v for v in stages_by_subject.values() if {"allegation", "conviction"} <= v]
    assert escalated, "bad actors escalate from allegation to conviction"
    titles = " ".join(s["title"].lower() for s in signals)
    assert "traffick" in titles and any(w in titles for w in ("fight", "partner", "coalition"))
    assert {s["kind"] for s in signals} >= {"news", "legal_action", "regulatory_action"}
    assert all(date.fromisoformat(s["published_at"]) for s in signals)
    assert any(len(s["text"]) > 400 for s in signals), "some article-length bodies"


def test_name_collisions_exist() -> None:
    names = Counter(c["name"] for c in _rows("clients.csv"))
    subjects = {s["subject_name"] for s in _rows("signals.csv") if not s["client_ref"]}
    assert any(name in subjects for name in names), "a clean client shares a name with a bad one"


def test_case_study_facts() -> None:
    clients = {c["external_ref"]: c for c in _rows("case_study/clients.csv")}
    assert set(clients) == {"CS-BACKPAGE", "CS-SAFEMARKET", "CS-DISMISSED"}
    assert clients["CS-BACKPAGE"]["country"] == "US"
    engagements = [
        e for e in _rows("case_study/engagements.csv") if e["client_ref"] == "CS-BACKPAGE"
    ]
    first = min(date.fromisoformat(e["date"]) for e in engagements)
    assert first.year == 2013 and first.month == 11
    consultations = [
        e
        for e in engagements
        if e["kind"] == "consultation"
        and date(2013, 11, 1) <= date.fromisoformat(e["date"]) <= date(2017, 4, 30)
    ]
    assert len(consultations) >= 5
    kinds = {e["kind"] for e in engagements}
    assert {"contract", "consultation", "custom_build"} <= kinds
    signals = [s for s in _rows("case_study/signals.csv") if s["client_ref"] == "CS-BACKPAGE"]
    years = {date.fromisoformat(s["published_at"]).year for s in signals}
    assert {2008, 2010, 2011, 2015, 2016, 2017, 2018} <= years
    assert min(date.fromisoformat(s["published_at"]) for s in signals) < first
    party_kinds = {
        p["kind"] for p in _rows("case_study/parties.csv") if p["client_ref"] == "CS-BACKPAGE"
    }
    assert "person" not in party_kinds, "the real case names no individuals"


def test_adverse_media_corpus_shape() -> None:
    train, dev = _corpus("train"), _corpus("dev")
    assert len(train) + len(dev) >= 2000
    counts = Counter(r["label"] for r in train + dev)
    assert set(counts) == set(LABELS)
    assert all(n >= 100 for n in counts.values())
    assert counts["none"] >= 400
    assert not {r["text"] for r in train} & {r["text"] for r in dev}, "no text in both splits"
    lengths = sorted(len(r["text"]) for r in train)
    assert lengths[len(lengths) // 10] < 120 < lengths[-len(lengths) // 10], "varied lengths"


def test_sanctioned_owners_are_real_list_entries(shared_data: Path) -> None:
    folder = shared_data / "watchlists" / "ofac-sdn-2021"
    text = "\n".join(
        (folder / name).read_text(encoding="latin-1").upper() for name in ("sdn.csv", "alt.csv")
    )
    for owner in SANCTIONED_OWNERS:
        tokens = owner["name"].upper().replace(".", "").split()
        assert all(t in text for t in tokens), owner["name"]


def test_scale_generator_is_seeded_and_importable(tmp_path: Path, session: Session) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    counts = generate_scale(a, clients=50, signals_per_client=4, seed=7)
    generate_scale(b, clients=50, signals_per_client=4, seed=7)
    for name in ("clients.csv", "parties.csv", "engagements.csv", "signals.csv"):
        assert filecmp.cmp(a / name, b / name, shallow=False)
    for kind in ("clients", "parties", "engagements", "signals"):
        result = import_file(session=session, path=a / f"{kind}.csv", kind=kind, actor="test")
        assert result.rejected == 0
    session.commit()
    assert session.scalar(select(func.count()).select_from(Client)) == counts.clients == 50
    assert session.scalar(select(func.count()).select_from(Party)) == counts.parties
    assert session.scalar(select(func.count()).select_from(Engagement)) == counts.engagements
    assert session.scalar(select(func.count()).select_from(Signal)) == counts.signals


@pytest.mark.parametrize("name", GENERATED)
def test_committed_files_are_utf8_without_bom(name: str) -> None:
    raw = (SAMPLE / name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    raw.decode("utf-8")
