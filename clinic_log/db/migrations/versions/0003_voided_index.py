"""index of voided sessions

Revision ID: 0003_voided_index
Revises: 0002_consent_drafts_void
Create Date: 2026-11-25 12:21:48.599017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003_voided_index'
down_revision = '0002_consent_drafts_void'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain CREATE INDEX (no batch table copy: the sessions table may hold a million rows)
    op.create_index('ix_sessions_voided', 'sessions', ['id'], unique=False,
                    sqlite_where=sa.text('voided_at IS NOT NULL'), postgresql_where=sa.text('voided_at IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('ix_sessions_voided', table_name='sessions')
