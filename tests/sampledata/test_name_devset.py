"""The name-matching development set: size, every kind with both labels, origins, and that the
builder is deterministic. It holds real list names, so it is built from ``../shared`` and never
committed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sampledata.name_devset import (
    KINDS,
    DevPair,
    build_devset,
    is_name_variant,
    load_devset,
    write_devset,
)

ORIGINS = {"ofac-alt", "ofac-sdn", "un-original-script", "constructed-ofac", "constructed", "hand"}
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "watchlists"


@pytest.fixture(scope="module")
def pairs() -> list[DevPair]:
    if not (SHARED / "ofac-sdn-2021").is_dir():
        pytest.skip("real lists not found beside the repository")
    return build_devset(SHARED / "ofac-sdn-2021", SHARED / "un" / "consolidated.xml")


def test_devset_covers_every_kind(pairs: list[DevPair]) -> None:
    assert len(pairs) >= 1000
    labels = Counter((p.kind, p.match) for p in pairs)
    for kind in KINDS:
        assert labels[(kind, True)] >= 50 and labels[(kind, False)] >= 50, kind
    assert {p.origin for p in pairs} == ORIGINS
    assert all(p.left != p.right for p in pairs)


def test_the_builder_is_deterministic_and_round_trips(pairs: list[DevPair], tmp_path: Path) -> None:
    again = build_devset(SHARED / "ofac-sdn-2021", SHARED / "un" / "consolidated.xml")
    assert again == pairs
    write_devset(pairs, tmp_path / "pairs.csv")
    assert load_devset(tmp_path / "pairs.csv") == pairs


@pytest.mark.parametrize(
    "primary,alias",
    [
        ("OKAFOR, Chinedu Emeka", "OKAFOR, Chinedu"),  # a dropped middle name
        ("HADDAD, Youssef Karim", "HADDAD, Yusuf Karim"),  # a transliteration
        ("LINDQVIST, Elisabet", "LINDQVIST, Elis"),  # a short form
        ("BLUE HARBOR SHIPPING LLC", "BLUEHARBOR SHIPPING"),  # words written together
    ],
)
def test_alias_label_rule_keeps_name_variants(primary: str, alias: str) -> None:
    assert is_name_variant(primary, alias)


@pytest.mark.parametrize(
    "primary,alias",
    [
        ("OKAFOR, Chinedu Emeka", "OKAFOR, Obinna"),  # another given name
        ("VOLKOV, Pavel Igorevich", "SHTORM, Pavel"),  # a nom de guerre
        ("NORTHERN TRUST INVESTMENTS", "KUZEY YATIRIM"),  # a translation
    ],
)
def test_alias_label_rule_leaves_out_other_names_of_the_party(primary: str, alias: str) -> None:
    assert not is_name_variant(primary, alias)
