"""signals: the publication time as written, its UTC offset and how the date was obtained

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 19:23:06.308010
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


BASES = ("date", "offset", "naive_utc", "item_updated", "channel", "retrieved", "snapshot")


def upgrade() -> None:
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_original", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("published_utc_offset", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("published_basis", sa.String(length=32), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_signals_date_basis"),
            "published_basis IN (" + ", ".join(f"'{b}'" for b in BASES) + ")",
        )


def downgrade() -> None:
    with op.batch_alter_table("signals", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_signals_date_basis"), type_="check")
        batch_op.drop_column("published_basis")
        batch_op.drop_column("published_utc_offset")
        batch_op.drop_column("published_original")
