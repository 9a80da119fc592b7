"""sites and indications apart, RF tips, RF energy unit

Revision ID: 0009_sites_indications_tips
Revises: 0008_client_decisions
Create Date: 2026-12-04 05:20:00

Acne scars, scars and stretch marks are reasons for treatment, not body sites (issue 17). A treated area now
records the site (`area_code`: cheeks, abdomen…) and, apart, the indication (`indication`); an indication's own
depth range, where it has one, is checked instead of the site's. Body sites are added (abdomen, thighs, upper arms,
buttocks, back) and "Site not recorded" for rows whose site nobody knows. Each indication names the site an
indication given as the area is read to have been treated (`default_site`, set by the owner).

RF device models get the unit their energy setting is counted in and their tips (`device_tips`: the depths each
tip reaches and whether it is made for the face or the body); a treated area records the tip used.

This script changes the schema and adds the new reference rows a clinic's database needs before its records can
be moved; moving the stored areas of acne scars, scars and stretch marks to their site (and sealing the signed
sessions moved, in the audit trail) is done right after the upgrade by services/backup/database.py, which can verify and
write seals. The values are written out here, not read from resources/reference: a migration does what it did on
the day it was written.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009_sites_indications_tips'
down_revision = '0008_client_decisions'
branch_labels = None
depends_on = None

# code, label, region, usual_min_mm, usual_max_mm, notes, rf_min_mm, rf_max_mm
_SITES = (
    ("abdomen", "Abdomen", "body", 1.0, 2.0, None, 2.0, 7.0),
    ("thighs", "Thighs", "body", 1.0, 2.0, None, 2.0, 7.0),
    ("arms", "Upper arms", "body", 0.5, 1.5, None, 1.5, 5.0),
    ("buttocks", "Buttocks", "body", 1.0, 2.5, None, 2.0, 7.0),
    ("back", "Back", "body", 1.0, 2.0, None, 1.5, 5.0),
    ("site_not_recorded", "Site not recorded", "body", 0.25, 2.5,
     "records made before the site and the indication were apart, and imported rows of an indication whose site "
     "the owner has not set; choose the real site for new sessions", None, None),
)
# code, label, default_site, usual_min_mm, usual_max_mm, rf_min_mm, rf_max_mm, notes
_INDICATIONS = (
    ("rejuvenation", "Fine lines / rejuvenation", None, None, None, None, None, "the site's own range applies"),
    ("texture", "Texture / enlarged pores", None, None, None, None, None, "the site's own range applies"),
    ("acne_scars", "Acne scars (atrophic)", "cheeks", 1.5, 2.0, 1.5, 3.5,
     "scar tissue is treated deeper than the site's usual range"),
    ("scars", "Surgical / traumatic scars", "site_not_recorded", 1.0, 2.0, 1.5, 4.0,
     "scar tissue is treated deeper than the site's usual range"),
    ("stretch_marks", "Stretch marks (striae)", "abdomen", 1.0, 2.5, 2.0, 7.0, None),
    ("hair_loss", "Hair loss", "scalp", None, None, None, None, "the site's own range applies"),
)
# device model, code, label, min, max, region, notes
_TIPS = (
    ("Morpheus8", "prime", "Prime (12 pins)", 0.5, 3.0, "face",
     "small and delicate areas: around the eyes, the upper lip, the nose"),
    ("Morpheus8", "facial", "Facial (24 pins)", 0.5, 4.0, "face", None),
    ("Morpheus8", "body", "Body (40 pins)", 1.0, 7.0, "body", "abdomen, thighs, arms, buttocks: never the face"),
)
_ENERGY_UNITS = {"Morpheus8": "level", "Vivace": "level", "Potenza": "W"}


def upgrade() -> None:
    op.create_table(
        'indications',
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('label', sa.String(length=120), nullable=False),
        sa.Column('default_site', sa.String(length=40), nullable=True),
        sa.Column('usual_min_mm', sa.Float(), nullable=True),
        sa.Column('usual_max_mm', sa.Float(), nullable=True),
        sa.Column('rf_min_mm', sa.Float(), nullable=True),
        sa.Column('rf_max_mm', sa.Float(), nullable=True),
        sa.Column('notes', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['default_site'], ['areas.code'], name=op.f('fk_indications_default_site_areas')),
        sa.PrimaryKeyConstraint('code', name=op.f('pk_indications')),
    )
    op.create_table(
        'device_tips',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('model_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('label', sa.String(length=120), nullable=False),
        sa.Column('min_depth_mm', sa.Float(), nullable=False),
        sa.Column('max_depth_mm', sa.Float(), nullable=False),
        sa.Column('region', sa.String(length=20), nullable=False),
        sa.Column('notes', sa.Text(), nullable=True),
        sa.CheckConstraint('min_depth_mm > 0 AND max_depth_mm >= min_depth_mm',
                           name=op.f('ck_device_tips_tip_range')),
        sa.ForeignKeyConstraint(['model_id'], ['device_models.id'],
                                name=op.f('fk_device_tips_model_id_device_models')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_device_tips')),
        sa.UniqueConstraint('model_id', 'code', name=op.f('uq_device_tips_model_id')),
    )
    op.add_column('device_models', sa.Column('energy_unit', sa.String(length=20), nullable=True))
    op.add_column('session_areas', sa.Column('tip', sa.String(length=40), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # ADD COLUMN … REFERENCES: no table copy (session_areas may be millions)
        op.execute("ALTER TABLE session_areas ADD COLUMN indication VARCHAR(40) REFERENCES indications (code)")
    else:
        op.add_column('session_areas', sa.Column('indication', sa.String(length=40), nullable=True))
        op.create_foreign_key(op.f('fk_session_areas_indication_indications'), 'session_areas', 'indications',
                              ['indication'], ['code'])

    if not bind.execute(sa.text("SELECT count(*) FROM areas")).scalar():
        return  # a new database: the reference-data loader adds every row
    existing = set(bind.execute(sa.text("SELECT code FROM areas")).scalars())
    for code, label, region, low, high, notes, rf_low, rf_high in _SITES:
        if code not in existing:
            bind.execute(sa.text("INSERT INTO areas (code, label, region, usual_min_mm, usual_max_mm, notes, "
                                 "rf_min_mm, rf_max_mm) VALUES (:c, :l, :r, :lo, :hi, :n, :rlo, :rhi)"),
                         {"c": code, "l": label, "r": region, "lo": low, "hi": high, "n": notes, "rlo": rf_low,
                          "rhi": rf_high})
    for code, label, site, low, high, rf_low, rf_high, notes in _INDICATIONS:
        bind.execute(sa.text("INSERT INTO indications (code, label, default_site, usual_min_mm, usual_max_mm, "
                             "rf_min_mm, rf_max_mm, notes) VALUES (:c, :l, :s, :lo, :hi, :rlo, :rhi, :n)"),
                     {"c": code, "l": label, "s": site, "lo": low, "hi": high, "rlo": rf_low, "rhi": rf_high,
                      "n": notes})
    models = {name: id_ for name, id_ in bind.execute(sa.text("SELECT name, id FROM device_models"))}
    for name, code, label, low, high, region, notes in _TIPS:
        if name in models:
            bind.execute(sa.text("INSERT INTO device_tips (model_id, code, label, min_depth_mm, max_depth_mm, "
                                 "region, notes) VALUES (:m, :c, :l, :lo, :hi, :r, :n)"),
                         {"m": models[name], "c": code, "l": label, "lo": low, "hi": high, "r": region, "n": notes})
    for name, unit in _ENERGY_UNITS.items():
        bind.execute(sa.text("UPDATE device_models SET energy_unit = :u WHERE name = :n AND energy_unit IS NULL"),
                     {"u": unit, "n": name})


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("session_areas") as batch:
            batch.drop_column("indication")
            batch.drop_column("tip")
    else:
        op.drop_constraint(op.f('fk_session_areas_indication_indications'), 'session_areas', type_='foreignkey')
        op.drop_column('session_areas', 'indication')
        op.drop_column('session_areas', 'tip')
    op.drop_column('device_models', 'energy_unit')
    op.drop_table('device_tips')
    op.drop_table('indications')
