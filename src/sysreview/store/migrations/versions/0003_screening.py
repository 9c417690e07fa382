"""Screening: labels on decisions, conflict resolutions, full texts, idempotency keys.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _fk(name: str, table: str) -> sa.Column:
    return sa.Column(
        name, sa.Integer, sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("labels", sa.JSON, nullable=False, server_default="[]"))
    op.create_table(
        "resolutions",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("review_id", "reviews"),
        sa.Column("stage", sa.String(64), nullable=False),
        _fk("record_id", "records"),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("resolver_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("resolved_at", TZ, nullable=False),
        sa.UniqueConstraint("review_id", "stage", "record_id"),
    )
    op.create_table(
        "full_texts",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("review_id", "reviews"),
        _fk("record_id", "records"),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("updated_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("review_id", "record_id"),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("request_sha256", sa.String(64), nullable=False),
        sa.Column("response", sa.JSON, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )


def downgrade() -> None:
    for table in ("idempotency_keys", "full_texts", "resolutions"):
        op.drop_table(table)
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("labels")
