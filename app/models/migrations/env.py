"""Alembic environment: always run with a connection handed in by app.models.db."""

from __future__ import annotations

from alembic import context

from app.models import (  # noqa: F401  (tables of this metadata)
    assessment_orm,
    discussion_orm,
    git_orm,
    progress_orm,
    project_orm,
    signoff_orm,
)
from app.models.orm import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
