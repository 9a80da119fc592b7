"""Alembic environment: runs on the connection the app hands over (see clinic_log.db.migrate)."""

from __future__ import annotations

from alembic import context

from clinic_log.db.dialect import is_search_index
from clinic_log.db.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    # the full-text index (migration 0004) is SQLite DDL the models do not describe
    include_name=lambda name, kind, _parent: not (kind == "table" and is_search_index(str(name))),
)
with context.begin_transaction():
    context.run_migrations()
