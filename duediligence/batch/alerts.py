"""Tier changes of a run and the alerts file (CSV and JSON) of clients whose tier rose, or whose
verdict went on hold for an unresolved potential watch-list match (those lead the file)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from duediligence import csvutil
from duediligence.db.base import utcnow
from duediligence.db.enums import AssessmentState, Tier
from duediligence.db.models import Assessment, Client
from duediligence.jsonutil import to_jsonable
from duediligence.risk.rules import HOLD_RULE
from duediligence.risk.verdict import hold_hit

ALERT_TIERS = (Tier.HIGH, Tier.PROHIBITED)  # a first assessment at these tiers is an alert too
ALERT_COLUMNS = [
    "run_id",
    "client_id",
    "external_ref",
    "name",
    "previous_tier",
    "tier",
    "state",
    "previous_probability",
    "probability",
    "assessment_id",
    "changes",
    "reason",
]


@dataclass(frozen=True)
class TierAlert:
    """A client whose tier rose in a run (or whose first assessment is high or prohibited)."""

    run_id: int
    client_id: int
    external_ref: str
    name: str
    previous_tier: str | None
    tier: str
    state: str  # scored | on_hold
    previous_probability: float | None
    probability: float
    assessment_id: int
    changes: list[str]
    reason: str


@dataclass
class TierChanges:
    """Counts of tier movements in a run, and the alerts."""

    up: int = 0
    down: int = 0
    unchanged: int = 0
    new: int = 0
    alerts: list[TierAlert] | None = None

    def counts(self) -> dict[str, int]:
        """``{"up": .., "down": .., "unchanged": .., "new": ..}``."""
        return {"up": self.up, "down": self.down, "unchanged": self.unchanged, "new": self.new}


def _feature_moves(before: dict[str, float | None], after: dict[str, float | None]) -> list[str]:
    moves = []
    known = {k: v for k, v in after.items() if v is not None}
    for name, value in sorted(known.items(), key=lambda kv: -(kv[1] - (before.get(kv[0]) or 0.0))):
        old = before.get(name) or 0.0
        if value - old > 0.05:
            moves.append(f"{name} {old:.2f}->{value:.2f}")
    return moves[:3]


def _reason(
    prev: Assessment | None, new: Assessment, changes: list[str], tier_from: str | None
) -> str:
    parts = [f"tier {tier_from or 'none'} -> {new.tier.value}"]
    hold = hold_hit(new.rule_hits)
    if new.state == AssessmentState.ON_HOLD and hold is not None:
        parts.insert(0, f"ON HOLD: {hold['description']}")
    if changes:
        parts.append("changed: " + ", ".join(changes))
    old_rules = {h["rule"] for h in (prev.rule_hits if prev else [])}
    fired = [
        h["description"]
        for h in new.rule_hits
        if h["rule"] not in old_rules and h["rule"] != HOLD_RULE
    ]
    if fired:
        parts.append("new rule: " + "; ".join(fired))
    moves = _feature_moves(prev.features if prev else {}, new.features)
    if moves:
        parts.append("rising: " + ", ".join(moves))
    summary = (new.explanation or {}).get("summary")
    if summary:
        parts.append(str(summary))
    return " | ".join(parts)


def tier_changes(
    *, session: Session, run_id: int, changes_by_client: dict[int, list[str]] | None = None
) -> TierChanges:
    """Compare every assessment of run ``run_id`` with the client's previous assessment of the
    same kind: for a run as of today, its previous current assessment; for a back-dated
    (historical) run, its newest historical one up to the run's as-of date — never a what-if
    against the present. A rise in tier is an alert, and so is a verdict newly on hold."""
    new_rows = session.execute(
        select(
            Assessment.id,
            Assessment.client_id,
            Assessment.tier,
            Assessment.state,
            Assessment.as_of,
            Assessment.historical,
        ).where(Assessment.run_id == run_id)
    ).all()
    historical = bool(new_rows) and bool(new_rows[0].historical)
    as_of = new_rows[0].as_of if new_rows else None
    # The previous assessment of each client: its newest one outside this run. Grouped
    # look-ups by client in batches use the (client_id, ...) index on both backends; a
    # correlated "newest before this one" subquery made PostgreSQL scan the table per row.
    before: dict[int, tuple[int, Tier, AssessmentState]] = {}
    client_ids = [r.client_id for r in new_rows]
    for start in range(0, len(client_ids), 1000):
        part = client_ids[start : start + 1000]
        newest = (
            select(func.max(Assessment.id))
            .where(
                Assessment.client_id.in_(part),
                Assessment.historical.is_(historical),
                Assessment.as_of <= as_of,
                or_(Assessment.run_id.is_(None), Assessment.run_id != run_id),
            )
            .group_by(Assessment.client_id)
        )
        for old_id, client_id, old_tier, old_state in session.execute(
            select(Assessment.id, Assessment.client_id, Assessment.tier, Assessment.state).where(
                Assessment.id.in_(newest)
            )
        ):
            before[client_id] = (old_id, old_tier, old_state)
    result = TierChanges(alerts=[])
    risen: list[tuple[int, int | None]] = []
    for new_id, client_id, tier, state, _as_of, _historical in new_rows:
        previous = before.get(client_id)
        held = state == AssessmentState.ON_HOLD
        if previous is None:
            result.new += 1
            if tier in ALERT_TIERS or held:
                risen.append((new_id, None))
            continue
        old_id, old_tier, old_state = previous
        newly_held = held and old_state != AssessmentState.ON_HOLD
        if tier.rank > old_tier.rank:
            result.up += 1
        elif tier.rank < old_tier.rank:
            result.down += 1
        else:
            result.unchanged += 1
        if tier.rank > old_tier.rank or newly_held:
            risen.append((new_id, old_id))
    alerts: list[TierAlert] = []
    for start in range(0, len(risen), 500):
        part = risen[start : start + 500]
        ids = [i for pair in part for i in pair if i is not None]
        loaded = {
            a.id: a for a in session.scalars(select(Assessment).where(Assessment.id.in_(ids)))
        }
        alert_clients = {loaded[n].client_id for n, _ in part}
        clients = {
            c.id: (c.external_ref, c.name)
            for c in session.execute(
                select(Client.id, Client.external_ref, Client.name).where(
                    Client.id.in_(alert_clients)
                )
            )
        }
        for alert_id, before_id in part:
            new = loaded[alert_id]
            old = loaded.get(before_id) if before_id is not None else None
            changed = (changes_by_client or {}).get(new.client_id, [])
            ref, name = clients.get(new.client_id, ("", ""))
            alerts.append(
                TierAlert(
                    run_id=run_id,
                    client_id=new.client_id,
                    external_ref=ref,
                    name=name,
                    previous_tier=old.tier.value if old else None,
                    tier=new.tier.value,
                    state=new.state.value,
                    previous_probability=old.probability if old else None,
                    probability=new.probability,
                    assessment_id=new.id,
                    changes=changed,
                    reason=_reason(old, new, changed, old.tier.value if old else None),
                )
            )
    alerts.sort(
        key=lambda a: (a.state != "on_hold", -Tier(a.tier).rank, -a.probability, a.client_id)
    )
    result.alerts = alerts
    return result


def write_alerts(
    alerts: Sequence[TierAlert], directory: Path, *, run_id: int, as_of: date
) -> tuple[Path, Path]:
    """Write ``rescore-<run>-alerts.csv`` and ``.json`` into ``directory`` (always, even empty)."""
    directory.mkdir(parents=True, exist_ok=True)
    csv_path = directory / f"rescore-{run_id}-alerts.csv"
    json_path = directory / f"rescore-{run_id}-alerts.json"
    tmp_csv = csv_path.with_suffix(".csv.tmp")
    with tmp_csv.open("w", newline="", encoding="utf-8") as f:
        writer = csvutil.dict_writer(f, fieldnames=ALERT_COLUMNS)
        writer.writeheader()
        for alert in alerts:
            row: dict[str, Any] = asdict(alert)
            row["changes"] = ";".join(alert.changes)
            writer.writerow(row)
    tmp_csv.replace(csv_path)
    payload = {
        "run_id": run_id,
        "as_of": as_of,
        "generated_at": utcnow(),
        "count": len(alerts),
        "alerts": [asdict(a) for a in alerts],
    }
    tmp_json = json_path.with_suffix(".json.tmp")
    tmp_json.write_text(
        json.dumps(to_jsonable(payload), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    tmp_json.replace(json_path)
    return csv_path, json_path
