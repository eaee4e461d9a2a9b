"""FollowTheMoney / OpenSanctions entity JSON lines, read with the followthemoney library.

Listing dates: in FollowTheMoney a designation is a ``Sanction`` entity of its own whose
``entity`` property points at the listed party, with ``listingDate`` and ``startDate``
(https://followthemoney.tech/explorer/schemata/Sanction/). An entity's listing date is the
earliest ``listingDate`` over the sanctions pointing at it, else their earliest ``startDate``;
without any, the source's ``first_seen``
(when OpenSanctions first saw it listed). This takes a first pass over the file to collect the
sanctions, as they may come after the entity.

Political exposure: a PEP's functions are ``Occupancy`` entities (``holder`` → ``post``, with
``startDate``, ``endDate`` and ``status``) pointing at ``Position`` entities (``name``,
``country``), and family members and close associates are ``Family`` (``person`` /
``relative``) and ``Associate`` (``person`` / ``associate``) entities
(https://followthemoney.tech/explorer/schemata/Occupancy/). The first pass collects them too,
and each screenable entity's stored ``raw`` gains a ``context`` object (only when there is
something to say): ``occupancies`` — ``{function, country, start_date, end_date, status}`` —
and ``relatives`` — ``{id, name, relationship, link, topics, occupancies, positions}`` of every
entity it is linked to by a family or associate link, so that an RCA's PEP, and that PEP's
functions, are known from the match alone (:mod:`duediligence.risk.pep`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from followthemoney import model, registry
from followthemoney.exc import InvalidData

from duediligence.errors import InputError
from duediligence.files import require_file
from duediligence.ingest.watchlists.common import Parsed, ParsedEntity, Skipped, iso_day

MATCHABLE = {"Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane", "PublicBody"}


MAX_LINE_BYTES = 10 << 20  # one entity; OpenSanctions' largest are well under 1 MB


def _shape_problem(data: dict[str, Any]) -> str | None:
    """Why ``data`` is not shaped like an FtM entity (``None`` when it is): ``id`` and
    ``schema`` strings, ``properties`` an object of strings or lists of strings."""
    if not isinstance(data.get("id", ""), str | None):
        return "'id' is not a string"
    if not isinstance(data.get("schema"), str):
        return "'schema' is missing or not a string"
    properties = data.get("properties", {})
    if not isinstance(properties, dict):
        return "'properties' is not an object"
    for key, values in properties.items():
        items = values if isinstance(values, list) else [values]
        if not all(isinstance(v, str) for v in items):
            return f"property {key!r} holds something other than strings"
    return None


def _lines(path: Path) -> Iterator[tuple[int, Any, dict[str, Any]]]:
    """``(line number, FtM proxy, the line's JSON object)`` of every entity line;
    :class:`InputError` naming the file and line for one that is not a FollowTheMoney entity
    (not UTF-8, not JSON, not an object, nested too deeply, wrongly shaped, too long)."""
    with path.open("rb") as handle:
        for n, raw in enumerate(handle, start=1):
            if len(raw) > MAX_LINE_BYTES:
                raise InputError(
                    f"{path}, line {n}: not a FollowTheMoney entity: longer than "
                    f"{MAX_LINE_BYTES:,} bytes"
                )
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{path}, line {n}: not valid UTF-8 (byte {exc.start + 1} of the line)"
                ) from None
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except RecursionError:
                raise InputError(
                    f"{path}, line {n}: not a FollowTheMoney entity: JSON nested too deeply"
                ) from None
            except ValueError as exc:
                raise InputError(f"{path}, line {n}: not a FollowTheMoney entity: {exc}") from None
            if not isinstance(data, dict):
                raise InputError(
                    f"{path}, line {n}: not a FollowTheMoney entity: a JSON "
                    f"{type(data).__name__}, not an object"
                )
            problem = _shape_problem(data)
            if problem:
                raise InputError(f"{path}, line {n}: not a FollowTheMoney entity: {problem}")
            try:
                proxy = model.get_proxy(data)
            except (ValueError, InvalidData, TypeError, AttributeError, RecursionError) as exc:
                raise InputError(f"{path}, line {n}: not a FollowTheMoney entity: {exc}") from None
            yield n, proxy, data


def listing_dates(path: Path) -> dict[str, str]:
    """``{entity id: listing date (ISO day)}`` from the file's ``Sanction`` records: the
    earliest ``listingDate`` of the sanctions on an entity, else the earliest ``startDate``
    (dates read under the one date rule; unreadable ones are passed over)."""
    listed: dict[str, list[str]] = {}
    started: dict[str, list[str]] = {}
    for _n, proxy, _data in _lines(path):
        if proxy.schema.name != "Sanction":
            continue
        for target in proxy.get("entity", quiet=True):
            listed.setdefault(target, []).extend(
                d for d in map(iso_day, proxy.get("listingDate", quiet=True)) if d
            )
            started.setdefault(target, []).extend(
                d for d in map(iso_day, proxy.get("startDate", quiet=True)) if d
            )
    out = {}
    for target in set(listed) | set(started):
        candidates = listed.get(target) or started.get(target) or []
        if candidates:
            out[target] = min(candidates)
    return out


def _first(proxy: Any, prop: str) -> str | None:
    values = proxy.get(prop, quiet=True)
    return str(values[0]) if values else None


def political_context(path: Path) -> dict[str, dict[str, Any]]:
    """``{entity id: context}`` of the file's occupancies and family/associate links (see the
    module docstring); entities with neither are absent."""
    positions: dict[str, dict[str, Any]] = {}
    occupancies: dict[str, list[dict[str, Any]]] = {}
    links: list[tuple[str, str, str, str]] = []  # (a, b, relationship, link schema)
    people: dict[str, dict[str, Any]] = {}
    for _n, proxy, _data in _lines(path):
        schema = proxy.schema.name
        if schema == "Position" and proxy.id:
            positions[proxy.id] = {
                "function": proxy.caption,
                "country": next(iter(c.upper() for c in proxy.get("country", quiet=True)), None),
            }
        elif schema == "Occupancy":
            for holder in proxy.get("holder", quiet=True):
                occupancies.setdefault(holder, []).append(
                    {
                        "post": _first(proxy, "post"),
                        "start_date": iso_day(_first(proxy, "startDate")),
                        "end_date": iso_day(_first(proxy, "endDate")),
                        "status": _first(proxy, "status"),
                    }
                )
        elif schema in ("Family", "Associate"):
            other = "relative" if schema == "Family" else "associate"
            relationship = _first(proxy, "relationship") or schema.lower()
            for a in proxy.get("person", quiet=True):
                for b in proxy.get(other, quiet=True):
                    links.append((a, b, relationship, schema))
        elif proxy.id and proxy.schema.name in MATCHABLE:
            people[proxy.id] = {
                "name": proxy.caption,
                "topics": list(proxy.get("topics", quiet=True)),
                "positions": list(proxy.get("position", quiet=True)),
            }

    def functions(entity_id: str) -> list[dict[str, Any]]:
        out = []
        for occ in occupancies.get(entity_id, []):
            post = positions.get(occ["post"] or "", {})
            out.append(
                {
                    "function": post.get("function") or occ["post"],
                    "country": post.get("country"),
                    "start_date": occ["start_date"],
                    "end_date": occ["end_date"],
                    "status": occ["status"],
                }
            )
        return out

    context: dict[str, dict[str, Any]] = {}
    for entity_id in occupancies:
        if functions(entity_id):
            context.setdefault(entity_id, {})["occupancies"] = functions(entity_id)
    for a, b, relationship, schema in links:
        for me, them in ((a, b), (b, a)):
            info = people.get(them, {})
            context.setdefault(me, {}).setdefault("relatives", []).append(
                {
                    "id": them,
                    "name": info.get("name") or them,
                    "relationship": relationship,
                    "link": schema.lower(),
                    "topics": info.get("topics", []),
                    "occupancies": functions(them),
                    "positions": info.get("positions", []),
                }
            )
    return context


def parse(path: Path) -> Iterator[Parsed]:
    """Parse matchable entities (persons, organisations, vessels ...) of an FtM JSONL file.

    Other records (``Sanction``, ``Ownership``, ``Address`` ...) and entities without an id or
    a name are yielded as :class:`Skipped`. An entity's listing date comes from its
    ``Sanction`` records (:func:`listing_dates`, read in a first pass), else its
    ``first_seen``."""
    require_file(path)
    listed = listing_dates(path)
    context = political_context(path)
    for _n, proxy, data in _lines(path):
        if proxy.schema.name not in MATCHABLE:
            yield Skipped(f"{proxy.schema.name} record (not a screenable entity)")
            continue
        if proxy.id is None:
            yield Skipped("entity without an id")
            continue
        weak = list(proxy.get("weakAlias", quiet=True))
        names = [n for n in proxy.get_type_values(registry.name) if n not in weak]
        if not names:
            yield Skipped("entity without a name")
            continue
        yield ParsedEntity(
            source_id=proxy.id,
            schema=proxy.schema.name,
            name=proxy.caption,
            names=list(names),
            weak_names=weak,
            countries=[c.upper() for c in proxy.get_type_values(registry.country)],
            identifiers=list(proxy.get_type_values(registry.identifier)),
            birth_dates=list(proxy.get("birthDate", quiet=True)),
            topics=_topics(proxy, context.get(proxy.id)),
            programs=list(proxy.get("program", quiet=True)),
            raw=_raw(proxy, context.get(proxy.id)),
            **_listing(proxy.id, data, listed),
        ).finish()


PEP_TOPICS = ("role.pep", "role.pol", "role.rca")


def _topics(proxy: Any, context: dict[str, Any] | None) -> list[str]:
    """The entity's topics. Without any: ``role.rca`` when a family or associate link ties it
    to a PEP (it is on the list as the PEP's relative or close associate, as OpenSanctions
    itself tags them), else ``sanction`` (an untagged entry of a sanctions export)."""
    topics = list(proxy.get("topics", quiet=True))
    if topics:
        return topics
    relatives = (context or {}).get("relatives") or []
    if any(t in PEP_TOPICS for r in relatives for t in r.get("topics") or []):
        return ["role.rca"]
    return ["sanction"]


def _raw(proxy: Any, context: dict[str, Any] | None) -> dict[str, Any]:
    """The entity as FtM gives it, plus its political ``context`` when it has one."""
    raw: dict[str, Any] = proxy.to_dict()
    if context:
        raw["context"] = context
    return raw


def _listing(entity_id: str, data: dict[str, Any], listed: dict[str, str]) -> dict[str, Any]:
    """``listed_on`` and its source for one entity (see the module docstring)."""
    if entity_id in listed:
        return {"listed_on": listed[entity_id], "listed_on_source": "FtM Sanction listing date"}
    first_seen = iso_day(str(data.get("first_seen") or ""))
    if first_seen:
        return {"listed_on": first_seen, "listed_on_source": "FtM first_seen"}
    return {}
