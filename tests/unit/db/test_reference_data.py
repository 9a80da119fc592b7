"""Loading the shipped reference data adds only what is missing: a second start adds nothing, what the owner changed
stays as they left it, and a row they lost comes back."""

from __future__ import annotations

import csv

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Area, ContraindicationType, Setting
from clinic_log.db.reference_data import load_reference_data
from clinic_log.paths import resources_dir


def test_every_shipped_site_and_contraindication_is_in_a_new_database(db: Database) -> None:
    reference = resources_dir() / "reference"
    with (reference / "areas.csv").open(encoding="utf-8") as handle:
        shipped_areas = {row["code"] for row in csv.DictReader(handle)}
    with (reference / "contraindications.csv").open(encoding="utf-8") as handle:
        shipped_ci = {row["code"] for row in csv.DictReader(handle)}
    with db.reading() as session:
        assert set(session.scalars(select(Area.code))) >= shipped_areas
        assert set(session.scalars(select(ContraindicationType.code))) >= shipped_ci


def test_loading_again_adds_nothing_and_keeps_what_the_owner_changed(db: Database) -> None:
    def edit(session: Session) -> None:
        forehead = session.get(Area, "forehead")
        assert forehead is not None
        forehead.usual_max_mm, forehead.label = 0.6, "Forehead (clinic's own range)"
    db.write(edit)
    assert db.write(load_reference_data) == 0
    with db.reading() as session:
        forehead = session.get(Area, "forehead")
        assert forehead is not None
        assert (forehead.usual_max_mm, forehead.label) == (0.6, "Forehead (clinic's own range)")


def test_a_clinic_setting_that_is_missing_comes_back_with_its_shipped_value(db: Database) -> None:
    db.write(lambda session: session.execute(delete(Setting).where(Setting.key == "clinic.paper")))
    assert db.write(load_reference_data) == 1
    with db.reading() as session:
        assert session.scalar(select(Setting.value).where(Setting.key == "clinic.paper")) == "A4"
