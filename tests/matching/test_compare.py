"""compare_names: the complaints users file against screening tools, as a table."""

from __future__ import annotations

import pytest

from duediligence.matching import DEFAULT_THRESHOLD, compare_names

MATCHES = [
    ("SALEK, ABDULHAI", "ABDULHAI SALEK", "Person"),
    ("Mohammed Salek", "Muhammad Salek", "Person"),
    ("Mohamed Salek", "Mohammed Salek", "Person"),  # doubled letter
    ("Cifuentes Villa", "Cifuentez Villa", "Person"),  # typo
    ("Мухаммад Салек", "Muhammad Salek", "Person"),  # Cyrillic
    ("محمد صالح", "Mohamed Saleh", "Person"),  # Arabic
    ("李伟", "Li Wei", "Person"),  # Chinese
    ("J. Smith", "John Smith", "Person"),  # initial
    ("Jorge Milton Cifuentes Villa", "Jorge Cifuentes Villa", "Person"),  # missing middle name
    ("Acme Holding Ltd", "ACME HOLDING LIMITED", "Company"),  # legal form spelling
    ("Acme Trading LLC", "Acme Ltd", "Company"),  # legal forms and generic words weigh little
    ("Banco Nacional de Cuba", "National Bank of Cuba", "Company"),
]
NON_MATCHES = [
    ("11420 CORP", "BELLETECH CORP", "Company"),  # numbers differ
    ("Unit 7 Holdings", "Unit 8 Holdings", "Company"),
    ("EMMA LLC", "emma daniels", "LegalEntity"),  # person inside company name
    ("John Smith", "Peter Smith", "Person"),  # same surname, different person
    ("Emma", "Emma Daniels", "Person"),  # short name
    ("Gazprom", "Gazprombank", "Company"),
    ("Garnet Casino", "Grand Casino", "Company"),
    ("Falcon Trading Group", "Horizon Trading Group", "Company"),  # only generic words shared
]


@pytest.mark.parametrize("a,b,schema", MATCHES)
def test_matches(a: str, b: str, schema: str) -> None:
    result = compare_names(a, b, schema)
    assert result.score >= DEFAULT_THRESHOLD, result.explanation
    assert result.explanation


@pytest.mark.parametrize("a,b,schema", NON_MATCHES)
def test_non_matches(a: str, b: str, schema: str) -> None:
    result = compare_names(a, b, schema)
    assert result.score < DEFAULT_THRESHOLD, result.explanation


def test_score_is_symmetric_and_bounded() -> None:
    for a, b, schema in MATCHES + NON_MATCHES:
        s1 = compare_names(a, b, schema).score
        s2 = compare_names(b, a, schema).score
        assert 0.0 <= s1 <= 1.0
        assert abs(s1 - s2) < 0.05


def test_explanations_say_why() -> None:
    assert "numbers differ" in compare_names("11420 CORP", "BELLETECH CORP", "Company").explanation
    assert "person" in compare_names("EMMA LLC", "emma daniels", "LegalEntity").explanation
    assert "sounds" in compare_names("Mohammed Salek", "Muhammad Salek", "Person").explanation
    assert compare_names("", "x").score == 0.0
