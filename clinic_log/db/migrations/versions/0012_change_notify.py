"""tell listening workstations about each new audit row (PostgreSQL)

Revision ID: 0012_change_notify
Revises: 0011_lot_stock
Create Date: 2026-12-04 16:40:00

Every change the services make writes an audit row in the same transaction, so one trigger on audit_log tells
every workstation listening on the channel `clinic_log_changes` (services/common/change_feed.py) that records
changed; PostgreSQL delivers the notification when that transaction commits, and never for one rolled back. The
payload is the new row's id. SQLite has no notifications: its workstations watch `PRAGMA data_version`, so there
is nothing to do there.
"""

from __future__ import annotations

from alembic import op

revision = '0012_change_notify'
down_revision = '0011_lot_stock'
branch_labels = None
depends_on = None

CHANNEL = "clinic_log_changes"  # services/common/change_feed.py listens on it (written out: a migration stays put)

POSTGRESQL_UP = (
    "CREATE FUNCTION clinic_log_notify_change() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN PERFORM pg_notify('{CHANNEL}', NEW.id::text); RETURN NULL; END $$",
    "CREATE TRIGGER audit_log_notify AFTER INSERT ON audit_log FOR EACH ROW "
    "EXECUTE FUNCTION clinic_log_notify_change()",
)
POSTGRESQL_DOWN = (
    "DROP TRIGGER IF EXISTS audit_log_notify ON audit_log",
    "DROP FUNCTION IF EXISTS clinic_log_notify_change()",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL_DOWN:
            op.execute(statement)
