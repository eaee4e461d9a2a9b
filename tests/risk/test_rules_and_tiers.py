"""Hard rules, tier thresholds from a config file, and explanations (pure: no database)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from duediligence.config import get_settings
from duediligence.db.enums import Tier
from duediligence.errors import ConfigError
from duediligence.risk.assess import score_records
from duediligence.risk.features import ClientRecord, SignalFact, is_adverse
from duediligence.risk.model import Scorer, tier_for
from duediligence.risk.reference import lists_for, tier_thresholds


def _record(**kw) -> ClientRecord:  # type: ignore[no-untyped-def]
    values = dict(
        client_id=1,
        as_of=date(2020, 1, 1),
        country="US",
        industry="software",
        products=["crm"],
        owners=[{"kind": "person", "role": "owner", "country": "US"}],
    )
    values.update(kw)
    return ClientRecord(**values)


def _signal(i: int, label: str, when: str = "2019-06-01", **kw) -> SignalFact:  # type: ignore[no-untyped-def]
    values = dict(
        id=i,
        title=f"item {i}",
        kind="news",
        published_at=date.fromisoformat(when),
        source=f"source {i}",
        severity="allegation",
        credibility=0.9,
        label=label,
        probabilities={label: 0.9, "none": 0.02},
    )
    values.update(kw)
    return SignalFact(**values)


@pytest.fixture
def tiers_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def use(text: str) -> None:
        path = tmp_path / "tiers.toml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("DD_TIERS_FILE", str(path))
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


def test_default_thresholds_come_from_the_packaged_file() -> None:
    medium, high = tier_thresholds()
    assert 0 < medium < high < 1
    assert tier_for(high, []) == Tier.HIGH
    assert tier_for(medium, []) == Tier.MEDIUM
    assert tier_for(medium - 0.01, []) == Tier.LOW


def test_thresholds_file_overrides(tiers_file) -> None:  # type: ignore[no-untyped-def]
    tiers_file("[thresholds]\nmedium = 0.05\nhigh = 0.10\n")
    assert tier_thresholds() == (0.05, 0.10)
    assert tier_for(0.07, []) == Tier.MEDIUM and tier_for(0.2, []) == Tier.HIGH


@pytest.mark.parametrize(
    "text",
    ["[thresholds]\nmedium = 0.7\nhigh = 0.3\n", "[thresholds]\nmedium = 0.3\n", "not toml ["],
)
def test_bad_thresholds_file_is_a_config_error(tiers_file, text: str) -> None:  # type: ignore[no-untyped-def]
    tiers_file(text)
    with pytest.raises(ConfigError, match="tiers"):
        tier_thresholds()


def test_sanctions_match_is_prohibited_whatever_the_score() -> None:
    match = {
        "match_id": 9,
        "subject": "Y",
        "entity": "X",
        "list": "test-sdn",
        "source_id": "1",
        "programs": ["SDGT"],
        "topics": ["sanction"],
        "score": 0.97,
        "raised_on": "2020-01-01",
        "known_since": "2019-05-01",
        "known_since_source": "listed 2019-05-01 (test)",
    }
    [result] = score_records([_record(confirmed_matches=[match])], Scorer.fallback())
    assert result.tier == Tier.PROHIBITED
    assert [h["rule"] for h in result.rule_hits] == ["confirmed_sanctions_match"]
    assert "listed 2019-05-01" in result.rule_hits[0]["description"]


def test_call_for_action_jurisdiction_is_at_least_high() -> None:
    # North Korea has been on the FATF call-for-action list since 2011, not before
    before, after = score_records(
        [
            _record(country="KP", as_of=date(2010, 6, 1)),
            _record(country="KP", as_of=date(2012, 6, 1)),
        ],
        Scorer.fallback(),
    )
    assert after.tier == Tier.HIGH and after.probability < tier_thresholds()[1]
    assert "call_for_action_jurisdiction" in [h["rule"] for h in after.rule_hits]
    assert before.tier.rank < Tier.HIGH.rank


def test_owner_jurisdiction_counts_too() -> None:
    owners = [{"kind": "company", "role": "owner", "country": "IR"}]
    [result] = score_records([_record(owners=owners)], Scorer.fallback())
    assert result.tier.rank >= Tier.HIGH.rank


def test_dated_lists_use_the_list_in_force() -> None:
    assert "eu_high_risk" in lists_for("PK", date(2020, 1, 1))
    assert "eu_high_risk" not in lists_for("PK", date(2023, 6, 1))  # delisted 2023-03-13
    assert "eu_high_risk" not in lists_for("AE", date(2022, 12, 31))  # listed 2023-03-13
    assert "eu_high_risk" in lists_for("AE", date(2023, 3, 13))


def test_explanation_lists_top_features_with_their_signals() -> None:
    signals = [
        _signal(1, "human_trafficking", kind="legal_action", severity="charge"),
        _signal(2, "human_trafficking", when="2019-08-01"),
        _signal(3, "money_laundering"),
        _signal(4, "none", probabilities={"none": 0.9}),
    ]
    [result] = score_records(
        [_record(signals=signals, industry="online_classifieds")], Scorer.fallback()
    )
    factors = result.explanation["factors"]
    contributions = [f["contribution"] for f in factors]
    assert contributions == sorted(contributions, reverse=True) and len(factors) <= 5
    by_feature = {f["feature"]: f for f in factors}
    assert {s["id"] for s in by_feature["adverse_trafficking"]["signals"]} == {1, 2}
    assert {s["id"] for s in by_feature["adverse_financial_crime"]["signals"]} == {3}
    for factor in factors:
        for s in factor["signals"]:
            assert {"id", "title", "published_at", "label", "weight"} <= set(s)
    assert result.explanation["summary"].startswith(result.tier.value)
    # the charge by an authority also fires a hard rule, which names its signal
    rules = {h["rule"]: h for h in result.explanation["rules"]}
    assert rules["official_trafficking_finding"]["signals"] == [1]
    assert result.tier.rank >= Tier.HIGH.rank


def test_near_tie_with_none_is_not_adverse_evidence() -> None:
    undecided = _signal(
        1, "human_trafficking", probabilities={"human_trafficking": 0.35, "none": 0.33}
    )
    decided = _signal(2, "human_trafficking", probabilities={"human_trafficking": 0.6, "none": 0.1})
    assert not is_adverse(undecided) and is_adverse(decided)
    assert is_adverse(_signal(3, "fraud", probabilities=None))  # labelled by a person


def test_future_signals_are_ignored_by_pure_scoring() -> None:
    later = _signal(1, "human_trafficking", when="2021-01-01")
    now, then = score_records(
        [_record(signals=[]), _record(signals=[later], as_of=date(2021, 6, 1))], Scorer.fallback()
    )
    assert then.probability > now.probability


def test_inputs_hash_is_canonical_json_of_the_inputs() -> None:
    from duediligence.jsonutil import canonical_json, sha256_text
    from duediligence.risk.assess import _inputs_hash

    record = _record(signals=[_signal(1, "fraud"), _signal(2, "none", severity=None)])
    record.engagement_kinds = ["contract", "custom_build"]
    expected = sha256_text(
        canonical_json(
            {
                "client": 1,
                "as_of": record.as_of,
                "profile": 3,
                "signals": [(1, "fraud", "allegation", None), (2, "none", None, None)],
                "matches": [],
                "pending": [],
                "engagements": ["contract", "custom_build"],
                "model": "risk-x",
            }
        )
    )
    assert _inputs_hash(record, 3, "risk-x") == expected
