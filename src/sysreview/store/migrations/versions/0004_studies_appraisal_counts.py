"""Studies and their reports, appraisal answers, PRISMA counts entered by hand, and the kind
of each search event (database, register or another method).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _fk(name: str, table: str) -> sa.Column:
    return sa.Column(
        name, sa.Integer, sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    with op.batch_alter_table("search_events") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(20), nullable=False, server_default="database")
        )
    op.create_table(
        "studies",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("review_id", "reviews"),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("review_id", "label"),
    )
    op.create_table(
        "study_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("study_id", "studies"),
        _fk("record_id", "records"),
        sa.UniqueConstraint("record_id"),
    )
    op.create_table(
        "appraisal_answers",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("review_id", "reviews"),
        _fk("study_id", "studies"),
        sa.Column("tool", sa.String(100), nullable=False),
        sa.Column("item", sa.String(100), nullable=False),
        sa.Column("reviewer", sa.String(64), nullable=False),
        sa.Column("answer", sa.String(50), nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("page", sa.String(50), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("review_id", "study_id", "tool", "item", "reviewer"),
    )
    op.create_table(
        "entered_counts",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("review_id", "reviews"),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.JSON, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("entered_by", sa.String(64), nullable=False),
        sa.Column("entered_at", TZ, nullable=False),
        sa.UniqueConstraint("review_id", "key"),
    )


def downgrade() -> None:
    for table in ("entered_counts", "appraisal_answers", "study_reports", "studies"):
        op.drop_table(table)
    with op.batch_alter_table("search_events") as batch:
        batch.drop_column("kind")
