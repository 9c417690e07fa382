"""The store: SQLAlchemy models, engine setup, Alembic migrations and the audit trail."""
