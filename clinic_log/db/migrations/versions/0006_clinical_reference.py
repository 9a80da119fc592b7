"""clinical reference: contraindication modality, RF area ranges, device minimum age, highest complication grade

Revision ID: 0006_clinical_reference
Revises: 0005_guarded_sessions
Create Date: 2026-12-03 23:20:00

A clinical review of the shipped reference data (issue 17). New columns: which treatments a contraindication
concerns (mechanical, rf or both), each area's usual range with RF microneedling, the youngest age on a device's
label, each complication term's highest CTCAE v5 grade. Rows the app shipped are brought to the reviewed values
only where they still hold the values it shipped, so what an owner changed stays as they left it. New rows
(pacemaker, gold allergy, body sites, bruising…) are added by the reference-data loader at start, as for a new
database. The values are written out here, not read from resources/reference: a migration does what it did on the
day it was written (tests/unit/db/test_migrate_schema_fixtures.py checks an upgraded database ends up like a new one).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006_clinical_reference'
down_revision = '0005_guarded_sessions'
branch_labels = None
depends_on = None

# (code, shipped severity, reviewed severity, reviewed label)
_SEVERITY = (
    ("active_acne", "relative", "absolute", "Active inflamed / pustular acne in the area"),
    ("sunburn", "relative", "absolute", "Sunburn (until healed)"),
)
# area code → (shipped min, shipped max, reviewed min, reviewed max) for the mechanical range
_MECHANICAL = {"periorbital": (0.2, 0.3, 0.25, 0.5)}
_RF = {
    "forehead": (0.5, 1.5), "periorbital": (0.5, 1.0), "nose": (0.5, 1.5), "cheeks": (1.0, 3.0),
    "perioral": (0.5, 1.5), "chin_jaw": (1.0, 3.0), "neck": (0.5, 1.5), "decolletage": (0.5, 1.5),
    "hands": (0.5, 1.0), "acne_scars": (1.5, 3.5), "scars": (1.5, 4.0), "stretch_marks": (2.0, 7.0),
}
# device model → (shipped min, shipped max, reviewed min, reviewed max)
_DEVICE_RANGE = {
    "Rejuvapen NXT": (0.0, 2.5, 0.05, 2.5),
    "Exceed": (0.0, 1.9, 0.05, 1.9),
    "Morpheus8": (0.5, 4.0, 0.5, 7.0),  # its body tip reaches 7 mm; the areas' RF ranges keep the face shallow
}
_MIN_AGE = {"SkinPen Precision": 22}
_MAX_GRADE = {"dryness": 3, "itching": 3, "oedema": 3, "pih": 2}


def upgrade() -> None:
    with op.batch_alter_table("contraindication_types") as batch:
        batch.add_column(sa.Column("modality", sa.String(10), nullable=False, server_default="both"))
    for name in ("rf_min_mm", "rf_max_mm"):
        op.add_column("areas", sa.Column(name, sa.Float(), nullable=True))
    op.add_column("device_models", sa.Column("min_age", sa.Integer(), nullable=True))
    with op.batch_alter_table("complication_types") as batch:
        batch.add_column(sa.Column("max_grade", sa.Integer(), nullable=False, server_default="5"))

    run = op.get_bind().execute
    for code, shipped, reviewed, label in _SEVERITY:
        run(sa.text("UPDATE contraindication_types SET severity = :reviewed, label = :label "
                    "WHERE code = :code AND severity = :shipped"),
            {"code": code, "shipped": shipped, "reviewed": reviewed, "label": label})
    for code, (old_min, old_max, new_min, new_max) in _MECHANICAL.items():
        run(sa.text("UPDATE areas SET usual_min_mm = :new_min, usual_max_mm = :new_max "
                    "WHERE code = :code AND usual_min_mm = :old_min AND usual_max_mm = :old_max"),
            {"code": code, "old_min": old_min, "old_max": old_max, "new_min": new_min, "new_max": new_max})
    for code, (low, high) in _RF.items():
        run(sa.text("UPDATE areas SET rf_min_mm = :low, rf_max_mm = :high WHERE code = :code"),
            {"code": code, "low": low, "high": high})
    for name, (old_min, old_max, new_min, new_max) in _DEVICE_RANGE.items():
        run(sa.text("UPDATE device_models SET min_depth_mm = :new_min, max_depth_mm = :new_max "
                    "WHERE name = :name AND min_depth_mm = :old_min AND max_depth_mm = :old_max"),
            {"name": name, "old_min": old_min, "old_max": old_max, "new_min": new_min, "new_max": new_max})
    for name, age in _MIN_AGE.items():
        run(sa.text("UPDATE device_models SET min_age = :age WHERE name = :name"), {"name": name, "age": age})
    for code, grade in _MAX_GRADE.items():
        run(sa.text("UPDATE complication_types SET max_grade = :grade WHERE code = :code"),
            {"code": code, "grade": grade})


def downgrade() -> None:
    with op.batch_alter_table("complication_types") as batch:
        batch.drop_column("max_grade")
    op.drop_column("device_models", "min_age")
    for name in ("rf_max_mm", "rf_min_mm"):
        op.drop_column("areas", name)
    with op.batch_alter_table("contraindication_types") as batch:
        batch.drop_column("modality")
