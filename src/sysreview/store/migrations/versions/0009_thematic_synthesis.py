"""Thematic synthesis: the codebook, memos and notes, coded excerpts, theme summaries and
GRADE-CERQual assessments.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _review() -> sa.Column:
    return sa.Column(
        "review_id", sa.Integer, sa.ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False
    )


def _code(nullable: bool = False) -> sa.Column:
    return sa.Column(
        "code_id",
        sa.Integer,
        sa.ForeignKey("synthesis_codes.id", ondelete="CASCADE"),
        nullable=nullable,
    )


def upgrade() -> None:
    op.create_table(
        "synthesis_codes",
        sa.Column("id", sa.Integer, primary_key=True),
        _review(),
        sa.Column(
            "parent_id",
            sa.Integer,
            sa.ForeignKey("synthesis_codes.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("definition", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_synthesis_codes_review", "synthesis_codes", ["review_id"])
    op.create_table(
        "synthesis_memos",
        sa.Column("id", sa.Integer, primary_key=True),
        _review(),
        _code(nullable=True),
        sa.Column(
            "study_id", sa.Integer, sa.ForeignKey("studies.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_synthesis_memos_review", "synthesis_memos", ["review_id"])
    op.create_table(
        "synthesis_excerpts",
        sa.Column("id", sa.Integer, primary_key=True),
        _review(),
        sa.Column(
            "study_id", sa.Integer, sa.ForeignKey("studies.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "record_id", sa.Integer, sa.ForeignKey("records.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("location", sa.JSON, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("coder", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_synthesis_excerpts_review_study", "synthesis_excerpts", ["review_id", "study_id"]
    )
    op.create_table(
        "synthesis_codings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "excerpt_id",
            sa.Integer,
            sa.ForeignKey("synthesis_excerpts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _code(),
        sa.UniqueConstraint("excerpt_id", "code_id"),
    )
    op.create_index("ix_synthesis_codings_code", "synthesis_codings", ["code_id"])
    op.create_table(
        "synthesis_theme_summaries",
        sa.Column("id", sa.Integer, primary_key=True),
        _review(),
        _code(),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("review_id", "code_id"),
    )
    op.create_table(
        "synthesis_cerqual",
        sa.Column("id", sa.Integer, primary_key=True),
        _review(),
        _code(),
        sa.Column("finding", sa.Text, nullable=False),
        sa.Column("components", sa.JSON, nullable=False),
        sa.Column("overall", sa.String(20), nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("assessor", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("review_id", "code_id"),
    )


def downgrade() -> None:
    for table in (
        "synthesis_cerqual",
        "synthesis_theme_summaries",
        "synthesis_codings",
        "synthesis_excerpts",
        "synthesis_memos",
        "synthesis_codes",
    ):
        op.drop_table(table)
