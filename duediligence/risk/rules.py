"""Hard rules on top of the model: findings no score may talk away."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from duediligence.db.enums import Tier
from duediligence.risk.features import ClientRecord, Feature, effective_signals

SERIOUS_LABELS = {"human_trafficking", "forced_labour", "terrorism"}


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired, the tier it demands at least, and the evidence."""

    rule: str
    description: str
    min_tier: Tier
    evidence: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form stored on the assessment."""
        return {
            "rule": self.rule,
            "description": self.description,
            "min_tier": self.min_tier.value,
            "signals": list(self.evidence),
        }


def apply_rules(record: ClientRecord, features: dict[str, Feature]) -> list[RuleHit]:
    """Every rule that fires for ``record``."""
    hits = []
    if features["sanctions_match"].value > 0:
        hits.append(
            RuleHit(
                "confirmed_sanctions_match",
                "A confirmed match on a sanctions or watch list",
                Tier.PROHIBITED,
            )
        )
    if features["jurisdiction_risk"].value >= 1.0:
        hits.append(
            RuleHit(
                "call_for_action_jurisdiction",
                "Client or owner in a FATF call-for-action jurisdiction",
                Tier.HIGH,
            )
        )
    standing = effective_signals(record)
    convictions = [
        s.id
        for s in standing
        if s.label in SERIOUS_LABELS and s.severity in ("conviction", "sanction")
    ]
    if convictions:
        hits.append(
            RuleHit(
                "serious_conviction",
                "Convicted or sanctioned for trafficking, forced labour or terrorism",
                Tier.HIGH,
                tuple(convictions),
            )
        )
    official = [
        s.id
        for s in standing
        if s.label in {"human_trafficking", "forced_labour"}
        and s.kind in ("legal_action", "regulatory_action")
        and s.credibility >= 0.9
    ]
    if official:
        hits.append(
            RuleHit(
                "official_trafficking_finding",
                "Public authorities formally accuse the client of trafficking",
                Tier.HIGH,
                tuple(official),
            )
        )
    return hits
