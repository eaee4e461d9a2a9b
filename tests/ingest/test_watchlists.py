"""Real sanctions lists: entity and alias counts match the files; re-import is a no-op."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duediligence.db.models import WatchlistEntity, WatchlistEntityVersion, WatchlistSnapshot
from duediligence.ingest.watchlists import import_watchlist, list_watchlists


def _ofac_counts(folder: Path) -> tuple[int, int]:
    with (folder / "sdn.csv").open(encoding="utf-8") as f:
        entities = sum(1 for row in csv.reader(f) if len(row) > 1)
    with (folder / "alt.csv").open(encoding="utf-8") as f:
        aliases = sum(
            1 for row in csv.reader(f) if len(row) > 3 and row[3].strip() not in ("", "-0-")
        )
    return entities, aliases


@pytest.mark.slow  # the real OFAC 2021 list (8,976 entities)
def test_ofac_import_counts(session: Session, shared_data: Path) -> None:
    folder = shared_data / "watchlists" / "ofac-sdn-2021"
    expected_entities, expected_aliases = _ofac_counts(folder)
    result = import_watchlist(session=session, path=folder, fmt="ofac")
    session.commit()
    assert result.created and result.entity_count == expected_entities == result.added
    stored = session.scalar(select(func.count()).select_from(WatchlistEntity))
    assert stored == expected_entities
    raw_aliases = sum(len(e.raw["aliases"]) for e in session.scalars(select(WatchlistEntity)))
    assert raw_aliases == expected_aliases
    schemas = dict(
        session.execute(
            select(WatchlistEntity.schema, func.count()).group_by(WatchlistEntity.schema)
        ).all()
    )
    assert schemas["Vessel"] > 0 and schemas["Airplane"] > 0 and schemas["Person"] > 0
    bnc = session.scalar(select(WatchlistEntity).where(WatchlistEntity.source_id == "306"))
    assert bnc is not None and "NATIONAL BANK OF CUBA" in bnc.names and bnc.programs == ["CUBA"]
    with_dob = session.scalar(
        select(func.count())
        .select_from(WatchlistEntity)
        .where(
            func.length(func.cast(WatchlistEntity.birth_dates, __import__("sqlalchemy").String)) > 2
        )
    )
    assert with_dob and with_dob > 1000
    # Importing the same files again is a no-op.
    again = import_watchlist(session=session, path=folder / "sdn.csv", fmt="ofac")
    assert not again.created and again.snapshot_id == result.snapshot_id
    assert session.scalar(select(func.count()).select_from(WatchlistSnapshot)) == 1


@pytest.mark.slow  # the real UN list
def test_un_import_counts(session: Session, shared_data: Path) -> None:
    path = shared_data / "watchlists" / "un" / "consolidated.xml"
    root = ET.parse(path).getroot()
    individuals = root.findall("./INDIVIDUALS/INDIVIDUAL")
    entities = root.findall("./ENTITIES/ENTITY")
    aliases = sum(
        1
        for el in [*individuals, *entities]
        for a in [*el.findall("INDIVIDUAL_ALIAS"), *el.findall("ENTITY_ALIAS")]
        if (a.findtext("ALIAS_NAME") or "").strip()
    )
    result = import_watchlist(session=session, path=path, fmt="un")
    session.commit()
    assert result.entity_count == len(individuals) + len(entities)
    rows = session.scalars(select(WatchlistEntity)).all()
    assert sum(1 for r in rows if r.schema == "Person") == len(individuals)
    assert sum(len(r.raw["aliases"]) for r in rows) == aliases
    assert any(r.raw.get("reference_number") for r in rows)
    assert sum(1 for r in rows if r.birth_dates) > len(individuals) // 2


def _ftm_line(entity_id: str, name: str, **props: Any) -> str:
    properties = {"name": [name], **{k: [v] for k, v in props.items()}}
    return json.dumps({"id": entity_id, "schema": "Person", "properties": properties})


def test_ftm_new_version_keeps_history(session: Session, tmp_path: Path) -> None:
    v1 = tmp_path / "v1.jsonl"
    v1.write_text(
        "\n".join(
            [
                _ftm_line("p1", "Ivan Petrov", birthDate="1970-01-02", nationality="ru"),
                _ftm_line("p2", "Anna Schmidt"),
                json.dumps(
                    {"id": "a1", "schema": "Address", "properties": {"full": ["Somewhere"]}}
                ),
            ]
        )
        + "\n"
    )
    first = import_watchlist(session=session, path=v1, fmt="ftm", name="test-ftm")
    assert (first.entity_count, first.added) == (2, 2)
    v2 = tmp_path / "v2.jsonl"
    v2.write_text(
        "\n".join(
            [
                _ftm_line("p1", "Ivan Petrov", birthDate="1970-01-03", nationality="ru"),
                _ftm_line("p3", "Li Wei"),
            ]
        )
        + "\n"
    )
    second = import_watchlist(session=session, path=v2, fmt="ftm", name="test-ftm")
    session.commit()
    assert (second.added, second.changed, second.removed) == (1, 1, 1)
    p1 = session.scalar(select(WatchlistEntity).where(WatchlistEntity.source_id == "p1"))
    assert p1 is not None and p1.birth_dates == ["1970-01-03"] and p1.countries == ["RU"]
    assert p1.first_seen_snapshot_id == first.snapshot_id
    assert p1.last_seen_snapshot_id == second.snapshot_id
    history = session.scalars(
        select(WatchlistEntityVersion).where(WatchlistEntityVersion.entity_id == p1.id)
    ).all()
    assert [h.data["birth_dates"] for h in history] == [["1970-01-02"], ["1970-01-03"]]
    p2 = session.scalar(select(WatchlistEntity).where(WatchlistEntity.source_id == "p2"))
    assert p2 is not None and p2.last_seen_snapshot_id == first.snapshot_id  # retired
    summary = list_watchlists(session=session)
    assert summary[0].current_entities == 2 and len(summary[0].snapshots) == 2


def test_watchlist_cli(cli: Any, shared_data: Path) -> None:
    path = shared_data / "watchlists" / "un" / "consolidated.xml"
    result = cli("watchlist", "import", str(path), "--format", "un")
    assert result.exit_code == 0, result.output
    assert "un-consolidated" in result.output
    listed = cli("watchlist", "list", "--json")
    data = json.loads(listed.output)
    assert data[0]["name"] == "un-consolidated" and data[0]["current_entities"] > 500
    bad = cli("watchlist", "import", str(path), "--format", "xml")
    assert bad.exit_code == 2
