"""The parsed form every list parser produces, and small shared helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import countrynames

from duediligence.ingest.dates import utc_date_of
from duediligence.jsonutil import canonical_json, sha256_text

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}


@dataclass
class ParsedEntity:
    """One list entry in our normalised shape (before it becomes a WatchlistEntity row)."""

    source_id: str
    schema: str
    name: str
    names: list[str] = field(default_factory=list)
    # Weak aliases (OFAC remarks a.k.a., UN QUALITY Low, FtM weakAlias): kept and screened, but
    # a hit through one of them alone is a weak hit (see duediligence.matching.screening).
    weak_names: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=lambda: ["sanction"])
    programs: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    # The date the entry was listed (ISO) where the source gives one, and the field that said it.
    listed_on: str | None = None
    listed_on_source: str | None = None
    # Birth-date texts of the source that no date could be read from (not part of content).
    unread_birth_dates: list[str] = field(default_factory=list)

    def finish(self) -> ParsedEntity:
        """De-duplicate lists (keeping order) and make sure the primary name is in ``names``."""
        self.names = _unique([self.name, *self.names])
        strong = set(self.names)
        self.weak_names = [n for n in _unique(self.weak_names) if n not in strong]
        self.countries = _unique(self.countries)
        self.identifiers = _unique(self.identifiers)
        self.birth_dates = _unique(self.birth_dates)
        self.programs = _unique(self.programs)
        self.topics = _unique(self.topics)
        return self

    def content(self) -> dict[str, Any]:
        """The comparable content (what a change of the entry means)."""
        content = {
            "schema": self.schema,
            "name": self.name,
            "names": self.names,
            "countries": self.countries,
            "identifiers": self.identifiers,
            "birth_dates": self.birth_dates,
            "topics": self.topics,
            "programs": self.programs,
            "raw": self.raw,
        }
        if self.weak_names:  # absent when empty: entries without weak aliases keep their hash
            content["weak_names"] = self.weak_names
        return content

    def content_hash(self) -> str:
        """SHA-256 of :meth:`content`."""
        return sha256_text(canonical_json(self.content()))


@dataclass(frozen=True)
class Skipped:
    """A list record that is not screened, and why; the import summary counts these by reason
    (e.g. FtM ``Sanction`` or ``Ownership`` records, which describe entities but are none)."""

    reason: str


Parsed = ParsedEntity | Skipped


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for v in values:
        v = " ".join(str(v).split())
        if v and v not in seen:
            seen.add(v)
            out.append(v)
    return out


def country_code(value: str | None) -> str | None:
    """Upper-case ISO alpha-2 code for a country name or code, or None."""
    if not value or not value.strip():
        return None
    code = countrynames.to_code(value.strip(), fuzzy=False)
    return code.upper() if code and len(code) == 2 else None


def iso_day(value: str | None) -> str | None:
    """The ISO day the one date rule gives a list's date or timestamp
    (:func:`duediligence.ingest.dates.utc_date_of`), else None (missing, partial or unreadable).
    No range check here: the loader refuses impossible listing dates and says so."""
    if not value or not str(value).strip():
        return None
    day = utc_date_of(str(value).strip())
    return day.isoformat() if day is not None else None


def parse_loose_date(text: str) -> str | None:
    """ISO date (possibly partial: ``1960`` or ``1960-01``) from forms like ``12 Jan 1960``,
    ``Jan 1960``, ``1960``, ``circa 1960``, ``1960-01-12``."""
    text = text.strip().lower().replace("circa", "").replace("approximately", "").strip()
    try:
        return datetime.strptime(text, "%Y-%m-%d").date().isoformat()
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{1,2}) ([a-z]{3})[a-z]* (\d{4})", text)
    if m and m.group(2) in _MONTHS:
        return f"{m.group(3)}-{_MONTHS[m.group(2)]:02d}-{int(m.group(1)):02d}"
    m = re.fullmatch(r"([a-z]{3})[a-z]* (\d{4})", text)
    if m and m.group(1) in _MONTHS:
        return f"{m.group(2)}-{_MONTHS[m.group(1)]:02d}"
    m = re.fullmatch(r"(\d{4})", text)
    if m:
        return m.group(1)
    return None
