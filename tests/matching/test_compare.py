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
    # Legal forms as rigour's org-type database knows them, also multi-word ones.
    ("SINOTECH INDUSTRY CO., LTD.", "Sinotech Industry Limited", "Company"),
    ("COMERCIAL JOANA, S.A. DE C.V.", "Comercial Joana SA de CV", "Company"),
    ("ООО Ромашка", "Romashka LLC", "Company"),
    ("ABC Holding GmbH", "ABC Holding AG", "Company"),
    # Words written together or apart.
    ("HADDAD-ADEL, Gholamali", "HADDADADEL, Gholam-Ali", "Person"),
    ("Abd al Rahman Khalid", "Abdul Rahman Khalid", "Person"),
    ("DAH DASHT PETROCHEMICAL INDUSTRIES", "DAHDASHT PETROCHEMICAL INDUSTRIES", "Company"),
    # More scripts, transliteration spellings, patronymics.
    ("Αλέξανδρος Παπαδόπουλος", "Alexandros Papadopoulos", "Person"),
    ("Владимир Путин", "Vladimir Putin", "Person"),
    ("Hezbollah", "Hizballah", "Organization"),
    ("DOGAEV, Andrey", "DOGAYEV, Andrey Yuryevich", "Person"),
    ("Kim Jong Un", "KIM, Jong-un", "Person"),
    ("MV OCEAN STAR", "OCEAN STAR", "Vessel"),
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
    # Brothers: every name but the first is shared.
    ("Saja Barzan Ibrahim Hasan AL-TIKRITI", "Thoraya Barzan Ibrahim Hasan AL-TIKRITI", "Person"),
    ("Alpha Shipping 1 Ltd", "Alpha Shipping Ltd", "Company"),  # a number on one side only
    ("Kim", "Kim Jong Un", "Person"),  # short name inside a longer one
    ("Li Wei", "Li Wen", "Person"),
    ("Cobalt Capital", "INTERNATIONAL COBALT CO. INC.", "Company"),  # differing generic words
    ("Ocean Star 2", "Ocean Star 3", "Vessel"),
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


def test_explanation_names_each_reason() -> None:
    joined = compare_names("HADDAD-ADEL, Gholamali", "HADDADADEL, Gholam-Ali", "Person")
    assert "written together" in joined.explanation
    brothers = compare_names("Saja Barzan AL-TIKRITI", "Thoraya Barzan AL-TIKRITI", "Person")
    assert "saja vs thoraya differ: a different person?" in brothers.explanation
    extra = compare_names("DOGAEV, Andrey", "DOGAYEV, Andrey Yuryevich", "Person")
    assert "extra name(s) yuryevich" in extra.explanation
    assert "spelling variant" in extra.explanation
    legal = compare_names("Acme Trading LLC", "Acme Ltd", "Company")
    assert "'acme' ~ 'acme' (same)" in legal.explanation
    assert "ltd" not in legal.explanation and "llc" not in legal.explanation


def test_details_as_data() -> None:
    result = compare_names("Mohammed Salek", "Muhammad Salek Ahmed", "Person")
    details = result.details
    assert {m["left"] for m in details["matched"]} == {"mohammed", "salek"}
    assert details["unmatched_right"] == ["ahmed"]
    assert all(0 < m["similarity"] <= 1 for m in details["matched"])
    assert result.is_match() == (result.score >= DEFAULT_THRESHOLD)


def test_generic_words_weigh_little() -> None:
    # 'Trading' and 'Group' on one side only cost less than a distinctive word would.
    generic = compare_names("Falcon Logistics", "Falcon Logistics Trading Group", "Company").score
    distinct = compare_names("Falcon Logistics", "Falcon Logistics Horizon", "Company").score
    assert generic > distinct
    assert generic >= DEFAULT_THRESHOLD


def test_a_name_that_is_only_a_legal_form_still_compares() -> None:
    assert compare_names("AB", "AB", "Company").score == 1.0
