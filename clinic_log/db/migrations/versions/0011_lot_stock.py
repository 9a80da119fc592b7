"""lot stock: a cartridge lot's device model and quantity received; a device's version

Revision ID: 0011_lot_stock
Revises: 0010_photos
Create Date: 2026-12-04 17:00:00

The owner registers cartridge lots on the devices page (issue 20): which device model the cartridges fit and how
many were received. Both stay empty for the lots created so far, implicitly, when a session first named them; the
stock of a lot is counted from the sessions that name it, never stored. A device gets a version that each retire
or return to service raises, so two owners changing the same device cannot overwrite each other unseen.

(Written while 0010 was being written on another branch: whoever merges both points down_revision at 0010.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011_lot_stock'
down_revision = '0010_photos'
branch_labels = None
depends_on = None

_FK = 'fk_cartridge_lots_device_model_id_device_models'
_CHECK = 'ck_cartridge_lots_quantity'
_QUANTITY = 'quantity_received IS NULL OR quantity_received >= 1'


def _sqlite_columns(table: str) -> set[str]:
    return {row[1] for row in op.get_bind().exec_driver_sql(f"PRAGMA table_info({table})")}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # ADD COLUMN keeps the table (a batch copy would drop the table the sessions' foreign key points at); a
        # database taken down to 0009 and up again still has them (see downgrade)
        present = _sqlite_columns("cartridge_lots")
        if "device_model_id" not in present:
            op.execute(f"ALTER TABLE cartridge_lots ADD COLUMN device_model_id INTEGER CONSTRAINT {_FK} "
                       "REFERENCES device_models (id)")
        if "quantity_received" not in present:
            op.execute(f"ALTER TABLE cartridge_lots ADD COLUMN quantity_received INTEGER CONSTRAINT {_CHECK} "
                       f"CHECK ({_QUANTITY})")
    else:
        op.add_column('cartridge_lots', sa.Column('device_model_id', sa.Integer(), nullable=True))
        op.add_column('cartridge_lots', sa.Column('quantity_received', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f(_FK), 'cartridge_lots', 'device_models', ['device_model_id'], ['id'])
        op.create_check_constraint('quantity', 'cartridge_lots', _QUANTITY)
    op.add_column('devices', sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column with a constraint only by copying the table, and dropping cartridge_lots inside the
        # migration's transaction (foreign keys on) breaks the sessions' references: the two lot columns stay,
        # nullable and unread by 0009's code, and the next upgrade finds them in place.
        op.execute("ALTER TABLE devices DROP COLUMN version")
    else:
        op.drop_column('devices', 'version')
        op.drop_constraint(op.f(_CHECK), 'cartridge_lots', type_='check')
        op.drop_constraint(op.f(_FK), 'cartridge_lots', type_='foreignkey')
        op.drop_column('cartridge_lots', 'quantity_received')
        op.drop_column('cartridge_lots', 'device_model_id')
