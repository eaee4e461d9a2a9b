"""The one-line verdict every surface leads with (CLI, web banner, onboarding, alerts, reports).

While a potential watch-list match is unresolved the verdict says so first, with the hit, and
never reads as a plain tier: "HIGH — ON HOLD: potential sanctions match …". A politically
exposed client's verdict names the PEP and what it calls for: "HIGH (p=0.12) — PEP (owner:
Deputy Minister of Finance, MD): enhanced due diligence and senior sign-off required". Adverse
media about an owner, director or officer is named after the tier: "MEDIUM (p=0.08) — adverse
media about its owner John Doe (2019): money laundering".
"""

from __future__ import annotations

from typing import Any

from duediligence.db.enums import AssessmentState, Tier
from duediligence.risk.pep import pep_summary
from duediligence.risk.rules import HOLD_RULE, PARTY_RULE, describe_match, hold_kind


def hold_hit(rule_hits: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The stored rule hit that holds the verdict, if any."""
    return next((h for h in rule_hits if h.get("rule") == HOLD_RULE), None)


def party_summary(rule_hits: list[dict[str, Any]]) -> str | None:
    """``adverse media about its owner John Doe (2019): money laundering`` from the stored
    ownership-exposure rule hit; None when there is none."""
    hit = next((h for h in rule_hits if h.get("rule") == PARTY_RULE), None)
    if hit is None:
        return None
    return str(hit["description"]).split(" — ", 1)[0]


def headline(
    tier: Tier | str,
    state: AssessmentState | str,
    probability: float,
    rule_hits: list[dict[str, Any]],
) -> str:
    """``POTENTIAL SANCTIONS MATCH — ON HOLD: A ~ B (list, programme) score 1.00 — HIGH until
    a reviewer confirms or dismisses it`` while on hold, else ``LOW (p=0.03)``; for an
    assessment or a scoring result's fields."""
    tier_text = Tier(tier).value.upper()
    hold = hold_hit(rule_hits)
    if AssessmentState(state) == AssessmentState.ON_HOLD and hold and hold.get("matches"):
        matches = hold["matches"]
        kind = hold_kind(matches)
        more = f" (and {len(matches) - 1} more)" if len(matches) > 1 else ""
        if Tier(tier).rank > Tier.HIGH.rank:  # prohibited by a finding; a hit still waits
            return (
                f"{tier_text} — and a potential {kind.lower().replace('pep', 'PEP')} match "
                "awaits review: "
                f"{describe_match(matches[0])}{more}"
            )
        return (
            f"POTENTIAL {kind} MATCH — ON HOLD: {describe_match(matches[0])}{more} — "
            f"{tier_text} until a reviewer confirms or dismisses it"
        )
    pep = pep_summary(rule_hits)
    party = party_summary(rule_hits)
    tail = f"; {party}" if party else ""
    if pep is not None and Tier(tier).rank > Tier.HIGH.rank:  # prohibited by another finding
        return f"{tier_text} (p={probability:.2f}) — also {pep}{tail}"
    if pep is not None:
        return (
            f"{tier_text} (p={probability:.2f}) — {pep}: enhanced due diligence and senior "
            f"sign-off required{tail}"
        )
    if party:
        return f"{tier_text} (p={probability:.2f}) — {party}"
    return f"{tier_text} (p={probability:.2f})"
