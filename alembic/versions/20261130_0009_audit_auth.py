"""audit events record how their actor was authenticated (token, password, or the CLI's
unauthenticated escape hatch); NULL for events recorded before, or for actors nobody
authenticated (system jobs, a database without users)

Revision ID: 0009_audit_auth
Revises: 0008
Create Date: 2026-11-30 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0009_audit_auth"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("auth", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("auth")
