"""The report JSON format: docs/report-json.md against the types of
duediligence/reporting/schema.py (every documented key exists, every key is documented, object by
object), and real reports against those types (exactly the keys, values of the declared kinds)."""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints, is_typeddict

import pytest
from sqlalchemy.orm import Session

from duediligence.reporting import schema
from duediligence.reporting.context import client_report, exposure_report, roster_report
from duediligence.reporting.signing import content_digest
from tests.reporting.test_client_report import _newest

DOC = Path(__file__).resolve().parents[2] / "docs" / "report-json.md"


def _typeddicts_in(annotation: Any) -> list[type]:
    """The TypedDict classes an annotation names (through lists, dicts and unions)."""
    if is_typeddict(annotation):
        return [annotation]
    return [t for arg in get_args(annotation) for t in _typeddicts_in(arg)]


def _reachable() -> dict[str, type]:
    """Every TypedDict reachable from the three report types, by name."""
    found: dict[str, type] = {}
    todo = list(schema.REPORT_TYPES.values())
    while todo:
        cls = todo.pop()
        if cls.__name__ in found:
            continue
        found[cls.__name__] = cls
        for annotation in get_type_hints(cls).values():
            todo.extend(_typeddicts_in(annotation))
    return found


def documented() -> dict[str, dict[str, str]]:
    """``{type name: {key: type cell}}`` from the doc's ``### `Type` `` tables."""
    out: dict[str, dict[str, str]] = {}
    current: str | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = re.fullmatch(r"###\s+`(\w+)`\s*", line)
        if heading:
            current = heading.group(1)
            assert current not in out, f"{current} is documented twice"
            out[current] = {}
            continue
        if line.startswith("## "):
            current = None
        if current is None or not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        key = re.fullmatch(r"`([\w]+)`", cells[0])
        assert key, f"one key per row in the {current} table: {line!r}"
        assert key.group(1) not in out[current], f"{current}.{key.group(1)} documented twice"
        out[current][key.group(1)] = cells[1]
    return out


def test_every_report_type_is_documented_with_exactly_its_keys() -> None:
    docs = documented()
    types_ = _reachable()
    assert set(docs) == set(types_), (
        f"documented but not a report type: {sorted(set(docs) - set(types_))}; "
        f"a report type not documented: {sorted(set(types_) - set(docs))}"
    )
    for name, cls in types_.items():
        keys = set(get_type_hints(cls))
        assert set(docs[name]) == keys, (
            f"{name}: documented but not in the type: {sorted(set(docs[name]) - keys)}; "
            f"in the type but not documented: {sorted(keys - set(docs[name]))}"
        )


def test_documented_types_name_the_nested_objects() -> None:
    """A key holding another report object names that object's table in its type cell."""
    docs = documented()
    for name, cls in _reachable().items():
        for key, annotation in get_type_hints(cls).items():
            for nested in _typeddicts_in(annotation):
                assert f"`{nested.__name__}`" in docs[name][key], (
                    f"{name}.{key} holds {nested.__name__}: its type cell should say so"
                )


def _conforms(value: Any, annotation: Any, where: str) -> None:
    """Fail unless ``value`` has the shape of ``annotation`` (keys exactly, kinds of values)."""
    if annotation is Any:
        return
    if is_typeddict(annotation):
        assert isinstance(value, dict), f"{where}: {value!r} is not an object"
        hints = get_type_hints(annotation)
        required = set(annotation.__required_keys__)
        assert required <= set(value), f"{where}: missing {sorted(required - set(value))}"
        assert set(value) <= set(hints), f"{where}: undeclared {sorted(set(value) - set(hints))}"
        for key, item in value.items():
            _conforms(item, hints[key], f"{where}.{key}")
        return
    origin = get_origin(annotation)
    if origin is typing.NotRequired:
        _conforms(value, get_args(annotation)[0], where)
        return
    if origin in (Union, types.UnionType):
        problems = []
        for option in get_args(annotation):
            try:
                _conforms(value, option, where)
                return
            except AssertionError as exc:
                problems.append(str(exc))
        raise AssertionError(f"{where}: {value!r} matches none of {annotation}: {problems}")
    if origin is list:
        assert isinstance(value, list), f"{where}: {value!r} is not a list"
        (item,) = get_args(annotation)
        for i, v in enumerate(value):
            _conforms(v, item, f"{where}[{i}]")
        return
    if origin is dict:
        assert isinstance(value, dict), f"{where}: {value!r} is not an object"
        key_type, item = get_args(annotation)
        for k, v in value.items():
            assert isinstance(k, key_type), f"{where}: key {k!r}"
            _conforms(v, item, f"{where}[{k!r}]")
        return
    if annotation is type(None):
        assert value is None, f"{where}: {value!r} is not null"
        return
    if annotation is float:
        assert isinstance(value, int | float) and not isinstance(value, bool), where
        return
    if annotation is int:
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: {value!r}"
        return
    assert isinstance(value, annotation), f"{where}: {value!r} is not {annotation}"


def test_the_checker_catches_a_missing_an_extra_and_a_wrong_value() -> None:
    good = {"medium": 0.3, "high": 0.6}
    _conforms(good, schema.TierThresholds, "t")
    for bad in ({"medium": 0.3}, {**good, "low": 0.1}, {**good, "high": "0.6"}):
        with pytest.raises(AssertionError):
            _conforms(bad, schema.TierThresholds, "t")


def test_real_reports_have_exactly_the_typed_keys(case_session: Session) -> None:
    for ref in ("CS-BACKPAGE", "CS-SAFEMARKET", "CS-DISMISSED"):
        ctx = client_report(session=case_session, assessment=_newest(case_session, ref))
        _conforms(ctx, schema.ClientReport, ref)
        assert ctx["integrity"]["content_sha256"] == content_digest(ctx)
    backpage = client_report(session=case_session, assessment=_newest(case_session, "CS-BACKPAGE"))
    # the case study exercises the nested objects, not just empty lists
    assert backpage["hits"] and backpage["decisions"] and backpage["knowability"]["tipped_by"]
    assert backpage["adverse_media"] and backpage["negative_results"]
    roster = roster_report(session=case_session)
    _conforms(roster, schema.RosterReport, "roster")
    exposure = exposure_report(session=case_session)
    _conforms(exposure, schema.ExposureReport, "exposure")
    assert exposure["clients"] and exposure["clients"][0]["engagements"]
