"""The real labelled news: label policy, entity split, and what the shipped model records."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from duediligence.errors import InputError
from duediligence.jsonutil import sha256_file
from duediligence.modelstore import active_versions, load_model
from duediligence.signals import realnews

REAL = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "adverse-media" / realnews.FILE_NAME
)
needs_real = pytest.mark.skipif(not REAL.is_file(), reason="../shared/data not present")


def test_label_policy_on_a_small_file(tmp_path: Path) -> None:
    path = tmp_path / "t.csv.gz"
    rows = [
        "file,title,article,entity_name,entity_type,url,source,label,explanation",
        "adverse,A,body a,Acme,company,u1,s,am,",
        "adverse,B,body b,Acme,company,u2,s,,",
        "non_adverse,C,body c,Bob,person,u3,s,,",
        "non_adverse,D,body d,Bob,person,u4,s,am,reassessed",
        "adverse,E,body e,Carl,person,u5,s,delete,duplicate",
        "adverse,F,body f,Dora,person,u6,s,doubt,",
        'adverse,G,body g,Eve,person,u7,s,"am, doubt",',
    ]
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(rows) + "\n")
    articles, counts = realnews.read_articles(path)
    assert [(a.title, a.adverse) for a in articles] == [
        ("A", True),
        ("B", True),
        ("C", False),
        ("D", True),
    ]
    assert counts["dropped:delete"] == 1 and counts["dropped:am, doubt"] == 1
    with pytest.raises(InputError):
        realnews.read_articles(tmp_path / "missing.csv.gz")


def test_split_keeps_entities_and_duplicate_texts_on_one_side() -> None:
    a = realnews.Article
    articles = [
        a("t1", "same story text", "Acme", True),
        a("t2", "other", "ACME", False),
        a("t3", "same story text", "Bob", True),  # same text as t1: same group as Acme
        a("t4", "x", "Carl", False),
        a("t5", "y", "", True),
        a("t6", "z", "Dora", False),
    ]
    train, test, groups = realnews.split_by_entity(articles, seed=1)
    assert sorted(train + test) == list(range(6))
    assert groups[0] == groups[1] == groups[2]
    assert {0, 1, 2} <= set(train) or {0, 1, 2} <= set(test)


@needs_real
def test_real_file_split_by_entity() -> None:
    articles, counts = realnews.read_articles(REAL)
    assert 1100 < len(articles) < 1293
    assert not any(k.startswith("kept:delete") for k in counts)
    train, test, _groups = realnews.split_by_entity(articles)
    ents = lambda idx: {articles[i].entity.casefold() for i in idx if articles[i].entity}  # noqa: E731
    assert not ents(train) & ents(test)
    assert abs(len(train) - len(test)) < 150


@needs_real
def test_shipped_model_records_its_real_news_data() -> None:
    models = Path(__file__).resolve().parents[2] / "models"
    manifest = load_model(models, active_versions(models)["signals"]).manifest
    assert manifest.extra["real_news_data_hash"] == sha256_file(REAL)
    card = (models / f"{manifest.version}.card.md").read_text("utf-8")
    assert manifest.extra["real_news_data_hash"] in card
    real = manifest.metrics["real_news"]
    assert "Brier" in card and "| P(adverse) |" in card and real["reliability"]
    # The shipped model is on a par with the naive Bayes peer on real news (0.906 vs 0.909 since
    # the corpus gained trafficking arrests and convictions; the bootstrap interval is ±0.02):
    # it must not fall clearly below it. Issue 16's target, the peer + 0.02, is not met.
    assert real["f1"] > real["naive_bayes_f1"] - 0.01
