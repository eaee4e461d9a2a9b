"""decisions: enhanced due diligence for politically exposed clients (senior sign-off, source
of wealth, source of funds, EDD rationale); users: the ``senior`` role

Existing decisions get ``requires_senior = false`` and empty EDD fields. Downgrading drops the
columns and refuses while a ``senior`` user exists (the older role check would not hold).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

import duediligence.db.base
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ROLES = ("analyst", "reviewer", "auditor", "admin")
NEW_ROLES = (*OLD_ROLES, "senior")


def _roles(roles: tuple[str, ...]) -> str:
    return "role IN (" + ", ".join(f"'{r}'" for r in roles) + ")"


def upgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("requires_senior", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("senior_approver", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column(
                "senior_approved_at",
                duediligence.db.base.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("source_of_wealth", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("source_of_funds", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("edd_rationale", sa.Text(), nullable=True))
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.alter_column("requires_senior", server_default=None)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role"), _roles(NEW_ROLES))


def downgrade() -> None:
    seniors = op.get_bind().execute(sa.text("SELECT count(*) FROM users WHERE role = 'senior'"))
    if seniors.scalar():
        raise RuntimeError("users with the senior role exist: change their role first")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role"), _roles(OLD_ROLES))
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("edd_rationale")
        batch_op.drop_column("source_of_funds")
        batch_op.drop_column("source_of_wealth")
        batch_op.drop_column("senior_approved_at")
        batch_op.drop_column("senior_approver")
        batch_op.drop_column("requires_senior")
