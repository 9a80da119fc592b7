"""client decisions: what was decided when a client was not suitable (defer, alternative, referral)

Revision ID: 0008_client_decisions
Revises: 0007_pretreatment_templates
Create Date: 2026-12-03 23:50:00

When the suitability panel says "Not suitable today" the practitioner records what was decided (issue 17): defer
with a review date, an alternative treatment, or a referral to a specialist, each with its reason. A decision stays
open until it is closed; while it is open, logging a session for the client is a warning naming it.

The database keeps every decision: rows are never deleted, and the only change allowed is closing an open one once
(closed_at, closed_by and close_note, from NULL to a value, nothing else).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008_client_decisions'
down_revision = '0007_pretreatment_templates'
branch_labels = None
depends_on = None

REFUSED = "refused by the database: "  # as in 0005_guarded_sessions (db/engine.py shows it as such)
KEPT = REFUSED + "a recorded decision is never deleted; close it instead"
CLOSE_ONLY = REFUSED + "a recorded decision only changes by being closed, once"

_FIXED = ("id", "client_id", "kind", "reason", "review_on", "referred_to", "alternative", "decided_by",
          "decided_by_name", "decided_at")


def _sqlite_up() -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _FIXED)
    return [
        f"CREATE TRIGGER client_decisions_no_delete BEFORE DELETE ON client_decisions "
        f"BEGIN SELECT RAISE(ABORT, '{KEPT}'); END",
        f"CREATE TRIGGER client_decisions_close_only BEFORE UPDATE ON client_decisions "
        f"WHEN {changed} OR OLD.closed_at IS NOT NULL OR OLD.closed_by IS NOT NULL OR OLD.close_note IS NOT NULL "
        f"OR NEW.closed_at IS NULL OR NEW.closed_by IS NULL OR NEW.close_note IS NULL "
        f"BEGIN SELECT RAISE(ABORT, '{CLOSE_ONLY}'); END",
    ]


def _postgresql_up() -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in _FIXED)
    # clinic_log_refuse() comes from 0005_guarded_sessions: it raises the message given as its argument.
    return [
        f"CREATE TRIGGER client_decisions_no_delete BEFORE DELETE ON client_decisions FOR EACH ROW "
        f"EXECUTE FUNCTION clinic_log_refuse('{KEPT}')",
        f"CREATE TRIGGER client_decisions_close_only BEFORE UPDATE ON client_decisions FOR EACH ROW "
        f"WHEN ({changed} OR OLD.closed_at IS NOT NULL OR OLD.closed_by IS NOT NULL OR OLD.close_note IS NOT NULL "
        f"OR NEW.closed_at IS NULL OR NEW.closed_by IS NULL OR NEW.close_note IS NULL) "
        f"EXECUTE FUNCTION clinic_log_refuse('{CLOSE_ONLY}')",
    ]


def upgrade() -> None:
    op.create_table('client_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('referred_to', sa.String(length=200), nullable=True),
    sa.Column('alternative', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.String(length=80), nullable=False),
    sa.Column('decided_by_name', sa.String(length=200), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by', sa.String(length=80), nullable=True),
    sa.Column('close_note', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('defer', 'alternative', 'referral')", name=op.f('ck_client_decisions_kind')),
    sa.CheckConstraint("kind <> 'defer' OR review_on IS NOT NULL", name=op.f('ck_client_decisions_defer_review')),
    sa.CheckConstraint("kind <> 'referral' OR referred_to IS NOT NULL",
                       name=op.f('ck_client_decisions_referral_to')),
    sa.CheckConstraint("kind <> 'alternative' OR alternative IS NOT NULL",
                       name=op.f('ck_client_decisions_alternative_text')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_decisions_client_id_clients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_decisions'))
    )
    op.create_index(op.f('ix_client_decisions_client_id'), 'client_decisions', ['client_id'], unique=False)
    statements = _sqlite_up() if op.get_bind().dialect.name == "sqlite" else _postgresql_up()
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("client_decisions_no_delete", "client_decisions_close_only"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name in ("client_decisions_no_delete", "client_decisions_close_only"):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON client_decisions")
    op.drop_index(op.f('ix_client_decisions_client_id'), table_name='client_decisions')
    op.drop_table('client_decisions')
