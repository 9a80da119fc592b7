"""session versions, stop overrides, guard triggers

Revision ID: 0005_guarded_sessions
Revises: 0004_notes_search
Create Date: 2026-12-03 18:40:00

Every change to a session raises its `version` by one, and every writer states the version it read in the same
UPDATE, so two workstations can never both win. Session warnings say at which level they were raised (warning or
stop) and who overrode a stop; `session_overrides` keeps a physician's or the owner's override of a draft's stops,
for the version of the draft it was given on.

The database itself refuses what the services never do: a version that does not step by one, a signed session
turned back into a draft or given another client, time, practitioner, device or lot, a change to a voided session,
rows of a signed session deleted or moved to another session, and any change to amendments, overrides or the audit
log (append-only). Rows are inserted after their signed session in the same transaction when a session is logged
signed or imported, so an insert cannot be refused here (a content seal has to cover rows added later). Columns are
added with ALTER TABLE (no table copy: sessions may hold a million rows).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005_guarded_sessions'
down_revision = '0004_notes_search'
branch_labels = None
depends_on = None

REFUSED = "refused by the database: "  # every guard's message starts so (db/engine.py shows it as such)
VERSION_STEP = REFUSED + "every change to a session raises its version by one"
SIGNED_FIXED = REFUSED + "a signed session keeps its client, time, people, device, lot and signature; amend it"
VOID_FINAL = REFUSED + "a voided session can no longer be changed"
CHILD_OF_SIGNED = REFUSED + "rows of a signed session are never removed or moved; amend it"
APPEND_ONLY = REFUSED + "this table is append-only; its rows are never changed or deleted"

# Columns of a signed session that never change (amendable: notes, skin response, course, countersignature, void).
_SIGNED_FIXED_COLUMNS = ("status", "client_id", "started_at", "practitioner_id", "supervisor_id", "device_id",
                         "cartridge_lot_id", "signed_by", "signed_at", "created_by", "created_at")
_CHILDREN = ("session_areas", "session_products", "complications", "session_warnings")
_APPEND_ONLY = ("amendments", "session_overrides", "audit_log")


def _sqlite_up() -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _SIGNED_FIXED_COLUMNS)
    parent_signed = "(SELECT status FROM sessions WHERE id = {row}.session_id) = 'signed'"
    out = [
        f"CREATE TRIGGER sessions_version_step BEFORE UPDATE ON sessions "
        f"WHEN NEW.version IS NOT OLD.version + 1 BEGIN SELECT RAISE(ABORT, '{VERSION_STEP}'); END",
        f"CREATE TRIGGER sessions_signed_fixed BEFORE UPDATE ON sessions "
        f"WHEN OLD.status = 'signed' AND ({changed}) BEGIN SELECT RAISE(ABORT, '{SIGNED_FIXED}'); END",
        f"CREATE TRIGGER sessions_void_final BEFORE UPDATE ON sessions "
        f"WHEN OLD.voided_at IS NOT NULL BEGIN SELECT RAISE(ABORT, '{VOID_FINAL}'); END",
        f"CREATE TRIGGER sessions_signed_not_deleted BEFORE DELETE ON sessions "
        f"WHEN OLD.status = 'signed' BEGIN SELECT RAISE(ABORT, '{CHILD_OF_SIGNED}'); END",
    ]
    for table in _CHILDREN:
        out.append(f"CREATE TRIGGER {table}_signed_delete BEFORE DELETE ON {table} "
                   f"WHEN {parent_signed.format(row='OLD')} BEGIN SELECT RAISE(ABORT, '{CHILD_OF_SIGNED}'); END")
        out.append(f"CREATE TRIGGER {table}_signed_move BEFORE UPDATE OF session_id ON {table} "
                   f"WHEN {parent_signed.format(row='OLD')} OR {parent_signed.format(row='NEW')} "
                   f"BEGIN SELECT RAISE(ABORT, '{CHILD_OF_SIGNED}'); END")
    for table in _APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            out.append(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END")
    return out


def _sqlite_trigger_names() -> list[str]:
    names = ["sessions_version_step", "sessions_signed_fixed", "sessions_void_final", "sessions_signed_not_deleted"]
    for table in _CHILDREN:
        names += [f"{table}_signed_delete", f"{table}_signed_move"]
    names += [f"{table}_no_{event}" for table in _APPEND_ONLY for event in ("update", "delete")]
    return names


def _postgresql_up() -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in _SIGNED_FIXED_COLUMNS)
    out = [
        # One function raises the message given as the trigger's argument; the WHEN clause decides.
        "CREATE FUNCTION clinic_log_refuse() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation'; END $$",
        # Rows of a signed session: the parent's status needs a query, which a WHEN clause cannot hold.
        "CREATE FUNCTION clinic_log_refuse_if_parent_signed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF EXISTS (SELECT 1 FROM sessions WHERE id = OLD.session_id AND status = 'signed') "
        "OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM sessions WHERE id = NEW.session_id AND status = 'signed')) "
        "THEN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation'; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
        f"CREATE TRIGGER sessions_version_step BEFORE UPDATE ON sessions FOR EACH ROW "
        f"WHEN (NEW.version IS DISTINCT FROM OLD.version + 1) EXECUTE FUNCTION clinic_log_refuse('{VERSION_STEP}')",
        f"CREATE TRIGGER sessions_signed_fixed BEFORE UPDATE ON sessions FOR EACH ROW "
        f"WHEN (OLD.status = 'signed' AND ({changed})) EXECUTE FUNCTION clinic_log_refuse('{SIGNED_FIXED}')",
        f"CREATE TRIGGER sessions_void_final BEFORE UPDATE ON sessions FOR EACH ROW "
        f"WHEN (OLD.voided_at IS NOT NULL) EXECUTE FUNCTION clinic_log_refuse('{VOID_FINAL}')",
        f"CREATE TRIGGER sessions_signed_not_deleted BEFORE DELETE ON sessions FOR EACH ROW "
        f"WHEN (OLD.status = 'signed') EXECUTE FUNCTION clinic_log_refuse('{CHILD_OF_SIGNED}')",
    ]
    for table in _CHILDREN:
        out.append(f"CREATE TRIGGER {table}_signed_delete BEFORE DELETE OR UPDATE OF session_id ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION clinic_log_refuse_if_parent_signed('{CHILD_OF_SIGNED}')")
    for table in _APPEND_ONLY:
        out.append(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION clinic_log_refuse('{APPEND_ONLY}')")
    return out


def _postgresql_down() -> list[str]:
    out = [f"DROP TRIGGER IF EXISTS {name} ON sessions" for name in
           ("sessions_version_step", "sessions_signed_fixed", "sessions_void_final", "sessions_signed_not_deleted")]
    out += [f"DROP TRIGGER IF EXISTS {table}_signed_delete ON {table}" for table in _CHILDREN]
    out += [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in _APPEND_ONLY]
    out += ["DROP FUNCTION IF EXISTS clinic_log_refuse_if_parent_signed()", "DROP FUNCTION IF EXISTS clinic_log_refuse()"]
    return out


def upgrade() -> None:
    op.add_column('sessions', sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    op.add_column('session_warnings', sa.Column('level', sa.String(length=10), nullable=False,
                                                server_default='warning'))
    op.add_column('session_warnings', sa.Column('overridden_by', sa.String(length=80), nullable=True))
    op.add_column('session_warnings', sa.Column('overridden_at', sa.DateTime(), nullable=True))
    op.create_index('ix_session_warnings_level_session', 'session_warnings', ['level', 'session_id'], unique=False)
    op.create_table('session_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('overridden_by', sa.String(length=80), nullable=False),
    sa.Column('overridden_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_session_overrides_session_id_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_overrides'))
    )
    op.create_index(op.f('ix_session_overrides_session_id'), 'session_overrides', ['session_id'], unique=False)
    statements = _sqlite_up() if op.get_bind().dialect.name == "sqlite" else _postgresql_up()
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _sqlite_trigger_names():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for statement in _postgresql_down():
            op.execute(statement)
    op.drop_index(op.f('ix_session_overrides_session_id'), table_name='session_overrides')
    op.drop_table('session_overrides')
    op.drop_index('ix_session_warnings_level_session', table_name='session_warnings')
    with op.batch_alter_table('session_warnings', schema=None) as batch_op:
        batch_op.drop_column('overridden_at')
        batch_op.drop_column('overridden_by')
        batch_op.drop_column('level')
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_column('version')
