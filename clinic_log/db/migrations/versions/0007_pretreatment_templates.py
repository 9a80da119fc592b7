"""pretreatment templates: versioned content of the pre-treatment sheet

Revision ID: 0007_pretreatment_templates
Revises: 0006_clinical_reference
Create Date: 2026-12-03 23:30:00

The sheet a client gets before treatment (issue 17) has its own versioned template, kept like the aftercare one:
each save is a new row, old versions stay because printed sheets name them. The shipped version 1 is added by the
reference-data loader at start, as for a new database.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007_pretreatment_templates'
down_revision = '0006_clinical_reference'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pretreatment_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('body_json', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pretreatment_templates')),
    sa.UniqueConstraint('version', name=op.f('uq_pretreatment_templates_version'))
    )


def downgrade() -> None:
    op.drop_table('pretreatment_templates')
