"""lot stock: a cartridge lot's device model and quantity received; a device's version

Revision ID: 0011_lot_stock
Revises: 0009_sites_indications_tips
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
down_revision = '0009_sites_indications_tips'
branch_labels = None
depends_on = None

_FK = 'fk_cartridge_lots_device_model_id_device_models'
_CHECK = 'ck_cartridge_lots_quantity'
_QUANTITY = 'quantity_received IS NULL OR quantity_received >= 1'


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # ADD COLUMN keeps the table (a batch copy would drop the table the sessions' foreign key points at)
        op.execute(f"ALTER TABLE cartridge_lots ADD COLUMN device_model_id INTEGER CONSTRAINT {_FK} "
                   "REFERENCES device_models (id)")
        op.execute(f"ALTER TABLE cartridge_lots ADD COLUMN quantity_received INTEGER CONSTRAINT {_CHECK} "
                   f"CHECK ({_QUANTITY})")
    else:
        op.add_column('cartridge_lots', sa.Column('device_model_id', sa.Integer(), nullable=True))
        op.add_column('cartridge_lots', sa.Column('quantity_received', sa.Integer(), nullable=True))
        op.create_foreign_key(_FK, 'cartridge_lots', 'device_models', ['device_model_id'], ['id'])
        op.create_check_constraint('quantity', 'cartridge_lots', _QUANTITY)
    op.add_column('devices', sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE devices DROP COLUMN version")
        op.execute("PRAGMA defer_foreign_keys = ON")  # the sessions' lot ids hold again once the copy is renamed
        with op.batch_alter_table('cartridge_lots') as batch:
            batch.drop_column('quantity_received')
            batch.drop_column('device_model_id')
    else:
        op.drop_column('devices', 'version')
        op.drop_constraint(_CHECK, 'cartridge_lots', type_='check')
        op.drop_constraint(_FK, 'cartridge_lots', type_='foreignkey')
        op.drop_column('cartridge_lots', 'quantity_received')
        op.drop_column('cartridge_lots', 'device_model_id')
