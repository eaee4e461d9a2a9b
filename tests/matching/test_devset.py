"""F1 and precision on the held-out half of the OFAC-derived name-pair set."""

from __future__ import annotations

from pathlib import Path

import pytest

from duediligence.matching import DEFAULT_THRESHOLD, compare_names
from sampledata.name_pairs import f1_report, generate_name_pairs

pytestmark = pytest.mark.slow  # generates the name-pair dev set and measures F1 on it


@pytest.fixture(scope="module")
def test_pairs() -> list:
    folder = (
        Path(__file__).resolve().parents[3] / "shared" / "data" / "watchlists" / "ofac-sdn-2021"
    )
    if not folder.is_dir():
        pytest.skip("OFAC files not found beside the repository")
    return [p for p in generate_name_pairs(folder) if p.split == "test"]


@pytest.mark.parametrize("schema", ["Person", "Company"])
def test_f1_on_held_out_pairs(test_pairs: list, schema: str) -> None:
    pairs = [
        p
        for p in test_pairs
        if p.schema == schema or (schema == "Person" and p.schema == "LegalEntity")
    ]
    scores = [compare_names(p.left, p.right, p.schema).score for p in pairs]
    report = f1_report(pairs, scores, DEFAULT_THRESHOLD)
    assert report["n"] > 1000
    assert report["precision"] >= 0.85, report
    assert report["f1"] >= 0.85, report


def test_cross_script_pairs_match(test_pairs: list) -> None:
    cross = [p for p in test_pairs if p.kind.startswith("cross-script")]
    scores = [compare_names(p.left, p.right, p.schema).score for p in cross]
    recall = sum(s >= DEFAULT_THRESHOLD for s in scores) / len(scores)
    assert recall >= 0.85
