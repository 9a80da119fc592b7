"""Load the shipped reference data (resources/reference) into the database.

Only missing rows are added, so values the owner has edited are kept and loading is idempotent.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_log.db.models import (
    AftercareTemplate,
    Area,
    ComplicationType,
    ConsentText,
    ContraindicationType,
    DeviceModel,
    DeviceTip,
    Indication,
    PretreatmentTemplate,
    Setting,
)
from clinic_log.paths import resources_dir

SYSTEM_AUTHOR = "system"  # created_by of the shipped aftercare and pre-treatment templates


def _rows(name: str) -> list[dict[str, str]]:
    with (resources_dir() / "reference" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _none_if_blank(value: str) -> str | None:
    return value.strip() or None


def _number(value: str) -> float | None:
    return float(value) if value.strip() else None


def load_reference_data(session: Session) -> int:
    """Insert whatever reference rows are missing; returns how many were added."""
    added = 0
    existing_areas = set(session.scalars(select(Area.code)))
    for row in _rows("areas.csv"):
        if row["code"] not in existing_areas:
            session.add(Area(code=row["code"], label=row["label"], region=row["region"],
                             usual_min_mm=float(row["usual_min_mm"]), usual_max_mm=float(row["usual_max_mm"]),
                             notes=_none_if_blank(row["notes"]), rf_min_mm=_number(row["rf_min_mm"]),
                             rf_max_mm=_number(row["rf_max_mm"])))
            added += 1
    existing_models = set(session.scalars(select(DeviceModel.name)))
    for row in _rows("device_models.csv"):
        if row["name"] not in existing_models:
            session.add(DeviceModel(name=row["name"], modality=row["modality"],
                                    min_depth_mm=float(row["min_depth_mm"]),
                                    max_depth_mm=float(row["max_depth_mm"]), notes=_none_if_blank(row["notes"]),
                                    min_age=int(row["min_age"]) if row["min_age"].strip() else None,
                                    energy_unit=_none_if_blank(row["energy_unit"])))
            added += 1
    session.flush()
    added += _load_tips(session)
    added += _load_indications(session)
    existing_ci = set(session.scalars(select(ContraindicationType.code)))
    for row in _rows("contraindications.csv"):
        if row["code"] not in existing_ci:
            session.add(ContraindicationType(code=row["code"], label=row["label"], severity=row["severity"],
                                             window=_none_if_blank(row["window"]), modality=row["modality"]))
            added += 1
    existing_comp = set(session.scalars(select(ComplicationType.code)))
    for row in _rows("complication_types.csv"):
        if row["code"] not in existing_comp:
            session.add(ComplicationType(code=row["code"], label=row["label"], category=row["category"],
                                         instructions=row["instructions"], max_grade=int(row["max_grade"])))
            added += 1
    added += _load_aftercare_templates(session)
    added += _load_templates(session, PretreatmentTemplate, "pretreatment")
    added += load_consent_text(session)
    added += _load_clinic_settings(session)
    session.flush()
    return added


def _load_tips(session: Session) -> int:
    """Each shipped tip of a device model the clinic has, unless the model already has a tip of that code."""
    models = {name: id_ for name, id_ in session.execute(select(DeviceModel.name, DeviceModel.id))}
    existing = {(m, c) for m, c in session.execute(select(DeviceTip.model_id, DeviceTip.code))}
    added = 0
    for row in _rows("device_tips.csv"):
        model_id = models.get(row["device_model"])
        if model_id is not None and (model_id, row["code"]) not in existing:
            session.add(DeviceTip(model_id=model_id, code=row["code"], label=row["label"],
                                  min_depth_mm=float(row["min_depth_mm"]), max_depth_mm=float(row["max_depth_mm"]),
                                  region=row["region"], notes=_none_if_blank(row["notes"])))
            added += 1
    return added


def _load_indications(session: Session) -> int:
    existing = set(session.scalars(select(Indication.code)))
    added = 0
    for row in _rows("indications.csv"):
        if row["code"] not in existing:
            session.add(Indication(code=row["code"], label=row["label"],
                                   default_site=_none_if_blank(row["default_site"]),
                                   usual_min_mm=_number(row["usual_min_mm"]),
                                   usual_max_mm=_number(row["usual_max_mm"]),
                                   rf_min_mm=_number(row["rf_min_mm"]), rf_max_mm=_number(row["rf_max_mm"]),
                                   notes=_none_if_blank(row["notes"])))
            added += 1
    return added


_CONSENT_FILES = {"treatment": "consent_v1.txt", "photos_clinical": "consent_photos_clinical_v1.txt",
                  "photos_other": "consent_photos_other_v1.txt"}


def shipped_consent_text(purpose: str = "treatment") -> str:
    """The consent wording of a purpose shipped with the app (its version 1), used until the owner edits it."""
    return (resources_dir() / "reference" / _CONSENT_FILES[purpose]).read_text(encoding="utf-8").strip()


def load_consent_text(session: Session, purpose: str | None = None) -> int:
    """Store the shipped wording as version 1 of each purpose (or of `purpose`) the clinic has no wording for yet;
    the number of texts added."""
    added = 0
    for name in (purpose,) if purpose is not None else tuple(_CONSENT_FILES):
        if session.scalar(select(ConsentText.id).where(ConsentText.purpose == name).limit(1)) is not None:
            continue
        session.add(ConsentText(purpose=name, version=1, body=shipped_consent_text(name),
                                created_at=datetime.now(UTC).replace(tzinfo=None), created_by="system"))
        added += 1
    session.flush()
    return added


def _shipped_templates(kind: str = "aftercare") -> dict[int, str]:
    """The template bodies of one kind under resources/reference (<kind>_v<N>.json), by version."""
    bodies = {}
    for path in (resources_dir() / "reference").glob(f"{kind}_v*.json"):
        body = path.read_text(encoding="utf-8")
        bodies[int(json.loads(body)["version"])] = body
    return bodies


def _load_aftercare_templates(session: Session) -> int:
    return _load_templates(session, AftercareTemplate, "aftercare")


def _load_templates(session: Session, model: type[AftercareTemplate] | type[PretreatmentTemplate],
                    kind: str) -> int:
    """A new database gets the newest shipped template; one that only holds shipped versions gets the newer ones.

    Once the owner has saved a version of their own, shipped wording is never added on top of it (their
    numbering continues from theirs). Versions already stored are never changed: printed sheets name them.
    """
    stored = session.execute(select(model.version, model.created_by)).all()
    if any(by != SYSTEM_AUTHOR for _, by in stored):
        return 0
    shipped = _shipped_templates(kind)
    newest_stored = max((version for version, _ in stored), default=None)
    wanted = [max(shipped)] if newest_stored is None else [v for v in sorted(shipped) if v > newest_stored]
    for version in wanted:
        session.add(model(version=version, body_json=shipped[version],
                          created_at=datetime.now(UTC).replace(tzinfo=None), created_by=SYSTEM_AUTHOR))
    return len(wanted)


def _load_clinic_settings(session: Session) -> int:
    clinic: dict[str, Any] = json.loads(Path(resources_dir() / "reference" / "clinic.json").read_text("utf-8"))
    existing = set(session.scalars(select(Setting.key)))
    added = 0
    for key, value in clinic.items():
        full_key = f"clinic.{key}"
        if full_key not in existing:
            session.add(Setting(key=full_key, value=str(value)))
            added += 1
    return added
