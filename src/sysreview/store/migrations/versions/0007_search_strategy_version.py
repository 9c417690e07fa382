"""Each search event names the version of the review's search strategy it ran, so the search
log (PRISMA-S) can say which strategy produced which records.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("search_events") as batch:
        batch.add_column(
            sa.Column("strategy_version", sa.String(64), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("search_events") as batch:
        batch.drop_column("strategy_version")
