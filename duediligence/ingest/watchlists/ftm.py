"""FollowTheMoney / OpenSanctions entity JSON lines, read with the followthemoney library."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from followthemoney import model, registry
from followthemoney.exc import InvalidData

from duediligence.errors import InputError
from duediligence.ingest.watchlists.common import ParsedEntity

MATCHABLE = {"Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane", "PublicBody"}


def parse(path: Path) -> Iterator[ParsedEntity]:
    """Parse matchable entities (persons, organisations, vessels ...) of an FtM JSONL file."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with path.open("r", encoding="utf-8-sig") as handle:
        for n, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
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
            ).finish()
