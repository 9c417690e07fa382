"""An index on records (review_id, id), so "the next open record after this one" walks the
review's records in order instead of sorting them all (PostgreSQL chose the sort at 100k).

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_records_review_order", "records", ["review_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_records_review_order", "records")
