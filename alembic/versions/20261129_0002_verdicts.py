"""verdicts: assessment state and history, listing and publication dates, match signals

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 19:23:13.573247
"""

import hashlib
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "state",
                sa.Enum(
                    "scored",
                    "on_hold",
                    name="assessment_state",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=False,
                server_default="scored",
            )
        )
        batch_op.add_column(
            sa.Column("historical", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(
            "ix_assessments_client_id_as_of", ["client_id", "as_of"], unique=False
        )
    # An assessment whose as-of date is before the day it was made is a point-in-time view.
    created_day = (
        "date(created_at)"
        if op.get_bind().dialect.name == "sqlite"
        else "(created_at AT TIME ZONE 'UTC')::date"
    )
    op.execute(f"UPDATE assessments SET historical = true WHERE as_of < {created_day}")  # noqa: S608
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.alter_column("state", server_default=None)
        batch_op.alter_column("historical", server_default=None)

    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("screening_match_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_signals_screening_match_id"), ["screening_match_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_signals_screening_match_id_screening_matches"),
            "screening_matches",
            ["screening_match_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # Sanction signals recorded by confirmed matches were keyed by sha256("match:<id>").
    bind = op.get_bind()
    by_hash = {
        hashlib.sha256(f"match:{mid}".encode()).hexdigest(): mid
        for (mid,) in bind.execute(sa.text("SELECT id FROM screening_matches"))
    }
    for sid, chash in bind.execute(
        sa.text("SELECT id, content_hash FROM signals WHERE kind = 'sanction'")
    ).all():
        if chash in by_hash:
            bind.execute(
                sa.text("UPDATE signals SET screening_match_id = :m WHERE id = :s"),
                {"m": by_hash[chash], "s": sid},
            )

    with op.batch_alter_table("watchlist_entities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("listed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("listed_on_source", sa.String(length=60), nullable=True))
    # UN entries kept their LISTED_ON in the raw record.
    entities = sa.table(
        "watchlist_entities",
        sa.column("id", sa.Integer),
        sa.column("watchlist_id", sa.Integer),
        sa.column("raw", sa.JSON),
        sa.column("listed_on", sa.Date),
        sa.column("listed_on_source", sa.String),
    )
    lists = sa.table("watchlists", sa.column("id", sa.Integer), sa.column("source_format"))
    rows = bind.execute(
        sa.select(entities.c.id, entities.c.raw)
        .select_from(entities.join(lists, lists.c.id == entities.c.watchlist_id))
        .where(lists.c.source_format == "un")
    ).all()
    for eid, raw in rows:
        listed = (raw or {}).get("listed_on") if isinstance(raw, dict) else None
        try:
            day = date.fromisoformat(str(listed)[:10]) if listed else None
        except ValueError:
            day = None
        if day is not None:
            bind.execute(
                entities.update()
                .where(entities.c.id == eid)
                .values(listed_on=day, listed_on_source="UN LISTED_ON")
            )

    with op.batch_alter_table("watchlist_snapshots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("published_source", sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("watchlist_snapshots", schema=None) as batch_op:
        batch_op.drop_column("published_source")
        batch_op.drop_column("published_on")

    with op.batch_alter_table("watchlist_entities", schema=None) as batch_op:
        batch_op.drop_column("listed_on_source")
        batch_op.drop_column("listed_on")

    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_signals_screening_match_id_screening_matches"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_signals_screening_match_id"), type_="unique")
        batch_op.drop_column("screening_match_id")

    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_assessments_client_id_as_of")
        batch_op.drop_constraint("assessment_state", type_="check")
        batch_op.drop_column("historical")
        batch_op.drop_column("state")
