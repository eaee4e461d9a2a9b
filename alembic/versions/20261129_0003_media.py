"""signals: role of the linked client, calibrated adverse probability, evidence sentences

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("signals") as batch:
        batch.add_column(sa.Column("role", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("adverse_probability", sa.Float(), nullable=True))
        batch.add_column(
            sa.Column(
                "evidence",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("signals") as batch:
        batch.drop_column("evidence")
        batch.drop_column("adverse_probability")
        batch.drop_column("role")
