"""The one rule that turns a publication time into a publication date, on every import path.

``docs/data-formats.md`` ("Dates and time zones") documents it for users; in short:

1. A timestamp with a UTC offset (``2021-03-04T22:30:00-08:00``, ``Thu, 04 Mar 2021 22:30:00
   -0800``, ``...Z``) is converted to UTC, and the UTC date is the publication date
   (2021-03-05 here). The text as written and its offset (minutes east of UTC) are kept.
2. A timestamp without an offset (``2021-03-04T22:30:00``) is taken as UTC, and says so
   (:attr:`DateBasis.NAIVE_UTC`).
3. A calendar date (``2021-03-04``, or the XML Schema form with an offset, ``2015-04-07-04:00``,
   as the UN list writes it) is that day: a day has no instant to convert; its offset is kept.
4. A date after the import time plus :data:`FUTURE_TOLERANCE` (one day, so a date written in a
   zone ahead of UTC is not refused) or before :data:`EARLIEST` (1900-01-01) is refused, with
   the reason, for that row alone.

Readers (CSV/JSON/JSONL signals, RSS/Atom feeds, UN and FollowTheMoney list listing dates) all
call :func:`publication_time`, so the same instant gets the same date whichever way it arrives.
"""

from __future__ import annotations

import email.utils
import functools
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from duediligence.db.enums import DateBasis

FUTURE_TOLERANCE = timedelta(days=1)
EARLIEST = date(1900, 1, 1)
ORIGINAL_MAX_CHARS = 100
ESTIMATED_BASES = frozenset(
    {DateBasis.ITEM_UPDATED, DateBasis.CHANNEL, DateBasis.RETRIEVED, DateBasis.SNAPSHOT}
)

_DATE_ONLY = re.compile(r"(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:?\d{2})?")
_PARTIAL = re.compile(r"\d{4}(-\d{2})?")


class DateRefused(ValueError):
    """A publication date that the rule refuses (unreadable, in the future, before 1900).

    A ``ValueError``, so pydantic reports it as a field error of the row."""


@dataclass(frozen=True)
class PublicationTime:
    """When an item became public, after the date rule.

    ``utc_date`` is the publication date (UTC); ``original`` the text as the source wrote it
    (at most 100 characters); ``utc_offset_minutes`` the offset it carried (minutes east of
    UTC; ``None`` when it had none); ``basis`` how the date was obtained."""

    utc_date: date
    original: str
    utc_offset_minutes: int | None
    basis: DateBasis

    @property
    def estimated(self) -> bool:
        """True when the item had no usable date of its own and this one was estimated."""
        return self.basis in ESTIMATED_BASES

    def as_estimate(self, basis: DateBasis) -> PublicationTime:
        """The same time, flagged as an estimate of kind ``basis`` (e.g. a feed's channel date)."""
        return replace(self, basis=basis)


def _offset_minutes(moment: datetime) -> int | None:
    offset = moment.utcoffset()
    return None if offset is None else int(offset.total_seconds() // 60)


def parse_time(text: str) -> tuple[date | datetime, int | None] | None:
    """Read a date or timestamp: ISO 8601 / RFC 3339, XML Schema dates with an offset, or
    RFC 822/2822 (RSS). Returns ``(value, offset_minutes)`` — a ``date`` for a calendar date,
    else a ``datetime`` (aware when the text had an offset) — or ``None`` if unreadable."""
    text = text.strip()
    match = _DATE_ONLY.fullmatch(text)
    if match:
        try:
            day = date.fromisoformat(match.group(1))
        except ValueError:
            return None
        zone = match.group(2)
        if not zone:
            return day, None
        if zone == "Z":
            return day, 0
        digits = zone[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:])
        return day, minutes if zone[0] == "+" else -minutes
    if _PARTIAL.fullmatch(text):
        return None  # a year or a month is not a day
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return moment, _offset_minutes(moment)


def utc_date_of(text: str) -> date | None:
    """The date the rule gives ``text`` (no range check), or ``None`` when unreadable; for
    choosing among several dates, e.g. the earliest listing of an entity."""
    result = parse_time(text)
    if result is None:
        return None
    value = result[0]
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).date()
    return value


@functools.lru_cache(maxsize=16)
def _latest_day(now: datetime) -> date:
    return (now.astimezone(UTC) + FUTURE_TOLERANCE).date()


def check_date(day: date, *, now: datetime, what: str = "publication date") -> None:
    """Raise :class:`DateRefused` unless ``EARLIEST <= day <= (now + FUTURE_TOLERANCE)``."""
    if day < EARLIEST:
        raise DateRefused(f"{what} {day.isoformat()} is before {EARLIEST.year}")
    if day > _latest_day(now):
        raise DateRefused(
            f"{what} {day.isoformat()} is after the import time "
            f"({now.astimezone(UTC):%Y-%m-%d %H:%M} UTC; a typo?)"
        )


def publication_time(
    value: str | date | datetime,
    *,
    now: datetime,
    what: str = "publication date",
) -> PublicationTime:
    """Apply the date rule to ``value`` (text, ``date`` or ``datetime``) imported at ``now``
    (an aware UTC datetime).

    Raises :class:`DateRefused` when the value is unreadable, after ``now`` plus
    :data:`FUTURE_TOLERANCE` (for a timestamp: its UTC instant; for a date: its day), or
    before 1900. ``what`` names the value in the reason (e.g. ``listing date``)."""
    offset: int | None
    if isinstance(value, datetime):
        parsed: date | datetime = value
        offset = _offset_minutes(value)
        original = value.isoformat()
    elif isinstance(value, date):
        parsed, offset, original = value, None, value.isoformat()
    else:
        original = str(value).strip()
        if len(original) == 10 and original[4] == "-" and original[7] == "-":
            try:  # the common case, a plain ISO date: no regex
                day = date.fromisoformat(original)
            except ValueError:
                pass
            else:
                check_date(day, now=now, what=what)
                return PublicationTime(day, original, None, DateBasis.DATE)
        result = parse_time(original)
        if result is None:
            shown = original if len(original) <= 40 else original[:37] + "..."
            raise DateRefused(
                f"{what} {shown!r} is not a date or timestamp we can read "
                "(use ISO 8601: 2021-03-04, or 2021-03-04T22:30:00-08:00)"
            )
        parsed, offset = result
    original = original[:ORIGINAL_MAX_CHARS]
    if isinstance(parsed, datetime):
        if parsed.tzinfo is None:
            moment, basis = parsed.replace(tzinfo=UTC), DateBasis.NAIVE_UTC
        else:
            moment, basis = parsed.astimezone(UTC), DateBasis.OFFSET
        check_date(moment.date(), now=now, what=what)
        if moment > now.astimezone(UTC) + FUTURE_TOLERANCE:
            raise DateRefused(
                f"{what} {original!r} is after the import time "
                f"({now.astimezone(UTC):%Y-%m-%d %H:%M} UTC; a typo?)"
            )
        return PublicationTime(moment.date(), original, offset, basis)
    check_date(parsed, now=now, what=what)
    return PublicationTime(parsed, original, offset, DateBasis.DATE)


def retrieval_estimate(now: datetime) -> PublicationTime:
    """The retrieval (import) time as an estimated publication date."""
    moment = now.astimezone(UTC)
    return PublicationTime(
        moment.date(), moment.isoformat(timespec="seconds"), 0, DateBasis.RETRIEVED
    )


def listing_time(listed_on: str | None, *, now: datetime) -> PublicationTime | None:
    """A list entry's listing date after the rule, or ``None`` when there is none.

    Raises :class:`DateRefused` like :func:`publication_time`."""
    if not listed_on or not str(listed_on).strip():
        return None
    return publication_time(str(listed_on), now=now, what="listing date")
