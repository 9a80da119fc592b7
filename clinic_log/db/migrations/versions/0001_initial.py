"""initial schema

Revision ID: 0001_initial
Revises: 
Create Date: 2026-11-25 08:56:06.568794
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('aftercare_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('body_json', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aftercare_templates')),
    sa.UniqueConstraint('version', name=op.f('uq_aftercare_templates_version'))
    )
    op.create_table('areas',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('region', sa.String(length=20), nullable=False),
    sa.Column('usual_min_mm', sa.Float(), nullable=False),
    sa.Column('usual_max_mm', sa.Float(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_areas'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=80), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_table('cartridge_lots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_number', sa.String(length=80), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cartridge_lots')),
    sa.UniqueConstraint('lot_number', name=op.f('uq_cartridge_lots_lot_number'))
    )
    with op.batch_alter_table('cartridge_lots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cartridge_lots_expires_on'), ['expires_on'], unique=False)

    op.create_table('clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_ref', sa.String(length=40), nullable=False),
    sa.Column('first_name', sa.String(length=120), nullable=False),
    sa.Column('last_name', sa.String(length=120), nullable=False),
    sa.Column('search_key', sa.String(length=400), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('fitzpatrick', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('fitzpatrick BETWEEN 1 AND 6', name=op.f('ck_clients_fitzpatrick')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clients')),
    sa.UniqueConstraint('client_ref', name=op.f('uq_clients_client_ref'))
    )
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clients_search_key'), ['search_key'], unique=False)

    op.create_table('complication_types',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=160), nullable=False),
    sa.Column('category', sa.String(length=10), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_complication_types'))
    )
    op.create_table('contraindication_types',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=160), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('window', sa.String(length=10), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_contraindication_types'))
    )
    op.create_table('device_models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('modality', sa.String(length=20), nullable=False),
    sa.Column('min_depth_mm', sa.Float(), nullable=False),
    sa.Column('max_depth_mm', sa.Float(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_models')),
    sa.UniqueConstraint('name', name=op.f('uq_device_models_name'))
    )
    op.create_table('practitioners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('needs_supervision', sa.Boolean(), nullable=False),
    sa.Column('depth_cap_mm', sa.Float(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practitioners')),
    sa.UniqueConstraint('username', name=op.f('uq_practitioners_username'))
    )
    op.create_table('settings',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('text_version', sa.Integer(), nullable=False),
    sa.Column('text_snapshot', sa.Text(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('signature_png', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_consents_client_id_clients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_client_id'), ['client_id'], unique=False)

    op.create_table('credentials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practitioner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=80), nullable=False),
    sa.Column('number', sa.String(length=80), nullable=False),
    sa.Column('issuing_body', sa.String(length=160), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioners.id'], name=op.f('fk_credentials_practitioner_id_practitioners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credentials'))
    )
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credentials_expires_on'), ['expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_credentials_practitioner_id'), ['practitioner_id'], unique=False)

    op.create_table('devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_model_id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=80), nullable=False),
    sa.Column('in_service_on', sa.Date(), nullable=True),
    sa.Column('in_service', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['device_model_id'], ['device_models.id'], name=op.f('fk_devices_device_model_id_device_models')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_devices')),
    sa.UniqueConstraint('serial', name=op.f('uq_devices_serial'))
    )
    op.create_table('findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('noted_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('cleared_by', sa.String(length=80), nullable=True),
    sa.Column('cleared_at', sa.DateTime(), nullable=True),
    sa.Column('clearance_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_findings_client_id_clients')),
    sa.ForeignKeyConstraint(['code'], ['contraindication_types.code'], name=op.f('fk_findings_code_contraindication_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_findings'))
    )
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_findings_client_id'), ['client_id'], unique=False)

    op.create_table('medical_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('noted_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_medical_history_client_id_clients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_medical_history'))
    )
    with op.batch_alter_table('medical_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_medical_history_client_id'), ['client_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('practitioner_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioners.id'], name=op.f('fk_users_practitioner_id_practitioners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('practitioner_id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=True),
    sa.Column('supervisor_presence', sa.String(length=20), nullable=True),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('cartridge_lot_id', sa.Integer(), nullable=True),
    sa.Column('course_index', sa.Integer(), nullable=True),
    sa.Column('course_total', sa.Integer(), nullable=True),
    sa.Column('skin_response', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('warnings_reason', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('signed_by', sa.String(length=80), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('countersigned_by', sa.String(length=80), nullable=True),
    sa.Column('countersigned_at', sa.DateTime(), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'signed')", name=op.f('ck_sessions_status')),
    sa.ForeignKeyConstraint(['cartridge_lot_id'], ['cartridge_lots.id'], name=op.f('fk_sessions_cartridge_lot_id_cartridge_lots')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_sessions_client_id_clients')),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_sessions_device_id_devices')),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioners.id'], name=op.f('fk_sessions_practitioner_id_practitioners')),
    sa.ForeignKeyConstraint(['supervisor_id'], ['practitioners.id'], name=op.f('fk_sessions_supervisor_id_practitioners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sessions'))
    )
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.create_index('ix_sessions_client_started', ['client_id', 'started_at'], unique=False)
        batch_op.create_index('ix_sessions_device_started', ['device_id', 'started_at'], unique=False)
        batch_op.create_index('ix_sessions_lot', ['cartridge_lot_id'], unique=False)
        batch_op.create_index('ix_sessions_practitioner_started', ['practitioner_id', 'started_at'], unique=False)
        batch_op.create_index('ix_sessions_started_at_id', ['started_at', 'id'], unique=False)

    op.create_table('amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('amended_by', sa.String(length=80), nullable=False),
    sa.Column('amended_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_amendments_session_id_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_amendments'))
    )
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_amendments_session_id'), ['session_id'], unique=False)

    op.create_table('complications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('onset_on', sa.Date(), nullable=True),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('expected', sa.Boolean(), nullable=True),
    sa.Column('relatedness', sa.String(length=20), nullable=True),
    sa.Column('action', sa.Text(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('reported', sa.Boolean(), nullable=False),
    sa.Column('added_by_amendment', sa.Boolean(), nullable=False),
    sa.CheckConstraint('grade BETWEEN 1 AND 5', name=op.f('ck_complications_ctcae_grade')),
    sa.ForeignKeyConstraint(['code'], ['complication_types.code'], name=op.f('fk_complications_code_complication_types')),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_complications_session_id_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complications'))
    )
    with op.batch_alter_table('complications', schema=None) as batch_op:
        batch_op.create_index('ix_complications_code_session', ['code', 'session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complications_session_id'), ['session_id'], unique=False)

    op.create_table('session_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('area_code', sa.String(length=40), nullable=False),
    sa.Column('depth_mm', sa.Float(), nullable=False),
    sa.Column('passes', sa.Integer(), nullable=False),
    sa.Column('technique', sa.String(length=20), nullable=True),
    sa.Column('endpoint', sa.String(length=120), nullable=True),
    sa.Column('rf_energy', sa.Float(), nullable=True),
    sa.CheckConstraint('depth_mm > 0', name=op.f('ck_session_areas_depth_positive')),
    sa.CheckConstraint('passes >= 1', name=op.f('ck_session_areas_passes_positive')),
    sa.ForeignKeyConstraint(['area_code'], ['areas.code'], name=op.f('fk_session_areas_area_code_areas')),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_session_areas_session_id_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_areas'))
    )
    with op.batch_alter_table('session_areas', schema=None) as batch_op:
        batch_op.create_index('ix_session_areas_area_session', ['area_code', 'session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_areas_session_id'), ['session_id'], unique=False)

    op.create_table('session_products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('contact_minutes', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_session_products_session_id_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_products'))
    )
    with op.batch_alter_table('session_products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_products_session_id'), ['session_id'], unique=False)

    op.create_table('session_warnings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_session_warnings_session_id_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_warnings'))
    )
    with op.batch_alter_table('session_warnings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_warnings_session_id'), ['session_id'], unique=False)




def downgrade() -> None:
    
    with op.batch_alter_table('session_warnings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_warnings_session_id'))

    op.drop_table('session_warnings')
    with op.batch_alter_table('session_products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_products_session_id'))

    op.drop_table('session_products')
    with op.batch_alter_table('session_areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_areas_session_id'))
        batch_op.drop_index('ix_session_areas_area_session')

    op.drop_table('session_areas')
    with op.batch_alter_table('complications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complications_session_id'))
        batch_op.drop_index('ix_complications_code_session')

    op.drop_table('complications')
    with op.batch_alter_table('amendments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amendments_session_id'))

    op.drop_table('amendments')
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_sessions_started_at_id')
        batch_op.drop_index('ix_sessions_practitioner_started')
        batch_op.drop_index('ix_sessions_lot')
        batch_op.drop_index('ix_sessions_device_started')
        batch_op.drop_index('ix_sessions_client_started')

    op.drop_table('sessions')
    op.drop_table('users')
    with op.batch_alter_table('medical_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_medical_history_client_id'))

    op.drop_table('medical_history')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_findings_client_id'))

    op.drop_table('findings')
    op.drop_table('devices')
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credentials_practitioner_id'))
        batch_op.drop_index(batch_op.f('ix_credentials_expires_on'))

    op.drop_table('credentials')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consents_client_id'))

    op.drop_table('consents')
    op.drop_table('settings')
    op.drop_table('practitioners')
    op.drop_table('device_models')
    op.drop_table('contraindication_types')
    op.drop_table('complication_types')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clients_search_key'))

    op.drop_table('clients')
    with op.batch_alter_table('cartridge_lots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cartridge_lots_expires_on'))

    op.drop_table('cartridge_lots')
    op.drop_table('audit_log')
    op.drop_table('areas')
    op.drop_table('aftercare_templates')

