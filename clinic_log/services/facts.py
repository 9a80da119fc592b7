"""Look up what the clinical rules need, as plain domain values, inside an open session."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_log.db.models import (
    Area,
    Client,
    ComplicationType,
    Consent,
    ContraindicationType,
    Credential,
    Device,
    DeviceModel,
    DeviceTip,
    Finding,
    Indication,
    Practitioner,
)
from clinic_log.domain.enums import AppliesTo, Modality, PractitionerRole, Severity
from clinic_log.domain.errors import NotFound
from clinic_log.domain.values import (
    AreaRef,
    ClientFacts,
    CredentialFacts,
    DeviceModelRef,
    FindingFacts,
    IndicationRef,
    PractitionerFacts,
    TipRef,
)
from clinic_log.services.decisions import decisions_in


def area_refs(session: Session) -> Mapping[str, AreaRef]:
    return {
        a.code: AreaRef(a.code, a.label, a.region, a.usual_min_mm, a.usual_max_mm, a.rf_min_mm, a.rf_max_mm)
        for a in session.scalars(select(Area))
    }


def indication_refs(session: Session) -> dict[str, IndicationRef]:
    """Why areas are treated (acne scars, stretch marks…), each with its own range where it has one."""
    return {i.code: IndicationRef(i.code, i.label, i.default_site, i.usual_min_mm, i.usual_max_mm, i.rf_min_mm,
                                  i.rf_max_mm)
            for i in session.scalars(select(Indication).order_by(Indication.label))}


def tips_by_model(session: Session) -> dict[int, tuple[TipRef, ...]]:
    """Each device model's tips (id → tips, narrowest first)."""
    found: dict[int, list[TipRef]] = {}
    for t in session.scalars(select(DeviceTip).order_by(DeviceTip.model_id, DeviceTip.max_depth_mm, DeviceTip.id)):
        found.setdefault(t.model_id, []).append(TipRef(t.code, t.label, t.min_depth_mm, t.max_depth_mm, t.region))
    return {model_id: tuple(tips) for model_id, tips in found.items()}


def complication_codes(session: Session) -> dict[str, int]:
    """Each complication type's code and its highest CTCAE v5 grade."""
    return {code: grade for code, grade in session.execute(select(ComplicationType.code, ComplicationType.max_grade))}


def device_model_ref(model: DeviceModel, tips: tuple[TipRef, ...] = ()) -> DeviceModelRef:
    return DeviceModelRef(model.name, Modality(model.modality), model.min_depth_mm, model.max_depth_mm,
                          model.min_age, model.energy_unit, tips)


def device_model_refs(session: Session) -> dict[str, DeviceModelRef]:
    """Every device model with its tips and energy unit, by name."""
    tips = tips_by_model(session)
    return {m.name: device_model_ref(m, tips.get(m.id, ())) for m in session.scalars(select(DeviceModel))}


def device_models_by_name(session: Session) -> dict[str, DeviceModel]:
    return {m.name: m for m in session.scalars(select(DeviceModel))}


def device_for(session: Session, device_id: int) -> tuple[Device, DeviceModelRef]:
    device = session.get(Device, device_id)
    if device is None:
        raise NotFound("device", device_id)
    return device, device_model_ref(device.model, tips_by_model(session).get(device.model.id, ()))


def practitioner_facts(session: Session, practitioner_id: int) -> PractitionerFacts:
    row = session.get(Practitioner, practitioner_id)
    if row is None:
        raise NotFound("practitioner", practitioner_id)
    credentials = tuple(
        CredentialFacts(c.kind, c.number, c.expires_on, c.required)
        for c in session.scalars(select(Credential).where(Credential.practitioner_id == practitioner_id))
    )
    return PractitionerFacts(row.id, row.username, row.full_name, PractitionerRole(row.role),
                             row.needs_supervision, row.depth_cap_mm, credentials)


def client_facts(session: Session, client_id: int) -> ClientFacts:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound("client", client_id)
    findings = tuple(
        FindingFacts(f.code, t.label, Severity(t.severity), f.noted_on, f.ends_on, t.window,
                     f.cleared_by, f.clearance_note, AppliesTo(t.modality))
        for f, t in session.execute(
            select(Finding, ContraindicationType)
            .join(ContraindicationType, ContraindicationType.code == Finding.code)
            .where(Finding.client_id == client_id)
            .order_by(Finding.noted_on)
        )
    )
    consent_on = session.scalar(
        select(Consent.signed_on).where(Consent.client_id == client_id).order_by(Consent.signed_on.desc()).limit(1)
    )
    return ClientFacts(client.id, client.client_ref, client.fitzpatrick, findings, consent_on, client.date_of_birth,
                       decisions_in(session, client_id))
