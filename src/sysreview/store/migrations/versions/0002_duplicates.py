"""Duplicate groups, their members, people's pair judgements and the queue of suggested pairs.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _review_fk() -> sa.Column:
    return sa.Column(
        "review_id", sa.Integer, sa.ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False
    )


def _record_fk(name: str) -> sa.Column:
    return sa.Column(
        name, sa.Integer, sa.ForeignKey("records.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "duplicate_groups",
        sa.Column("id", sa.Integer, primary_key=True),
        _review_fk(),
        sa.Column("canonical", sa.JSON, nullable=False),
        sa.Column("decided_by", sa.String(20), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_index("ix_duplicate_groups_review", "duplicate_groups", ["review_id", "active"])
    op.create_table(
        "duplicate_members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "group_id",
            sa.Integer,
            sa.ForeignKey("duplicate_groups.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _record_fk("record_id"),
        sa.UniqueConstraint("group_id", "record_id"),
    )
    op.create_table(
        "pair_judgements",
        sa.Column("id", sa.Integer, primary_key=True),
        _review_fk(),
        _record_fk("record_a"),
        _record_fk("record_b"),
        sa.Column("verdict", sa.String(10), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("review_id", "record_a", "record_b"),
    )
    op.create_table(
        "duplicate_suggestions",
        sa.Column("id", sa.Integer, primary_key=True),
        _review_fk(),
        _record_fk("record_a"),
        _record_fk("record_b"),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.UniqueConstraint("review_id", "record_a", "record_b"),
    )


def downgrade() -> None:
    for table in ("duplicate_suggestions", "pair_judgements", "duplicate_members"):
        op.drop_table(table)
    op.drop_index("ix_duplicate_groups_review", "duplicate_groups")
    op.drop_table("duplicate_groups")
