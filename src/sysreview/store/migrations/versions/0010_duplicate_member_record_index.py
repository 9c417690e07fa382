"""An index on duplicate_members (record_id): "is this record merged away?" is asked for every
decision and for each record the next-record query passes, and scanned every member row.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_duplicate_members_record", "duplicate_members", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_duplicate_members_record", "duplicate_members")
