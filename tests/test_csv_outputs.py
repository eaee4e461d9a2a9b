"""Hardening (issue 19, hole 5): one CSV writer neutralises formulas in every CSV the product
writes. The walk: every module that writes CSV must go through ``duediligence.csvutil`` (no
``csv.writer``/``csv.DictWriter`` elsewhere), and every module that does has a producer below
that writes its CSV from hostile values (a client name, query, description, file name ...
starting with ``=``, ``+``, ``-``, ``@``) and checks that no cell of the file can run as a
formula."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from duediligence.csvutil import FORMULA_PREFIXES, is_safe_cell, neutralise
from tests.factories import make_entity, make_watchlist

PACKAGE = Path(__file__).resolve().parents[1] / "duediligence"
HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


def _assert_safe(path_or_text: Path | str) -> list[list[str]]:
    text = path_or_text.read_text("utf-8") if isinstance(path_or_text, Path) else path_or_text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows, "empty CSV"
    for row in rows:
        for cell in row:
            assert is_safe_cell(cell), cell
    return rows


def _modules_writing_csv() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text("utf-8")
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if module == "duediligence.csvutil":
            continue
        assert not re.search(r"\bcsv\.(writer|DictWriter)\(", source), (
            f"{module} writes CSV without duediligence.csvutil"
        )
        if re.search(r"\bcsvutil\.(writer|dict_writer)\(", source):
            found.add(module)
    return found


def _exposure(session: Session, tmp: Path) -> list[list[str]]:
    from duediligence.reporting.render import exposure_csv

    ctx = {
        "clients": [
            {
                "client": HOSTILE[3],
                "name": HOSTILE[1],
                "knowable_since": "2008-06-12",
                "tier_then": "high",
                "tipped_by": [{"date": "2008-06-12", "text": HOSTILE[0]}],
                "engagements": [
                    {"date": "2009-01-01", "kind": "renewal", "description": HOSTILE[0]},
                    {"date": "2009-02-01", "kind": "build", "description": "ok", "value": "-5"},
                ],
            }
        ]
    }
    return _assert_safe(exposure_csv(ctx))


def _screen_batch(session: Session, tmp: Path) -> list[list[str]]:
    from duediligence.matching.screening import screen_batch

    snapshot = make_watchlist(session, "=list")
    make_entity(session, snapshot, "=SALEK, Abdulhai", source_id="@100")
    session.commit()
    queries = tmp / "queries.csv"
    queries.write_text(
        f'id,name,schema\n"{HOSTILE[1]}","=Abdulhai Salek",Person\n', encoding="utf-8"
    )
    out = tmp / "hits.csv"
    result = screen_batch(session=session, queries=queries, output=out)
    assert result.hits >= 1
    rows = _assert_safe(out)
    assert rows[1][0] == "'" + HOSTILE[1] and rows[1][1] == "'=Abdulhai Salek"
    return rows


def _rejects(session: Session, tmp: Path) -> list[list[str]]:
    from duediligence.errors import RowProblem
    from duediligence.ingest.roster import write_rejects

    out = tmp / "rejects.csv"
    write_rejects(out, [RowProblem(HOSTILE[0], "line 2", HOSTILE[3], HOSTILE[2])])
    return _assert_safe(out)


def _rejects_from_an_import(session: Session, tmp: Path) -> list[list[str]]:
    from duediligence.errors import ValidationFailed
    from duediligence.ingest.roster import import_file

    (tmp / "=cmd.csv").write_text("external_ref,name,country\n@R-1,,Narnia\n", encoding="utf-8")
    cwd = Path.cwd()
    os.chdir(tmp)  # a relative file name is what the report's `source` column shows
    try:
        with pytest.raises(ValidationFailed) as caught:
            import_file(
                session=session, path=Path("=cmd.csv"), kind="clients", rejects_path=tmp / "r.csv"
            )
    finally:
        os.chdir(cwd)
    assert caught.value.rejects_path
    rows = _assert_safe(Path(caught.value.rejects_path))
    assert rows[1][0] == "'=cmd.csv"
    return rows


def _alerts(session: Session, tmp: Path) -> list[list[str]]:
    from duediligence.batch.alerts import TierAlert, write_alerts

    alert = TierAlert(
        run_id=1,
        client_id=1,
        external_ref=HOSTILE[3],
        name=HOSTILE[0],
        previous_tier=None,
        tier="high",
        state="scored",
        previous_probability=None,
        probability=0.9,
        assessment_id=1,
        changes=[HOSTILE[1]],
        reason=HOSTILE[2],
    )
    csv_path, _ = write_alerts([alert], tmp, run_id=1, as_of=date(2026, 1, 1))
    rows = _assert_safe(csv_path)
    assert rows[1][3] == "'" + HOSTILE[0]
    return rows


def _sample_csv(session: Session, tmp: Path) -> list[list[str]]:
    from duediligence.sampledata.roster import write_csv

    out = tmp / "sample.csv"
    write_csv(out, [{"a": HOSTILE[0], "b": HOSTILE[2]}], ["a", "b"])
    return _assert_safe(out)


def _scale(session: Session, tmp: Path) -> list[list[str]]:
    from duediligence.sampledata.scale import generate_scale

    generate_scale(tmp / "scale", clients=20, signals_per_client=2)
    rows: list[list[str]] = []
    for path in sorted((tmp / "scale").glob("*.csv")):
        rows += _assert_safe(path)
    return rows


def _name_devset(session: Session, tmp: Path) -> list[list[str]]:
    from duediligence.sampledata.name_devset import DevPair, write_devset

    out = tmp / "pairs.csv"
    write_devset([DevPair(HOSTILE[0], HOSTILE[1], "Person", True, "alias", "", "hand")], out)
    return _assert_safe(out)


PRODUCERS: dict[str, list[Callable[[Session, Path], list[list[str]]]]] = {
    "duediligence.sampledata.name_devset": [_name_devset],
    "duediligence.reporting.render": [_exposure],
    "duediligence.matching.screening": [_screen_batch],
    "duediligence.ingest.roster": [_rejects, _rejects_from_an_import],
    "duediligence.batch.alerts": [_alerts],
    "duediligence.sampledata.roster": [_sample_csv],
    "duediligence.sampledata.scale": [_scale],
}


def test_every_csv_writing_module_uses_the_one_writer_and_has_a_producer() -> None:
    assert _modules_writing_csv() == set(PRODUCERS)


@pytest.mark.parametrize(
    "producer",
    [p for ps in PRODUCERS.values() for p in ps],
    ids=lambda p: p.__name__.strip("_"),
)
def test_csv_output_neutralises_formulas(
    producer: Callable[[Session, Path], Any], session: Session, tmp_path: Path
) -> None:
    rows = producer(session, tmp_path)
    assert len(rows) >= 2  # a header and at least one row were checked


def test_neutralise_prefixes_every_formula_character() -> None:
    for prefix in FORMULA_PREFIXES:
        assert neutralise(prefix + "1").startswith("'")
        assert neutralise("  " + prefix + "1").startswith("'")
    assert neutralise("Annual licence renewal") == "Annual licence renewal"
    assert neutralise(None) == ""
    assert neutralise(3) == "3"
