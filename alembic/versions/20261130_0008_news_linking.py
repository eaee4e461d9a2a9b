"""news linking: signals keep the party they reached a client through, the link's evidence and
its reviewer; rejected links are remembered so the linker never makes them again

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import duediligence.db.base
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_party_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("link_evidence", JSONType, nullable=True))
        batch_op.add_column(sa.Column("link_reviewed_by", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column(
                "link_reviewed_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.create_index("ix_signals_link_party_id", ["link_party_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_signals_link_party_id_parties",
            "parties",
            ["link_party_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "signal_link_rejections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signal_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("rejected_by", sa.String(length=100), nullable=False),
        sa.Column("rejected_at", duediligence.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_signal_link_rejections_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signal_id"],
            ["signals.id"],
            name=op.f("fk_signal_link_rejections_signal_id_signals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_link_rejections")),
        sa.UniqueConstraint(
            "signal_id", "client_id", name=op.f("uq_signal_link_rejections_signal_id_client_id")
        ),
    )
    op.create_index("ix_signal_link_rejections_client_id", "signal_link_rejections", ["client_id"])
    op.create_index("ix_signal_link_rejections_signal_id", "signal_link_rejections", ["signal_id"])


def downgrade() -> None:
    op.drop_index("ix_signal_link_rejections_signal_id", table_name="signal_link_rejections")
    op.drop_index("ix_signal_link_rejections_client_id", table_name="signal_link_rejections")
    op.drop_table("signal_link_rejections")
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.drop_constraint("fk_signals_link_party_id_parties", type_="foreignkey")
        batch_op.drop_index("ix_signals_link_party_id")
        batch_op.drop_column("link_reviewed_at")
        batch_op.drop_column("link_reviewed_by")
        batch_op.drop_column("link_evidence")
        batch_op.drop_column("link_party_id")
