"""Drop ix_decisions_review_stage: the unique (review_id, stage, record_id, reviewer_id) index
serves every lookup it served, and its presence let PostgreSQL's planner, on statistics not yet
refreshed (decisions grow one by one while a team screens), answer "how many decisions has this
record?" by scanning the whole stage's decisions for each record the next-record query passed:
5 ms a query at 900 decisions, growing with every decision.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_decisions_review_stage", "decisions")


def downgrade() -> None:
    op.create_index("ix_decisions_review_stage", "decisions", ["review_id", "stage"])
