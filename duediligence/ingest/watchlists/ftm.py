"""FollowTheMoney / OpenSanctions entity JSON lines, read with the followthemoney library."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from followthemoney import model, registry
from followthemoney.exc import InvalidData

from duediligence.errors import InputError
from duediligence.ingest.dates import utc_date_of
from duediligence.ingest.watchlists.common import Parsed, ParsedEntity, Skipped

MATCHABLE = {"Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane", "PublicBody"}


def _lines(path: Path) -> Iterator[tuple[int, Any]]:
    """``(line number, FtM proxy)`` of every entity line; :class:`InputError` on a bad one."""
    with path.open("r", encoding="utf-8-sig") as handle:
        for n, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                proxy = model.get_proxy(data)
            except (ValueError, InvalidData, TypeError) as exc:
                raise InputError(f"{path}, line {n}: not a FollowTheMoney entity: {exc}") from None
            yield n, proxy


def _sort_key(text: str) -> str:
    """Readable listing dates sort by their UTC date; unreadable ones last."""
    day = utc_date_of(text)
    return day.isoformat() if day is not None else "9999"


def listing_dates(path: Path) -> dict[str, str]:
    """``{entity id: listing date as written}`` from the file's ``Sanction`` records: the
    earliest ``listingDate`` of the sanctions on an entity, else the earliest ``startDate``
    (when it became public on any list; the date rule is applied when it is used)."""
    listed: dict[str, list[str]] = {}
    started: dict[str, list[str]] = {}
    for _n, proxy in _lines(path):
        if proxy.schema.name != "Sanction":
            continue
        for target in proxy.get("entity", quiet=True):
            listed.setdefault(target, []).extend(proxy.get("listingDate", quiet=True))
            started.setdefault(target, []).extend(proxy.get("startDate", quiet=True))
    out = {}
    for target in set(listed) | set(started):
        candidates = listed.get(target) or started.get(target) or []
        if candidates:
            out[target] = min(candidates, key=_sort_key)
    return out


def parse(path: Path) -> Iterator[Parsed]:
    """Parse matchable entities (persons, organisations, vessels ...) of an FtM JSONL file.

    Other records (``Sanction``, ``Ownership``, ``Address`` ...) and entities without an id or
    a name are yielded as :class:`Skipped`. ``raw["listed_on"]`` is the entity's listing date
    from its ``Sanction`` records (see :func:`listing_dates`), read in a first pass."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    listed = listing_dates(path)
    for _n, proxy in _lines(path):
        if proxy.schema.name not in MATCHABLE:
            yield Skipped(f"{proxy.schema.name} record (not a screenable entity)")
            continue
        if proxy.id is None:
            yield Skipped("entity without an id")
            continue
        names = proxy.get_type_values(registry.name)
        if not names:
            yield Skipped("entity without a name")
            continue
        raw = proxy.to_dict()
        if proxy.id in listed:
            raw["listed_on"] = listed[proxy.id]
        yield ParsedEntity(
            source_id=proxy.id,
            schema=proxy.schema.name,
            name=proxy.caption,
            names=list(names),
            countries=[c.upper() for c in proxy.get_type_values(registry.country)],
            identifiers=list(proxy.get_type_values(registry.identifier)),
            birth_dates=list(proxy.get("birthDate", quiet=True)),
            topics=list(proxy.get("topics", quiet=True)) or ["sanction"],
            programs=list(proxy.get("program", quiet=True)),
            raw=raw,
        ).finish()
