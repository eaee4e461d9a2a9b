"""watch-list entities keep their weak aliases apart (OFAC remarks a.k.a., UN QUALITY Low,
FtM weakAlias)

Existing rows get an empty list; their weak aliases arrive with the next import of the list
(until then they stay among the names, as before).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("watchlist_entities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("weak_names", JSONType, nullable=False, server_default=sa.text("'[]'"))
        )
    with op.batch_alter_table("watchlist_entities", schema=None) as batch_op:
        batch_op.alter_column("weak_names", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("watchlist_entities", schema=None) as batch_op:
        batch_op.drop_column("weak_names")
