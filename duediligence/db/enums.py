"""Enumerations shared by the ORM, the input schemas and the CLI."""

from __future__ import annotations

from enum import StrEnum


class ClientStatus(StrEnum):
    PROSPECT = "prospect"
    ACTIVE = "active"
    OFFBOARDED = "offboarded"


class PartyKind(StrEnum):
    PERSON = "person"
    COMPANY = "company"


class PartyRole(StrEnum):
    OWNER = "owner"
    DIRECTOR = "director"
    OFFICER = "officer"


class EngagementKind(StrEnum):
    CONTRACT = "contract"
    RENEWAL = "renewal"
    UPSELL = "upsell"
    CONSULTATION = "consultation"
    CUSTOM_BUILD = "custom_build"
    SUPPORT = "support"


class SignalKind(StrEnum):
    NEWS = "news"
    LEGAL_ACTION = "legal_action"
    REGULATORY_ACTION = "regulatory_action"
    SANCTION = "sanction"
    WATCHLIST = "watchlist"
    INTERNAL = "internal"


class DateBasis(StrEnum):
    """How a signal's publication date was obtained (see ``duediligence.ingest.dates``)."""

    DATE = "date"  # a calendar date, no time of day
    OFFSET = "offset"  # a timestamp with a UTC offset, converted to UTC
    NAIVE_UTC = "naive_utc"  # a timestamp without an offset, taken as UTC
    ITEM_UPDATED = "item_updated"  # estimated: a feed item's updated time
    CHANNEL = "channel"  # estimated: the feed's own (channel) date
    RETRIEVED = "retrieved"  # estimated: when the item was retrieved (imported)
    SNAPSHOT = "snapshot"  # estimated: when the list snapshot was imported


class Severity(StrEnum):
    """How far a matter has progressed; later stages weigh more."""

    ALLEGATION = "allegation"
    CHARGE = "charge"
    CONVICTION = "conviction"
    SETTLEMENT = "settlement"
    SANCTION = "sanction"


class ReviewStatus(StrEnum):
    UNREVIEWED = "unreviewed"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class LinkStatus(StrEnum):
    """How a signal came to be tied to a client."""

    IMPORTED = "imported"  # the input file named the client
    LINKED = "linked"  # name matching linked it with confidence
    AMBIGUOUS = "ambiguous"  # several candidates; waits for review
    UNLINKED = "unlinked"  # no client matched (yet)


class MatchStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class AssessmentState(StrEnum):
    """Whether an assessment's verdict stands or waits for a reviewer."""

    SCORED = "scored"
    ON_HOLD = "on_hold"  # a potential watch-list match is unresolved


class ModelKind(StrEnum):
    SIGNALS = "signals"
    RISK = "risk"


class RunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class ChunkStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    DONE = "done"
    FAILED = "failed"


class Tier(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    PROHIBITED = "prohibited"

    @property
    def rank(self) -> int:
        """Order of severity: low=0 ... prohibited=3."""
        return list(Tier).index(self)


class DecisionAction(StrEnum):
    APPROVE = "approve"
    APPROVE_WITH_CONDITIONS = "approve_with_conditions"
    ESCALATE = "escalate"
    REJECT = "reject"
    OFFBOARD = "offboard"


class DecisionStatus(StrEnum):
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    EFFECTIVE = "effective"
    SUPERSEDED = "superseded"


class Role(StrEnum):
    ANALYST = "analyst"
    REVIEWER = "reviewer"
    AUDITOR = "auditor"
    ADMIN = "admin"
    SENIOR = "senior"  # senior management: signs off relationships with PEPs (FATF R.12)


class ReportFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"
    JSON = "json"
    CSV = "csv"


class ReportKind(StrEnum):
    CLIENT = "client"
    ROSTER = "roster"
    EXPOSURE = "exposure"
