"""audit events record their hash scheme (1 legacy json.dumps, 2 RFC 8785)

Existing events keep their stored hashes and get scheme 1 (the server default), so they are
verified with the encoding they were hashed with; new events are written with scheme 2.
Downgrading drops the column: events written with scheme 2 then no longer verify with the
older code (their payloads were hashed as RFC 8785), so downgrade only a database you rebuild.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hash_scheme", sa.SmallInteger(), server_default=sa.text("1"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("hash_scheme")
