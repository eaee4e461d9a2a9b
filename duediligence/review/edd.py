"""Enhanced due diligence on a politically exposed client: which steps are done, which missing.

The steps follow FATF Recommendation 12(b) (EU Directive 2015/849 art. 20(b); UK MLRs 2017
reg. 35(5)): senior management approval to start or continue the relationship, reasonable
measures to establish the source of wealth and the source of funds, and enhanced ongoing
monitoring — here, with the product's four-eyes review and a recorded rationale. Pure
functions of a stored assessment and decision; :func:`duediligence.review.decisions.edd_status`
loads them.
"""

from __future__ import annotations

from typing import Any

from duediligence.db.enums import DecisionAction, DecisionStatus
from duediligence.db.models import Assessment, Decision
from duediligence.risk.pep import pep_hit, pep_summary

APPROVALS = frozenset({DecisionAction.APPROVE, DecisionAction.APPROVE_WITH_CONDITIONS})
EDD_FIELDS = ("source_of_wealth", "source_of_funds", "edd_rationale")
EDD_LABELS = {
    "source_of_wealth": "source of wealth",
    "source_of_funds": "source of funds",
    "edd_rationale": "EDD rationale",
}


def needs_edd(assessment: Assessment) -> bool:
    """Whether the assessment found a politically exposed person on the client's file."""
    return pep_hit(assessment.rule_hits or []) is not None


def missing_edd_fields(values: dict[str, Any]) -> list[str]:
    """The reader-facing names of the EDD fields left blank in ``values``."""
    return [EDD_LABELS[f] for f in EDD_FIELDS if not (values.get(f) or "").strip()]


def edd_steps(assessment: Assessment, decision: Decision | None) -> list[dict[str, Any]]:
    """Each EDD step as ``{"step", "done", "detail"}``: the PEP identified (from the
    assessment), source of wealth, source of funds, rationale, second reviewer, senior
    approval, and enhanced ongoing monitoring (a next-review date once in force)."""
    hit = pep_hit(assessment.rule_hits or [])
    if hit is None:
        return []
    d = decision
    effective = d is not None and d.status == DecisionStatus.EFFECTIVE

    def step(name: str, done: bool, detail: str | None) -> dict[str, Any]:
        return {"step": name, "done": done, "detail": detail}

    return [
        step("politically exposed person identified", True, pep_summary(assessment.rule_hits)),
        step(
            "source of wealth established",
            bool(d and d.source_of_wealth),
            d.source_of_wealth if d else None,
        ),
        step(
            "source of funds established",
            bool(d and d.source_of_funds),
            d.source_of_funds if d else None,
        ),
        step("EDD rationale recorded", bool(d and d.edd_rationale), d.edd_rationale if d else None),
        step(
            "second reviewer",
            bool(d and d.checker),
            f"{d.checker} at {d.checked_at:%Y-%m-%d %H:%M} UTC" if d and d.checker else None,
        ),
        step(
            "senior management approval",
            bool(d and d.senior_approver),
            f"{d.senior_approver} at {d.senior_approved_at:%Y-%m-%d %H:%M} UTC"
            if d and d.senior_approver and d.senior_approved_at
            else None,
        ),
        step(
            "enhanced ongoing monitoring",
            bool(effective and d is not None and d.next_review_on),
            f"next review {d.next_review_on}" if effective and d and d.next_review_on else None,
        ),
    ]
