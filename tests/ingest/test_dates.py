"""One date rule on every path: the same instant gets the same publication date whether it
arrives in a CSV, JSON or JSON Lines signals file, an RSS or Atom feed, a UN list or a
FollowTheMoney export."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duediligence.db.enums import DateBasis
from duediligence.ingest.dates import (
    DateRefused,
    listing_time,
    publication_time,
)
from duediligence.ingest.feeds import read_feed
from duediligence.ingest.roster import read_rows, validate_rows
from duediligence.ingest.watchlists import ftm, un
from duediligence.ingest.watchlists.common import ParsedEntity
from duediligence.risk.records import known_since

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)

instants = st.datetimes(
    min_value=datetime(1900, 1, 2), max_value=datetime(2026, 11, 28), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))
offsets = st.integers(min_value=-12 * 4, max_value=14 * 4).map(lambda q: timedelta(minutes=15 * q))


def _signal_dates(path: Path, fmt: str) -> list[date]:
    rows = validate_rows(read_rows(path, "signals", fmt), "signals", now=NOW)
    out = []
    for _location, item, errors in rows:
        assert item is not None, errors
        out.append(item.published_at.utc_date)  # type: ignore[attr-defined]
    return out


def _through_every_path(folder: Path, moment: datetime) -> dict[str, date]:
    """The publication date each import path gives ``moment`` (an aware datetime)."""
    iso = moment.isoformat()
    row = {"kind": "news", "title": "Acme raided", "published_at": iso}
    with (folder / "s.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    (folder / "s.json").write_text(json.dumps([row]), encoding="utf-8")
    (folder / "s.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    (folder / "rss.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>'
        "<item><title>Acme raided</title><guid>x</guid>"
        f"<pubDate>{escape(format_datetime(moment))}</pubDate></item></channel></rss>",
        encoding="utf-8",
    )
    (folder / "atom.xml").write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>W</title>'
        f"<updated>{iso}</updated><entry><title>Acme raided</title><id>y</id>"
        f"<published>{iso}</published><updated>{iso}</updated></entry></feed>",
        encoding="utf-8",
    )
    (folder / "un.xml").write_text(
        "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>"
        "<FIRST_NAME>ACME</FIRST_NAME><SECOND_NAME>PERSON</SECOND_NAME>"
        f"<LISTED_ON>{iso}</LISTED_ON></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
        encoding="utf-8",
    )
    (folder / "ftm.json").write_text(
        json.dumps({"id": "p1", "schema": "Person", "properties": {"name": ["Acme Person"]}})
        + "\n"
        + json.dumps(
            {
                "id": "s1",
                "schema": "Sanction",
                "properties": {"entity": ["p1"], "listingDate": [iso]},
            }
        )
        + "\n",
        encoding="utf-8",
    )
    found: dict[str, date] = {}
    for fmt in ("csv", "json", "jsonl"):
        [found[fmt]] = _signal_dates(folder / f"s.{fmt}", fmt)
    for name in ("rss", "atom"):
        [(_location, record)] = read_feed(str(folder / f"{name}.xml"), now=NOW).records
        assert isinstance(record, dict), record
        found[name] = record["published_at"].utc_date
    for name, parser, path in (("un", un.parse, "un.xml"), ("ftm", ftm.parse, "ftm.json")):
        [entity] = [e for e in parser(folder / path) if isinstance(e, ParsedEntity)]
        listed = listing_time(entity.listed_on, now=NOW)
        assert listed is not None
        found[name] = listed.utc_date
        # a confirmed match on the entry is dated the same way
        since = known_since(listed.utc_date, entity.listed_on_source, None, None, NOW, name)
        found[f"{name} match"] = since.day
    return found


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(instant=instants, offset=offsets)
def test_the_same_instant_gets_the_same_date_on_every_path(
    tmp_path: Path, instant: datetime, offset: timedelta
) -> None:
    moment = instant.astimezone(timezone(offset))
    found = _through_every_path(tmp_path, moment)
    assert set(found.values()) == {instant.date()}, found


def test_the_issue_examples_agree_on_every_path(tmp_path: Path) -> None:
    """10:00Z and 22:30-08:00 on 03-04, and 00:00+14:00 on 03-04, were refused, accepted as
    03-05 or accepted as 03-04 depending on the path; now each is its UTC date everywhere."""
    cases = {
        "2021-03-04T10:00:00+00:00": date(2021, 3, 4),
        "2021-03-04T22:30:00-08:00": date(2021, 3, 5),
        "2021-03-04T00:00:00+14:00": date(2021, 3, 3),
    }
    for text, expected in cases.items():
        found = _through_every_path(tmp_path, datetime.fromisoformat(text))
        assert set(found.values()) == {expected}, (text, found)


def test_original_and_offset_are_kept() -> None:
    kept = publication_time("2021-03-04T22:30:00-08:00", now=NOW)
    assert kept.utc_date == date(2021, 3, 5)
    assert kept.original == "2021-03-04T22:30:00-08:00"
    assert kept.utc_offset_minutes == -480 and kept.basis == DateBasis.OFFSET
    rss = publication_time("Thu, 04 Mar 2021 22:30:00 -0800", now=NOW)
    assert (rss.utc_date, rss.utc_offset_minutes) == (date(2021, 3, 5), -480)


def test_naive_timestamps_are_taken_as_utc_and_say_so() -> None:
    naive = publication_time("2021-03-04T23:30:00", now=NOW)
    assert naive.utc_date == date(2021, 3, 4)
    assert naive.basis == DateBasis.NAIVE_UTC and naive.utc_offset_minutes is None


def test_a_date_is_its_day_and_keeps_its_offset() -> None:
    un_style = publication_time("2015-04-07-04:00", now=NOW)
    assert un_style.utc_date == date(2015, 4, 7)
    assert un_style.basis == DateBasis.DATE and un_style.utc_offset_minutes == -240


@pytest.mark.parametrize(
    "text,reason",
    [
        ("2091-01-01", "after the import time"),
        ("2026-12-01T00:00:00Z", "after the import time"),
        ("1899-12-31", "before 1900"),
        ("1899-12-31T23:00:00-05:00", None),  # 1900-01-01 04:00 UTC: accepted
        ("2021-13-40", "not a date or timestamp we can read"),
        ("2021", "not a date or timestamp we can read"),
    ],
)
def test_impossible_dates_are_refused_with_the_reason(text: str, reason: str | None) -> None:
    if reason is None:
        assert publication_time(text, now=NOW).utc_date == date(1900, 1, 1)
        return
    with pytest.raises(DateRefused, match=reason):
        publication_time(text, now=NOW)


def test_tomorrow_in_a_zone_ahead_of_utc_is_not_the_future() -> None:
    # 2026-11-30 in Kiribati (+14:00) while it is 2026-11-29 12:00 UTC
    assert publication_time("2026-11-30", now=NOW).utc_date == date(2026, 11, 30)
    assert publication_time("2026-11-30T01:00:00+14:00", now=NOW).utc_date == date(2026, 11, 29)
