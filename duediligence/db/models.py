"""The whole domain schema as SQLAlchemy 2.0 typed models.

Every schema change is an Alembic migration in ``alembic/versions``; a test checks that
autogenerate finds no drift between these models and the migrations.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from duediligence.db.base import Base, JSONType, str_enum, utcnow
from duediligence.db.enums import (
    AssessmentState,
    ChunkStatus,
    ClientStatus,
    DateBasis,
    DecisionAction,
    DecisionStatus,
    EngagementKind,
    LinkStatus,
    MatchStatus,
    ModelKind,
    PartyKind,
    PartyRole,
    ReportFormat,
    ReportKind,
    ReviewStatus,
    Role,
    RunStatus,
    Severity,
    SignalKind,
    Tier,
)


class TimestampMixin:
    """created_at / updated_at columns maintained by the ORM."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# --------------------------------------------------------------------------- roster


class Client(TimestampMixin, Base):
    """A company the vendor sells to (or may sell to)."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_ref: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    aliases: Mapped[list[str]] = mapped_column(JSONType, default=list)
    legal_form: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))
    registration_number: Mapped[str | None] = mapped_column(String(100))
    website: Mapped[str | None] = mapped_column(String(500))
    domains: Mapped[list[str]] = mapped_column(JSONType, default=list)
    industry: Mapped[str | None] = mapped_column(String(100))
    products: Mapped[list[str]] = mapped_column(JSONType, default=list)
    status: Mapped[ClientStatus] = mapped_column(
        str_enum(ClientStatus, "client_status"), default=ClientStatus.PROSPECT
    )
    onboarded_on: Mapped[date | None] = mapped_column(Date)
    offboarded_on: Mapped[date | None] = mapped_column(Date)
    account_owner: Mapped[str | None] = mapped_column(String(200))
    contract_value: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    # Bumped on every change of the profile or its parties; incremental re-scoring compares it.
    profile_version: Mapped[int] = mapped_column(Integer, default=1)

    parties: Mapped[list[Party]] = relationship(back_populates="client", cascade="all")
    engagements: Mapped[list[Engagement]] = relationship(back_populates="client", cascade="all")
    signals: Mapped[list[Signal]] = relationship(back_populates="client")


class Party(TimestampMixin, Base):
    """A person or company related to a client: owner, director or officer."""

    __tablename__ = "parties"
    __table_args__ = (UniqueConstraint("client_id", "party_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    # The upsert key inside one client: the input's id, or the normalised name + role.
    party_key: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[PartyKind] = mapped_column(str_enum(PartyKind, "party_kind"))
    role: Mapped[PartyRole] = mapped_column(str_enum(PartyRole, "party_role"))
    ownership_pct: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    birth_date: Mapped[date | None] = mapped_column(Date)
    country: Mapped[str | None] = mapped_column(String(2))
    pseudonymised_at: Mapped[datetime | None] = mapped_column()

    client: Mapped[Client] = relationship(back_populates="parties")


class Engagement(TimestampMixin, Base):
    """Something the vendor did for or sold to a client, on a date."""

    __tablename__ = "engagements"
    __table_args__ = (UniqueConstraint("client_id", "engagement_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    engagement_key: Mapped[str] = mapped_column(String(200))
    date: Mapped[date] = mapped_column(Date)
    kind: Mapped[EngagementKind] = mapped_column(str_enum(EngagementKind, "engagement_kind"))
    description: Mapped[str | None] = mapped_column(Text)
    value: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))

    client: Mapped[Client] = relationship(back_populates="engagements")


class Signal(TimestampMixin, Base):
    """A red-flag (or benign) public record item, dated by when it became public."""

    __tablename__ = "signals"
    __table_args__ = (Index("ix_signals_client_id_published_at", "client_id", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL"), index=True
    )
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    kind: Mapped[SignalKind] = mapped_column(str_enum(SignalKind, "signal_kind"))
    title: Mapped[str] = mapped_column(String(1000))
    text: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(2000))
    published_at: Mapped[date] = mapped_column(Date, index=True)  # the UTC date (date rule)
    # The publication time as the source wrote it, its UTC offset in minutes (None: it had
    # none) and how published_at was obtained (None: stored before the rule was recorded).
    published_original: Mapped[str | None] = mapped_column(String(100))
    published_utc_offset: Mapped[int | None] = mapped_column(Integer)
    published_basis: Mapped[DateBasis | None] = mapped_column(str_enum(DateBasis, "date_basis"))
    retrieved_at: Mapped[datetime | None] = mapped_column()
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    subject_name: Mapped[str | None] = mapped_column(String(300))  # the name the item is about
    severity: Mapped[Severity | None] = mapped_column(str_enum(Severity, "severity"))
    credibility: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str | None] = mapped_column(String(40))
    label_probabilities: Mapped[dict[str, float] | None] = mapped_column(JSONType)
    model_version: Mapped[str | None] = mapped_column(String(100))
    # the classifier's reading about the linked client (issue 16): its role in the item
    # (subject, victim, other party, cleared, mentioned), the calibrated probability that the
    # item is adverse media, and the one to three sentences behind the verdict
    role: Mapped[str | None] = mapped_column(String(20))
    adverse_probability: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[list[str] | None] = mapped_column(JSONType)
    link_status: Mapped[LinkStatus] = mapped_column(
        str_enum(LinkStatus, "link_status"), default=LinkStatus.UNLINKED
    )
    link_score: Mapped[float | None] = mapped_column(Float)
    link_candidates: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType)
    # News linking (issue 17): the party (owner, director, officer) the item is about when it
    # reached the client through that party, the evidence behind the link (matched mention, its
    # sentence, where it stood, how often, the reason) and the reviewer who confirmed or
    # re-linked it.
    link_party_id: Mapped[int | None] = mapped_column(
        ForeignKey("parties.id", ondelete="SET NULL"), index=True
    )
    link_evidence: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    link_reviewed_by: Mapped[str | None] = mapped_column(String(100))
    link_reviewed_at: Mapped[datetime | None] = mapped_column()
    review_status: Mapped[ReviewStatus] = mapped_column(
        str_enum(ReviewStatus, "review_status"), default=ReviewStatus.UNREVIEWED
    )
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    review_reason: Mapped[str | None] = mapped_column(Text)
    # Set on the sanction signal a confirmed screening match records: that finding counts once,
    # through the match, never again as adverse media or as a news source.
    screening_match_id: Mapped[int | None] = mapped_column(
        ForeignKey("screening_matches.id", ondelete="SET NULL"), unique=True
    )

    client: Mapped[Client | None] = relationship(back_populates="signals")
    link_party: Mapped[Party | None] = relationship()


class SignalLinkRejection(Base):
    """A reviewer's rejection of a signal's link to a client (or to one of its parties): the
    linker never makes that link again."""

    __tablename__ = "signal_link_rejections"
    __table_args__ = (UniqueConstraint("signal_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    rejected_by: Mapped[str] = mapped_column(String(100))
    rejected_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)


# --------------------------------------------------------------------------- watchlists


class Watchlist(TimestampMixin, Base):
    """A sanctions or watch list source (OFAC SDN, UN consolidated, an FtM export ...)."""

    __tablename__ = "watchlists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    source_format: Mapped[str] = mapped_column(String(20))  # ofac | un | ftm
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    snapshots: Mapped[list[WatchlistSnapshot]] = relationship(
        back_populates="watchlist", foreign_keys="WatchlistSnapshot.watchlist_id"
    )


class WatchlistSnapshot(Base):
    """One import of a list file: which version, when, and the file's SHA-256."""

    __tablename__ = "watchlist_snapshots"
    __table_args__ = (UniqueConstraint("watchlist_id", "source_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlists.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(100))
    source_sha256: Mapped[str] = mapped_column(String(64))
    source_path: Mapped[str | None] = mapped_column(String(1000))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the publisher issued this version of the list, and how we know (the file's own
    # date, ``--published`` on import, or the file's modification time); never the import date.
    published_on: Mapped[date | None] = mapped_column(Date)
    published_source: Mapped[str | None] = mapped_column(String(60))
    entity_count: Mapped[int] = mapped_column(Integer, default=0)
    added_count: Mapped[int] = mapped_column(Integer, default=0)
    changed_count: Mapped[int] = mapped_column(Integer, default=0)
    removed_count: Mapped[int] = mapped_column(Integer, default=0)

    watchlist: Mapped[Watchlist] = relationship(
        back_populates="snapshots", foreign_keys=[watchlist_id]
    )


class WatchlistEntity(Base):
    """One listed person, company, vessel or aircraft, as of its latest snapshot."""

    __tablename__ = "watchlist_entities"
    __table_args__ = (UniqueConstraint("watchlist_id", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    watchlist_id: Mapped[int] = mapped_column(
        ForeignKey("watchlists.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[str] = mapped_column(String(200))  # OFAC ent_num, UN DATAID, FtM id
    schema: Mapped[str] = mapped_column(String(40))  # FtM schema: Person, Company, Vessel ...
    name: Mapped[str] = mapped_column(String(500))  # primary name (caption)
    names: Mapped[list[str]] = mapped_column(JSONType, default=list)  # all names incl. aliases
    # Weak aliases (OFAC remarks a.k.a., UN QUALITY Low, FtM weakAlias): screened, but a hit
    # through one alone stays below the threshold unless something else corroborates it.
    weak_names: Mapped[list[str]] = mapped_column(JSONType, default=list)
    countries: Mapped[list[str]] = mapped_column(JSONType, default=list)
    identifiers: Mapped[list[str]] = mapped_column(JSONType, default=list)
    birth_dates: Mapped[list[str]] = mapped_column(JSONType, default=list)
    topics: Mapped[list[str]] = mapped_column(JSONType, default=list)
    programs: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # The date the entry was listed, where the source gives one, and which field said so
    # (``UN LISTED_ON``, ``FtM Sanction.listingDate`` ...).
    listed_on: Mapped[date | None] = mapped_column(Date)
    listed_on_source: Mapped[str | None] = mapped_column(String(60))
    raw: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_snapshot_id: Mapped[int] = mapped_column(ForeignKey("watchlist_snapshots.id"))
    last_seen_snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("watchlist_snapshots.id"), index=True
    )
    changed_snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("watchlist_snapshots.id"))

    watchlist: Mapped[Watchlist] = relationship()


class WatchlistEntityVersion(Base):
    """History: an entity's content as recorded in a given snapshot, kept when it changes."""

    __tablename__ = "watchlist_entity_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(
        ForeignKey("watchlist_entities.id", ondelete="CASCADE"), index=True
    )
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("watchlist_snapshots.id"))
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)


class ScreeningMatch(TimestampMixin, Base):
    """A possible hit of a client (or its alias or party) on a watchlist entity."""

    __tablename__ = "screening_matches"
    __table_args__ = (UniqueConstraint("subject_key", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"))
    subject_key: Mapped[str] = mapped_column(String(100))  # "client:12" or "party:40"
    subject_name: Mapped[str] = mapped_column(String(500))
    entity_id: Mapped[int] = mapped_column(
        ForeignKey("watchlist_entities.id", ondelete="CASCADE"), index=True
    )
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("watchlist_snapshots.id"))
    score: Mapped[float] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    matcher_version: Mapped[str] = mapped_column(String(50))
    # Hashes of what was compared; a change of either re-opens a dismissed match.
    subject_hash: Mapped[str | None] = mapped_column(String(64))
    entity_hash: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[MatchStatus] = mapped_column(
        str_enum(MatchStatus, "match_status"), default=MatchStatus.PENDING
    )
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column()
    decision_reason: Mapped[str | None] = mapped_column(Text)

    client: Mapped[Client] = relationship()
    party: Mapped[Party | None] = relationship()
    entity: Mapped[WatchlistEntity] = relationship()


# --------------------------------------------------------------------------- models & scoring


class ModelVersion(Base):
    """A trained model artifact registered for use: what it is, how it was made, its hash."""

    __tablename__ = "model_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ModelKind] = mapped_column(str_enum(ModelKind, "model_kind"))
    version: Mapped[str] = mapped_column(String(100), unique=True)
    sklearn_version: Mapped[str] = mapped_column(String(30))
    features: Mapped[list[str]] = mapped_column(JSONType, default=list)
    training_data_hash: Mapped[str] = mapped_column(String(64))
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    artifact_path: Mapped[str] = mapped_column(String(1000))
    artifact_sha256: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column()


class Lease(Base):
    """A named lock with an expiry, so a crashed holder does not block others forever."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class ScoringRun(Base):
    """One roster re-scoring run (full or incremental), shared by one or more workers."""

    __tablename__ = "scoring_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[RunStatus] = mapped_column(
        str_enum(RunStatus, "run_status"), default=RunStatus.RUNNING
    )
    mode: Mapped[str] = mapped_column(String(20))  # full | incremental
    as_of: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    started_by: Mapped[str | None] = mapped_column(String(100))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    summary: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    signal_model_version: Mapped[str | None] = mapped_column(String(100))
    risk_model_version: Mapped[str | None] = mapped_column(String(100))
    chunk_count: Mapped[int] = mapped_column(Integer, default=0)
    client_count: Mapped[int] = mapped_column(Integer, default=0)

    chunks: Mapped[list[ScoringChunk]] = relationship(back_populates="run")


class ScoringChunk(Base):
    """A unit of work in a run: a list of client ids, claimed and scored in one transaction."""

    __tablename__ = "scoring_chunks"
    __table_args__ = (
        UniqueConstraint("run_id", "seq"),
        Index("ix_scoring_chunks_run_id_status", "run_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scoring_runs.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    client_ids: Mapped[list[int]] = mapped_column(JSONType)
    status: Mapped[ChunkStatus] = mapped_column(
        str_enum(ChunkStatus, "chunk_status"), default=ChunkStatus.PENDING
    )
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)

    run: Mapped[ScoringRun] = relationship(back_populates="chunks")


class Assessment(Base):
    """An immutable risk assessment of a client as of a date. Never updated after insert."""

    __tablename__ = "assessments"
    __table_args__ = (
        Index("ix_assessments_client_id_created_at", "client_id", "created_at"),
        Index("ix_assessments_client_id_as_of", "client_id", "as_of"),
        UniqueConstraint("run_id", "client_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    as_of: Mapped[date] = mapped_column(Date)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("scoring_runs.id", ondelete="SET NULL"))
    signal_model_version: Mapped[str | None] = mapped_column(String(100))
    risk_model_version: Mapped[str | None] = mapped_column(String(100))
    probability: Mapped[float] = mapped_column(Float)
    tier: Mapped[Tier] = mapped_column(str_enum(Tier, "tier"))
    # ``on_hold`` while a potential watch-list match awaits a reviewer's verdict.
    state: Mapped[AssessmentState] = mapped_column(
        str_enum(AssessmentState, "assessment_state"), default=AssessmentState.SCORED
    )
    # A point-in-time view: its as-of date was before the day it was made (a what-if, or the
    # record as it stood then). Never the client's current assessment; decisions refuse it.
    historical: Mapped[bool] = mapped_column(Boolean, default=False)
    rule_hits: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # None where the record held no information on a feature (it contributed nothing)
    features: Mapped[dict[str, float | None]] = mapped_column(JSONType, default=dict)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    inputs_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(100))

    client: Mapped[Client] = relationship()


# --------------------------------------------------------------------------- review & audit


class User(TimestampMixin, Base):
    """A person who uses the tool, with one role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    password_hash: Mapped[str | None] = mapped_column(String(300))
    api_token_hash: Mapped[str | None] = mapped_column(String(128), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Decision(Base):
    """A reviewer's decision on an assessment. Never edited; corrections supersede it."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    action: Mapped[DecisionAction] = mapped_column(str_enum(DecisionAction, "decision_action"))
    rationale: Mapped[str] = mapped_column(Text)
    status: Mapped[DecisionStatus] = mapped_column(str_enum(DecisionStatus, "decision_status"))
    requires_second: Mapped[bool] = mapped_column(Boolean, default=False)
    maker: Mapped[str] = mapped_column(String(100))
    made_at: Mapped[datetime] = mapped_column(default=utcnow)
    checker: Mapped[str | None] = mapped_column(String(100))
    checked_at: Mapped[datetime | None] = mapped_column()
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    next_review_on: Mapped[date | None] = mapped_column(Date)
    # Enhanced due diligence (a politically exposed client, FATF R.12): the decision also needs
    # a senior approver's sign-off, and an approval needs the EDD fields.
    requires_senior: Mapped[bool] = mapped_column(Boolean, default=False)
    senior_approver: Mapped[str | None] = mapped_column(String(100))
    senior_approved_at: Mapped[datetime | None] = mapped_column()
    source_of_wealth: Mapped[str | None] = mapped_column(Text)
    source_of_funds: Mapped[str | None] = mapped_column(Text)
    edd_rationale: Mapped[str | None] = mapped_column(Text)

    assessment: Mapped[Assessment] = relationship()


class RenderedReport(Base):
    """A report file we rendered, with its SHA-256 so ``report verify`` can check it later."""

    __tablename__ = "rendered_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ReportKind] = mapped_column(str_enum(ReportKind, "report_kind"))
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"), index=True)
    format: Mapped[ReportFormat] = mapped_column(str_enum(ReportFormat, "report_format"))
    path: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(100))


class AuditEvent(Base):
    """Append-only, hash-chained record of every state change."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str | None] = mapped_column(String(100))
    client_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: survives purges
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # 1: hashed with the legacy json.dumps encoding (events stored before RFC 8785 was adopted);
    # 2: RFC 8785 canonical JSON. See duediligence.audit.trail.
    hash_scheme: Mapped[int] = mapped_column(SmallInteger, default=2, server_default=text("1"))
    # How the actor was authenticated ("token", "password", "unauthenticated": the CLI's escape
    # hatch), hashed with the event when present; NULL when the CLI authenticated nobody (events
    # recorded before 0009, system jobs, a database without users) and, for now, for web app
    # actions (always authenticated by a login session or an API token, not yet recorded here).
    auth: Mapped[str | None] = mapped_column(String(20))
