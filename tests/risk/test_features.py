"""Pure feature functions: only the public record at as_of counts; dismissals clear."""

from __future__ import annotations

from datetime import date

from duediligence.risk.features import (
    ClientRecord,
    SignalFact,
    adverse_category,
    compute_features,
    decay,
    effective_signals,
    jurisdiction_risk,
    ownership_opacity,
)


def _signal(
    i: int,
    when: str,
    label: str,
    severity: str | None = "allegation",
    kind: str = "news",
    title: str = "x",
) -> SignalFact:
    return SignalFact(
        i, title, kind, date.fromisoformat(when), f"src{i}", severity, 0.9, label, {label: 0.9}
    )


def _record(signals: list[SignalFact], as_of: str = "2020-01-01", **kw) -> ClientRecord:
    values = dict(
        client_id=1,
        as_of=date.fromisoformat(as_of),
        country="US",
        industry="software",
        products=["crm"],
        owners=[{"kind": "person", "role": "owner", "country": "US"}],
    )
    values.update(kw)
    return ClientRecord(signals=signals, **values)


def test_decay_halves_in_five_years() -> None:
    assert decay(date(2015, 1, 1), date(2015, 1, 1)) == 1.0
    assert 0.49 < decay(date(2010, 1, 1), date(2014, 12, 31)) < 0.51


def test_severity_raises_the_feature() -> None:
    fn = adverse_category("financial_crime")
    allegation = fn(_record([_signal(1, "2019-01-01", "fraud")])).value
    conviction = fn(_record([_signal(1, "2019-01-01", "fraud", "conviction")])).value
    assert 0 < allegation < conviction


def test_dismissal_clears_earlier_allegations_but_not_convictions() -> None:
    signals = [
        _signal(1, "2018-01-01", "fraud"),
        _signal(2, "2018-02-01", "fraud", "conviction"),
        _signal(3, "2019-01-01", "none", None, "legal_action", "Court dismisses fraud claim"),
    ]
    standing = effective_signals(_record(signals))
    assert [s.id for s in standing] == [2]


def test_jurisdiction_lists_are_dated() -> None:
    before = jurisdiction_risk(_record([], as_of="2010-01-01", country="KP")).value
    after = jurisdiction_risk(_record([], as_of="2012-01-01", country="KP")).value
    assert before < after == 1.0
    grey = jurisdiction_risk(_record([], as_of="2021-01-01", country="PK")).value
    delisted = jurisdiction_risk(_record([], as_of="2023-06-01", country="PK")).value
    assert grey == 0.6 and delisted == 0.0


def test_ownership_opacity() -> None:
    unknown = ownership_opacity(_record([], owners=[]))
    assert not unknown.known and unknown.value == 0.0  # no owner on file: nothing is scored
    offshore = [{"kind": "company", "role": "owner", "country": "VG"}]
    assert ownership_opacity(_record([], owners=offshore)).value == 0.75


def test_features_have_evidence() -> None:
    features = compute_features(_record([_signal(7, "2019-01-01", "human_trafficking")]))
    assert features["adverse_trafficking"].evidence[0]["id"] == 7
    assert set(features) >= {"industry_risk", "product_exposure", "sanctions_match"}


def test_sources_count_by_strength_and_name_their_best_item() -> None:
    strong = _signal(1, "2019-01-01", "fraud")
    weak = SignalFact(
        2, "y", "news", date(2019, 2, 1), "src1", "allegation", 0.3, "fraud", {"fraud": 0.5}
    )
    other = _signal(3, "2019-03-01", "fraud")
    feature = compute_features(_record([strong, weak, other]))["distinct_sources"]
    assert [e["id"] for e in feature.evidence] == [1, 3]  # src1's best item is the strong one
    assert {e["source"] for e in feature.evidence} == {"src1", "src3"}
    single = compute_features(_record([weak]))["distinct_sources"].value
    assert single < compute_features(_record([strong]))["distinct_sources"].value
