"""Checked coding: a checker's verdict on each coded excerpt, with what it was given to.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "synthesis_checks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "excerpt_id",
            sa.Integer,
            sa.ForeignKey("synthesis_excerpts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("checker", sa.String(64), nullable=False),
        sa.Column("verdict", sa.String(10), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("seen", sa.JSON, nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("excerpt_id", "checker"),
    )


def downgrade() -> None:
    op.drop_table("synthesis_checks")
