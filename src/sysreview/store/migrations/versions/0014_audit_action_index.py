"""Index the audit trail by (review, action): the ranking asks after every retrain whether a
stage's random-sampling phase has begun, an audited act it finds by its action. With only the
review's index, PostgreSQL read every audit entry of the review to learn that none matched:
40-370 ms late in a 100,000-record review (180,000 entries), in the screening requests' way.

Revision ID: 0014
Revises: 0013
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_review_action", "audit_log", ["review_id", "action", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_review_action", "audit_log")
