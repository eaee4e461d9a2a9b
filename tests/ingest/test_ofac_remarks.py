"""OFAC remarks forms: weak a.k.a.s with apostrophes, a final '.', circa ranges, alt. DOB; the
importer counts persons without a birth date and lists them with --debug (fixture of our own)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.models import WatchlistEntity
from duediligence.ingest.watchlists import import_watchlist, ofac
from duediligence.ingest.watchlists.common import ParsedEntity

FIXTURE = Path(__file__).parent / "fixtures" / "ofac-remarks"


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedEntity]:
    return {e.source_id: e for e in ofac.parse(FIXTURE) if isinstance(e, ParsedEntity)}


def test_weak_alias_keeps_inner_apostrophes(parsed: dict[str, ParsedEntity]) -> None:
    assert parsed["9001"].weak_names == ["ABU-'ALI", "SA'ID AL-HADDAD"]
    assert "ABU-'ALI" not in parsed["9001"].names  # weak, not a full name


def test_weak_alias_quoted_twice_and_final_period(parsed: dict[str, ParsedEntity]) -> None:
    assert parsed["9005"].weak_names == ["DANNY BOY"]
    assert parsed["9007"].weak_names == ["NST"]


def test_birth_date_ending_the_remarks(parsed: dict[str, ParsedEntity]) -> None:
    assert parsed["9002"].birth_dates == ["1975"]


def test_circa_year_range(parsed: dict[str, ParsedEntity]) -> None:
    assert parsed["9003"].birth_dates == ["1979", "1980", "1981", "1982"]


def test_alt_dob(parsed: dict[str, ParsedEntity]) -> None:
    assert parsed["9004"].birth_dates == ["1966-03-03", "1967-03-03"]


@pytest.mark.parametrize(
    "remarks,dates",
    [
        ("DOB 01 Jan 1973 to 31 Dec 1973.", ["1973-01-01", "1973-12-31"]),
        ("DOB 1984 to 1986; POB Kabul", ["1984", "1985", "1986"]),
        ("DOB circa 1944.", ["1944"]),
        ("DOB Mar 1961; alt. DOB circa 1962", ["1961-03", "1962"]),
        ("DOB 1900-1990", []),  # too wide to be a birth date
    ],
)
def test_remark_date_forms(remarks: str, dates: list[str]) -> None:
    assert ofac._dates(remarks) == dates


def test_import_counts_persons_without_birth_date(session: Session) -> None:
    result = import_watchlist(session=session, path=FIXTURE, fmt="ofac", name="remarks-test")
    session.commit()
    assert len(result.no_birth_date) == 2  # 9005 (none given) and 9006 (not read)
    unread = [line for line in result.no_birth_date if "not read" in line]
    assert len(unread) == 1 and unread[0].startswith("9006") and "sixties" in unread[0]
    stored = session.scalar(select(WatchlistEntity).where(WatchlistEntity.source_id == "9001"))
    assert stored is not None and stored.weak_names == ["ABU-'ALI", "SA'ID AL-HADDAD"]


def test_cli_lists_them_with_debug(cli: Any) -> None:
    res = cli("watchlist", "import", str(FIXTURE), "--format", "ofac", "--debug")
    assert res.exit_code == 0, res.output
    assert "2 person(s) without a birth date (1 with a birth date the parser could not read)" in (
        " ".join(res.output.split())
    )
    assert "no birth date: 9006 (BRAND, Ines)" in res.output
