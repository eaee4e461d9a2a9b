"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 05:05:27.409425
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import duediligence.db.base
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("object_type", sa.String(length=60), nullable=False),
        sa.Column("object_id", sa.String(length=100), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column(
            "before",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "after",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("sequence", name=op.f("uq_audit_events_sequence")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_client_id"), ["client_id"], unique=False)

    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_ref", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column(
            "aliases",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("legal_form", sa.String(length=100), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("registration_number", sa.String(length=100), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column(
            "domains",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("industry", sa.String(length=100), nullable=True),
        sa.Column(
            "products",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "prospect",
                "active",
                "offboarded",
                name="client_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("onboarded_on", sa.Date(), nullable=True),
        sa.Column("offboarded_on", sa.Date(), nullable=True),
        sa.Column("account_owner", sa.String(length=200), nullable=True),
        sa.Column("contract_value", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("profile_version", sa.Integer(), nullable=False),
        sa.Column("created_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint("external_ref", name=op.f("uq_clients_external_ref")),
    )
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clients_name"), ["name"], unique=False)

    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("acquired_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leases")),
    )
    op.create_table(
        "model_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "signals",
                "risk",
                name="model_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("sklearn_version", sa.String(length=30), nullable=False),
        sa.Column(
            "features",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("training_data_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "metrics",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("artifact_path", sa.String(length=1000), nullable=False),
        sa.Column("artifact_sha256", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("activated_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_versions")),
        sa.UniqueConstraint("version", name=op.f("uq_model_versions_version")),
    )
    op.create_table(
        "scoring_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "running",
                "completed",
                "failed",
                name="run_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("started_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_by", sa.String(length=100), nullable=True),
        sa.Column(
            "params",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "summary",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("signal_model_version", sa.String(length=100), nullable=True),
        sa.Column("risk_model_version", sa.String(length=100), nullable=True),
        sa.Column("chunk_count", sa.Integer(), nullable=False),
        sa.Column("client_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoring_runs")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "analyst",
                "reviewer",
                "auditor",
                "admin",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("password_hash", sa.String(length=300), nullable=True),
        sa.Column("api_token_hash", sa.String(length=128), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("api_token_hash", name=op.f("uq_users_api_token_hash")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "watchlists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("source_format", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watchlists")),
        sa.UniqueConstraint("name", name=op.f("uq_watchlists_name")),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("signal_model_version", sa.String(length=100), nullable=True),
        sa.Column("risk_model_version", sa.String(length=100), nullable=True),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column(
            "tier",
            sa.Enum(
                "low",
                "medium",
                "high",
                "prohibited",
                name="tier",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "rule_hits",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "features",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "explanation",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("inputs_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_assessments_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["scoring_runs.id"],
            name=op.f("fk_assessments_run_id_scoring_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.UniqueConstraint("run_id", "client_id", name=op.f("uq_assessments_run_id_client_id")),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessments_client_id_created_at", ["client_id", "created_at"], unique=False
        )

    op.create_table(
        "engagements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("engagement_key", sa.String(length=200), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "contract",
                "renewal",
                "upsell",
                "consultation",
                "custom_build",
                "support",
                name="engagement_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("value", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("created_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_engagements_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagements")),
        sa.UniqueConstraint(
            "client_id", "engagement_key", name=op.f("uq_engagements_client_id_engagement_key")
        ),
    )
    with op.batch_alter_table("engagements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_engagements_client_id"), ["client_id"], unique=False)

    op.create_table(
        "parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("party_key", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "person",
                "company",
                name="party_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "role",
            sa.Enum(
                "owner",
                "director",
                "officer",
                name="party_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("ownership_pct", sa.Numeric(precision=6, scale=3), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column(
            "pseudonymised_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("created_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_parties_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parties")),
        sa.UniqueConstraint("client_id", "party_key", name=op.f("uq_parties_client_id_party_key")),
    )
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_parties_client_id"), ["client_id"], unique=False)

    op.create_table(
        "scoring_chunks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column(
            "client_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "claimed",
                "done",
                "failed",
                name="chunk_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("claimed_by", sa.String(length=200), nullable=True),
        sa.Column("claimed_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["scoring_runs.id"],
            name=op.f("fk_scoring_chunks_run_id_scoring_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoring_chunks")),
        sa.UniqueConstraint("run_id", "seq", name=op.f("uq_scoring_chunks_run_id_seq")),
    )
    with op.batch_alter_table("scoring_chunks", schema=None) as batch_op:
        batch_op.create_index("ix_scoring_chunks_run_id_status", ["run_id", "status"], unique=False)

    op.create_table(
        "signals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "news",
                "legal_action",
                "regulatory_action",
                "sanction",
                "watchlist",
                "internal",
                name="signal_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=1000), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("published_at", sa.Date(), nullable=False),
        sa.Column("retrieved_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("subject_name", sa.String(length=300), nullable=True),
        sa.Column(
            "severity",
            sa.Enum(
                "allegation",
                "charge",
                "conviction",
                "settlement",
                "sanction",
                name="severity",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("credibility", sa.Float(), nullable=True),
        sa.Column("label", sa.String(length=40), nullable=True),
        sa.Column(
            "label_probabilities",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("model_version", sa.String(length=100), nullable=True),
        sa.Column(
            "link_status",
            sa.Enum(
                "imported",
                "linked",
                "ambiguous",
                "unlinked",
                name="link_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("link_score", sa.Float(), nullable=True),
        sa.Column(
            "link_candidates",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "review_status",
            sa.Enum(
                "unreviewed",
                "confirmed",
                "dismissed",
                name="review_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reviewed_by", sa.String(length=100), nullable=True),
        sa.Column("reviewed_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("created_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_signals_client_id_clients"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signals")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_signals_content_hash")),
        sa.UniqueConstraint("external_id", name=op.f("uq_signals_external_id")),
    )
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signals_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            "ix_signals_client_id_published_at", ["client_id", "published_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_signals_published_at"), ["published_at"], unique=False)

    op.create_table(
        "watchlist_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watchlist_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("source_path", sa.String(length=1000), nullable=True),
        sa.Column("imported_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("entity_count", sa.Integer(), nullable=False),
        sa.Column("added_count", sa.Integer(), nullable=False),
        sa.Column("changed_count", sa.Integer(), nullable=False),
        sa.Column("removed_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["watchlist_id"],
            ["watchlists.id"],
            name=op.f("fk_watchlist_snapshots_watchlist_id_watchlists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watchlist_snapshots")),
        sa.UniqueConstraint(
            "watchlist_id",
            "source_sha256",
            name=op.f("uq_watchlist_snapshots_watchlist_id_source_sha256"),
        ),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "approve",
                "approve_with_conditions",
                "escalate",
                "reject",
                "offboard",
                name="decision_action",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "awaiting_confirmation",
                "effective",
                "superseded",
                name="decision_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("requires_second", sa.Boolean(), nullable=False),
        sa.Column("maker", sa.String(length=100), nullable=False),
        sa.Column("made_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("checker", sa.String(length=100), nullable=True),
        sa.Column("checked_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_decisions_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_decisions_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["decisions.id"], name=op.f("fk_decisions_supersedes_id_decisions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decisions_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_decisions_client_id"), ["client_id"], unique=False)

    op.create_table(
        "rendered_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "client",
                "roster",
                "exposure",
                name="report_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column(
            "format",
            sa.Enum(
                "html",
                "pdf",
                "json",
                "csv",
                name="report_format",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_rendered_reports_assessment_id_assessments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rendered_reports")),
    )
    with op.batch_alter_table("rendered_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rendered_reports_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_rendered_reports_sha256"), ["sha256"], unique=False)

    op.create_table(
        "watchlist_entities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watchlist_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("schema", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column(
            "names",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "countries",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "identifiers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "birth_dates",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "topics",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "programs",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "raw",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_snapshot_id", sa.Integer(), nullable=False),
        sa.Column("last_seen_snapshot_id", sa.Integer(), nullable=False),
        sa.Column("changed_snapshot_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_snapshot_id"],
            ["watchlist_snapshots.id"],
            name=op.f("fk_watchlist_entities_changed_snapshot_id_watchlist_snapshots"),
        ),
        sa.ForeignKeyConstraint(
            ["first_seen_snapshot_id"],
            ["watchlist_snapshots.id"],
            name=op.f("fk_watchlist_entities_first_seen_snapshot_id_watchlist_snapshots"),
        ),
        sa.ForeignKeyConstraint(
            ["last_seen_snapshot_id"],
            ["watchlist_snapshots.id"],
            name=op.f("fk_watchlist_entities_last_seen_snapshot_id_watchlist_snapshots"),
        ),
        sa.ForeignKeyConstraint(
            ["watchlist_id"],
            ["watchlists.id"],
            name=op.f("fk_watchlist_entities_watchlist_id_watchlists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watchlist_entities")),
        sa.UniqueConstraint(
            "watchlist_id", "source_id", name=op.f("uq_watchlist_entities_watchlist_id_source_id")
        ),
    )
    with op.batch_alter_table("watchlist_entities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_watchlist_entities_last_seen_snapshot_id"),
            ["last_seen_snapshot_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_watchlist_entities_watchlist_id"), ["watchlist_id"], unique=False
        )

    op.create_table(
        "screening_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("subject_key", sa.String(length=100), nullable=False),
        sa.Column("subject_name", sa.String(length=500), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column(
            "explanation",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("matcher_version", sa.String(length=50), nullable=False),
        sa.Column("subject_hash", sa.String(length=64), nullable=True),
        sa.Column("entity_hash", sa.String(length=64), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "confirmed",
                "dismissed",
                name="match_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("created_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_screening_matches_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["watchlist_entities.id"],
            name=op.f("fk_screening_matches_entity_id_watchlist_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_screening_matches_party_id_parties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["watchlist_snapshots.id"],
            name=op.f("fk_screening_matches_snapshot_id_watchlist_snapshots"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_matches")),
        sa.UniqueConstraint(
            "subject_key", "entity_id", name=op.f("uq_screening_matches_subject_key_entity_id")
        ),
    )
    with op.batch_alter_table("screening_matches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screening_matches_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_screening_matches_entity_id"), ["entity_id"], unique=False
        )

    op.create_table(
        "watchlist_entity_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["watchlist_entities.id"],
            name=op.f("fk_watchlist_entity_versions_entity_id_watchlist_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["watchlist_snapshots.id"],
            name=op.f("fk_watchlist_entity_versions_snapshot_id_watchlist_snapshots"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watchlist_entity_versions")),
    )
    with op.batch_alter_table("watchlist_entity_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_watchlist_entity_versions_entity_id"), ["entity_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("watchlist_entity_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_watchlist_entity_versions_entity_id"))

    op.drop_table("watchlist_entity_versions")
    with op.batch_alter_table("screening_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_matches_entity_id"))
        batch_op.drop_index(batch_op.f("ix_screening_matches_client_id"))

    op.drop_table("screening_matches")
    with op.batch_alter_table("watchlist_entities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_watchlist_entities_watchlist_id"))
        batch_op.drop_index(batch_op.f("ix_watchlist_entities_last_seen_snapshot_id"))

    op.drop_table("watchlist_entities")
    with op.batch_alter_table("rendered_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rendered_reports_sha256"))
        batch_op.drop_index(batch_op.f("ix_rendered_reports_assessment_id"))

    op.drop_table("rendered_reports")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_client_id"))
        batch_op.drop_index(batch_op.f("ix_decisions_assessment_id"))

    op.drop_table("decisions")
    op.drop_table("watchlist_snapshots")
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signals_published_at"))
        batch_op.drop_index("ix_signals_client_id_published_at")
        batch_op.drop_index(batch_op.f("ix_signals_client_id"))

    op.drop_table("signals")
    with op.batch_alter_table("scoring_chunks", schema=None) as batch_op:
        batch_op.drop_index("ix_scoring_chunks_run_id_status")

    op.drop_table("scoring_chunks")
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parties_client_id"))

    op.drop_table("parties")
    with op.batch_alter_table("engagements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_engagements_client_id"))

    op.drop_table("engagements")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_assessments_client_id_created_at")

    op.drop_table("assessments")
    op.drop_table("watchlists")
    op.drop_table("users")
    op.drop_table("scoring_runs")
    op.drop_table("model_versions")
    op.drop_table("leases")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clients_name"))

    op.drop_table("clients")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_client_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_action"))

    op.drop_table("audit_events")
