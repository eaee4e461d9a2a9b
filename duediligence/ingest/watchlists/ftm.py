"""FollowTheMoney / OpenSanctions entity JSON lines, read with the followthemoney library.

Listing dates: in FollowTheMoney a designation is a ``Sanction`` entity of its own whose
``entity`` property points at the listed party, with ``listingDate`` and ``startDate``
(https://followthemoney.tech/explorer/schemata/Sanction/). An entity's listing date is the
earliest of those over the sanctions pointing at it; without any, the source's ``first_seen``
(when OpenSanctions first saw it listed). This takes a first pass over the file to collect the
sanctions, as they may come after the entity.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from followthemoney import model, registry
from followthemoney.exc import InvalidData

from duediligence.errors import InputError
from duediligence.ingest.watchlists.common import ParsedEntity, iso_day

MATCHABLE = {"Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane", "PublicBody"}
SANCTION_DATES = ("listingDate", "startDate")


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, JSON object)`` of every non-blank line; :class:`InputError` naming the
    line for one that is not a JSON object."""
    with path.open("r", encoding="utf-8-sig") as handle:
        for n, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError as exc:
                raise InputError(f"{path}, line {n}: not a FollowTheMoney entity: {exc}") from None
            if not isinstance(data, dict):
                raise InputError(
                    f"{path}, line {n}: not a FollowTheMoney entity: a JSON "
                    f"{type(data).__name__}, not an object"
                )
            yield n, data


def sanction_dates(path: Path) -> dict[str, str]:
    """``{entity id: earliest listingDate/startDate (ISO day)}`` from the file's Sanctions."""
    out: dict[str, str] = {}
    for _n, data in _lines(path):
        if data.get("schema") != "Sanction":
            continue
        props = data.get("properties") or {}
        days = [d for d in (iso_day(str(v)) for k in SANCTION_DATES for v in props.get(k, [])) if d]
        if not days:
            continue
        for target in props.get("entity", []):
            if isinstance(target, str):
                out[target] = min([*days, out.get(target, days[0])])
    return out


def parse(path: Path) -> Iterator[ParsedEntity]:
    """Parse matchable entities (persons, organisations, vessels ...) of an FtM JSONL file."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    listed = sanction_dates(path)
    for n, data in _lines(path):
        try:
            proxy = model.get_proxy(data)
        except (ValueError, InvalidData, TypeError) as exc:
            raise InputError(f"{path}, line {n}: not a FollowTheMoney entity: {exc}") from None
        if proxy.schema.name not in MATCHABLE or proxy.id is None:
            continue
        names = proxy.get_type_values(registry.name)
        if not names:
            continue
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
            raw=proxy.to_dict(),
            **_listing(proxy.id, data, listed),
        ).finish()


def _listing(entity_id: str, data: dict[str, Any], listed: dict[str, str]) -> dict[str, Any]:
    """``listed_on`` and its source for one entity (see the module docstring)."""
    if entity_id in listed:
        return {"listed_on": listed[entity_id], "listed_on_source": "FtM Sanction listing date"}
    first_seen = iso_day(str(data.get("first_seen") or ""))
    if first_seen:
        return {"listed_on": first_seen, "listed_on_source": "FtM first_seen"}
    return {}
