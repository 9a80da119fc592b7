"""before/after photos, consents for photos

Revision ID: 0010_photos
Revises: 0009_sites_indications_tips
Create Date: 2026-12-04 16:30:00

Before/after photos (issue 19) are part of the treatment record. `photo_blobs` holds each image once, addressed by
the SHA-256 of its stored bytes (the re-encoded image, orientation applied and GPS and serial tags stripped), with a
JPEG thumbnail beside it; `photos` says whose photo it is, of which session and area, which standard view, for
which use, when it was taken (and where that time came from) and who added it.

Photos are never deleted: a photo is voided with a reason, once, and nothing else of it ever changes; a stored
image never changes or goes. The database refuses anything else, as it does for sessions and decisions.

Consents get a purpose: `treatment` (every consent signed before this version), `photos_clinical` (photos kept in
the clinical record) and `photos_other` (any other use, e.g. marketing); each purpose has its own consent wording,
versioned on its own.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010_photos'
down_revision = '0009_sites_indications_tips'
branch_labels = None
depends_on = None

REFUSED = "refused by the database: "  # as in 0005_guarded_sessions (db/engine.py shows it as such)
BLOB_FIXED = REFUSED + "a stored photo image is never changed or deleted"
PHOTO_KEPT = REFUSED + "a photo is never deleted; void it instead"
VOID_ONLY = REFUSED + "a photo only changes by being voided, once"

_FIXED = ("id", "client_id", "session_id", "area_code", "view", "use", "taken_at", "taken_at_source", "taken_by",
          "added_at", "sha256")
_VIEWS = "('front', 'left45', 'right45', 'left90', 'right90', 'closeup')"


def _void_only(changed: str) -> str:
    return (f"{changed} OR OLD.voided_at IS NOT NULL OR OLD.voided_by IS NOT NULL OR OLD.void_reason IS NOT NULL "
            f"OR NEW.voided_at IS NULL OR NEW.voided_by IS NULL OR NEW.void_reason IS NULL "
            f"OR NEW.version <> OLD.version + 1")


def _sqlite_up() -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _FIXED)
    return [
        f"CREATE TRIGGER photo_blobs_no_update BEFORE UPDATE ON photo_blobs "
        f"BEGIN SELECT RAISE(ABORT, '{BLOB_FIXED}'); END",
        f"CREATE TRIGGER photo_blobs_no_delete BEFORE DELETE ON photo_blobs "
        f"BEGIN SELECT RAISE(ABORT, '{BLOB_FIXED}'); END",
        f"CREATE TRIGGER photos_no_delete BEFORE DELETE ON photos BEGIN SELECT RAISE(ABORT, '{PHOTO_KEPT}'); END",
        f"CREATE TRIGGER photos_void_only BEFORE UPDATE ON photos WHEN {_void_only(changed)} "
        f"BEGIN SELECT RAISE(ABORT, '{VOID_ONLY}'); END",
    ]


def _postgresql_up() -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in _FIXED)
    # clinic_log_refuse() comes from 0005_guarded_sessions: it raises the message given as its argument.
    return [
        f"CREATE TRIGGER photo_blobs_no_update BEFORE UPDATE ON photo_blobs FOR EACH ROW "
        f"EXECUTE FUNCTION clinic_log_refuse('{BLOB_FIXED}')",
        f"CREATE TRIGGER photo_blobs_no_delete BEFORE DELETE ON photo_blobs FOR EACH ROW "
        f"EXECUTE FUNCTION clinic_log_refuse('{BLOB_FIXED}')",
        f"CREATE TRIGGER photos_no_delete BEFORE DELETE ON photos FOR EACH ROW "
        f"EXECUTE FUNCTION clinic_log_refuse('{PHOTO_KEPT}')",
        f"CREATE TRIGGER photos_void_only BEFORE UPDATE ON photos FOR EACH ROW WHEN ({_void_only(changed)}) "
        f"EXECUTE FUNCTION clinic_log_refuse('{VOID_ONLY}')",
    ]


_TRIGGERS = (("photo_blobs_no_update", "photo_blobs"), ("photo_blobs_no_delete", "photo_blobs"),
             ("photos_no_delete", "photos"), ("photos_void_only", "photos"))


def upgrade() -> None:
    op.create_table('photo_blobs',
    # the small columns first, the original last: SQLite reads a row's columns in order, so listing photos and
    # reading thumbnails never walk the megabytes of an original's overflow pages
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('mime', sa.String(length=40), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('thumbnail', sa.LargeBinary(), nullable=False),
    sa.Column('original', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_photo_blobs'))
    )
    op.create_table('photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('area_code', sa.String(length=40), nullable=True),
    sa.Column('view', sa.String(length=20), nullable=False),
    sa.Column('use', sa.String(length=20), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.Column('taken_at_source', sa.String(length=10), nullable=False),
    sa.Column('taken_by', sa.String(length=80), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('voided_by', sa.String(length=80), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint(f"view IN {_VIEWS}", name=op.f('ck_photos_view')),
    sa.CheckConstraint("use IN ('clinical', 'other')", name=op.f('ck_photos_use')),
    sa.CheckConstraint("taken_at_source IN ('exif', 'file', 'capture', 'typed')",
                       name=op.f('ck_photos_taken_at_source')),
    sa.ForeignKeyConstraint(['area_code'], ['areas.code'], name=op.f('fk_photos_area_code_areas')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_photos_client_id_clients')),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_photos_session_id_sessions')),
    sa.ForeignKeyConstraint(['sha256'], ['photo_blobs.sha256'], name=op.f('fk_photos_sha256_photo_blobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photos'))
    )
    op.create_index('ix_photos_client_view_taken', 'photos', ['client_id', 'view', 'taken_at'], unique=False)
    op.create_index(op.f('ix_photos_session_id'), 'photos', ['session_id'], unique=False)
    op.create_index(op.f('ix_photos_sha256'), 'photos', ['sha256'], unique=False)

    # Every consent signed so far is a treatment consent; the wording of each purpose is versioned on its own.
    op.add_column('consents', sa.Column('purpose', sa.String(length=20), server_default='treatment',
                                        nullable=False))
    with op.batch_alter_table('consent_texts') as batch:  # a handful of rows: the copy SQLite needs is cheap
        batch.add_column(sa.Column('purpose', sa.String(length=20), server_default='treatment', nullable=False))
        batch.drop_constraint('uq_consent_texts_version', type_='unique')
        batch.create_unique_constraint(op.f('uq_consent_texts_purpose'), ['purpose', 'version'])

    statements = _sqlite_up() if op.get_bind().dialect.name == "sqlite" else _postgresql_up()
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for name, table in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" if sqlite else f"DROP TRIGGER IF EXISTS {name} ON {table}")
    # Without a purpose column a photo consent would read as a treatment consent: those go with the photos.
    op.execute("DELETE FROM consents WHERE purpose <> 'treatment'")
    op.execute("DELETE FROM consent_texts WHERE purpose <> 'treatment'")
    with op.batch_alter_table('consent_texts') as batch:
        batch.drop_constraint('uq_consent_texts_purpose', type_='unique')
        batch.drop_column('purpose')
        batch.create_unique_constraint('uq_consent_texts_version', ['version'])
    with op.batch_alter_table('consents') as batch:
        batch.drop_column('purpose')
    op.drop_index(op.f('ix_photos_sha256'), table_name='photos')
    op.drop_index(op.f('ix_photos_session_id'), table_name='photos')
    op.drop_index('ix_photos_client_view_taken', table_name='photos')
    op.drop_table('photos')
    op.drop_table('photo_blobs')
