"""Realistic demo data: practitioners of every role, users, devices, lots, clients with findings, sessions.

Bulk rows go through Core executemany in one transaction, so a million sessions take seconds, not hours.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, not_, or_, select
from sqlalchemy.orm import Session

from clinic_log.db import dialect
from clinic_log.db.bulk import insert_rows
from clinic_log.db.engine import Database
from clinic_log.db.models import (
    Area,
    AuditEntry,
    CartridgeLot,
    Client,
    ComplicationType,
    Consent,
    Credential,
    Device,
    DeviceModel,
    DeviceTip,
    Finding,
    Practitioner,
    SessionArea,
    Setting,
    TreatmentSession,
    User,
    table_of,
)
from clinic_log.db.models import Complication as ComplicationRow
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DomainError
from clinic_log.domain.permissions import Permission
from clinic_log.domain.text import fold
from clinic_log.services.clinic.consent_texts import latest_in
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.clock import utcnow
from clinic_log.services.people.passwords import hash_password
from clinic_log.services.sessions.seals import seal_range
from clinic_log.settings import FHIR_IDENTIFIER_SYSTEM

FIRST = ["Amélie", "Zofia", "Şükrü", "娜", "Арина", "Ngozi", "Yuki", "Bartłomiej", "María", "Chloé", "Ingrid",
         "Aylin", "Priya", "Olusegun", "Søren", "Émilie", "Hana", "Lucía", "Mateus", "Fatima", "Grace", "Jonas"]
LAST = ["Durand", "Łukasiewicz", "Öztürk", "李",  # 李娜: family 李, given 娜
        "Соколова", "Okafor", "Tanaka", "Wiśniewski", "García", "Dubois",
        "Nilsen", "Yılmaz", "Sharma", "Adeyemi", "Kjær", "Lefèvre", "Novák", "Fernández", "Silva", "Haddad",
        "O'Brien", "Schmidt"]
DEMO_FHIR_SYSTEM = "https://demo.clinic-log.example/fhir"  # so demo data exports as FHIR; a clinic sets its own
DEMO_PASSWORDS = {"owner": "owner-demo-1", "reception": "reception-demo-1", "practitioner": "practitioner-demo-1"}
DEMO_USERS = {"owner": ("owner", "Helen Marsh"), "reception": ("reception", "Sam Okafor"),
              "practitioner": ("mbrandt", "Dr Maria Brandt")}  # role: (username, full name)

PRACTITIONERS = [
    ("mbrandt", "Dr Maria Brandt", "dermatologist", False, 3.0, "GMC-7712001", date(2031, 3, 31)),
    ("rkhan", "Dr Raza Khan", "plastic_surgeon", False, 3.0, "GMC-6620034", date(2030, 9, 30)),
    ("jdoyle", "Jane Doyle", "nurse", True, 1.5, "NMC-19A2233", date(2027, 6, 30)),
    ("tnguyen", "Thu Nguyen", "esthetician", True, 0.5, "ESTH-55012", date(2026, 12, 15)),
    ("lpetrova", "Lena Petrova", "nurse", True, 1.5, "NMC-88C1201", date(2028, 1, 31)),
    ("asato", "Aiko Sato", "esthetician", True, 0.5, "ESTH-61200", date(2027, 9, 30)),
]
DEVICES = [("Dermapen 4", "DP4-2291"), ("Dermapen 4", "DP4-3310"), ("SkinPen Precision", "SPP-00871"),
           ("Rejuvapen NXT", "RJV-1102"), ("Morpheus8", "M8-55210"), ("Potenza", "POT-0093")]
FINDINGS = ["active_acne", "eczema", "keloid_history", "hsv_history", "isotretinoin", "rosacea_flare",
            "anticoagulants", "botulinum_toxin"]


@dataclass(frozen=True)
class DemoResult:
    practitioners: int
    clients: int
    sessions: int
    areas: int


def generate_demo(db: Database, actor: Actor, clients: int = 200, sessions: int = 1000, seed: int = 1, *,
                  allow_existing: bool = False) -> DemoResult:
    """Add demo data, with its known logins (DEMO_PASSWORDS), to an empty database or one demo made; refused in a
    database holding anyone's records. `allow_existing`: tests and tools only, never the command line."""
    authorize(db, actor, Permission.IMPORT_DATA)
    rng = random.Random(seed)

    def work(session: Session) -> DemoResult:
        if not allow_existing:
            _refuse_real_data(db, session)
        practitioner_ids = _ensure_people(session)
        device_ids = _ensure_devices(session)
        if session.get(Setting, FHIR_IDENTIFIER_SYSTEM) is None:
            session.add(Setting(key=FHIR_IDENTIFIER_SYSTEM, value=DEMO_FHIR_SYSTEM))
        lot_ids = _make_lots(session, rng)
        client_ids = _make_clients(session, rng, clients)
        first = _next_id(session, TreatmentSession)
        areas = _make_sessions(session, rng, sessions, client_ids, practitioner_ids, device_ids, lot_ids)
        audit.record(db, session, actor, AuditEvent("generated", "demo", None,
                                                    {"clients": clients, "sessions": sessions, "seed": seed}))
        seal_range(db, session, actor, first, first + sessions - 1, "demo data")
        return DemoResult(len(practitioner_ids), len(client_ids), sessions, areas)

    return db.write(work)


_DEMO_AUDIT = or_(and_(AuditEntry.action == "generated", AuditEntry.entity == "demo"),
                  and_(AuditEntry.action == "sealed", AuditEntry.entity == "session"),
                  AuditEntry.entity == "database")  # backed up, restored: no records of anyone


def _refuse_real_data(db: Database, session: Session) -> None:
    """Demo data (and its owner login with a published password) never goes into a clinic's database: only into one
    with no clients, sessions, practitioners or users, or one whose every audit row is demo's own (or a backup's)."""
    held = {what: session.scalar(select(func.count()).select_from(model)) or 0
            for what, model in (("clients", Client), ("sessions", TreatmentSession), ("practitioners", Practitioner),
                                ("users", User))}
    if not any(held.values()):
        return
    made_by_demo = session.scalar(select(AuditEntry.id).where(AuditEntry.entity == "demo").limit(1)) is not None
    other = session.scalar(select(AuditEntry.id).where(not_(_DEMO_AUDIT)).limit(1))
    if made_by_demo and other is None:
        return
    holds = ", ".join(f"{count} {what}" for what, count in held.items() if count)
    where = db.sqlite_path or "the database"  # never a server URL: it may hold a password
    raise DomainError(f"demo data goes only into an empty database or one made by demo: {where} holds {holds}; "
                      "nothing was added")


def _ensure_people(session: Session) -> list[tuple[int, str, float]]:
    existing = {p.username: p for p in session.scalars(select(Practitioner))}
    for username, name, role, supervised, cap, licence, expires in PRACTITIONERS:
        if username not in existing:
            p = Practitioner(username=username, full_name=name, role=role, needs_supervision=supervised,
                             depth_cap_mm=cap, active=True)
            session.add(p)
            session.flush()
            session.add(Credential(practitioner_id=p.id, kind="licence", number=licence, expires_on=expires))
            session.add(Credential(practitioner_id=p.id, kind="microneedling certificate", number=f"MN-{p.id:04d}",
                                   expires_on=expires - timedelta(days=200)))
            existing[username] = p
    users = set(session.scalars(select(User.username)))
    for role, password in DEMO_PASSWORDS.items():
        username, full_name = DEMO_USERS[role]
        if username not in users:
            session.add(User(username=username, full_name=full_name, role=role,
                             password_hash=hash_password(password),
                             practitioner_id=existing["mbrandt"].id if role == "practitioner" else None))
    session.flush()
    return [(p.id, p.role, p.depth_cap_mm or 3.0) for p in existing.values()]


def _ensure_devices(session: Session) -> list[tuple[int, str, float, float]]:
    models = {m.name: m for m in session.scalars(select(DeviceModel))}
    existing = {d.serial: d for d in session.scalars(select(Device))}
    for model_name, serial in DEVICES:
        if serial not in existing:
            d = Device(device_model_id=models[model_name].id, serial=serial, in_service=True,
                       in_service_on=date(2024, 1, 15))
            session.add(d)
            existing[serial] = d
    session.flush()
    by_id = {m.id: m for m in models.values()}
    return [(d.id, by_id[d.device_model_id].modality, by_id[d.device_model_id].min_depth_mm,
             by_id[d.device_model_id].max_depth_mm) for d in existing.values()]


def _make_lots(session: Session, rng: random.Random) -> list[int]:
    start = _next_id(session, CartridgeLot)
    today = date.today()
    rows = [{"id": start + i, "lot_number": f"LOT-{rng.randrange(16**6):06X}-{start + i}",
             "expires_on": today + timedelta(days=rng.randrange(-400, 700))} for i in range(60)]
    insert_rows(session, table_of(CartridgeLot), rows)
    dialect.after_explicit_ids(session, CartridgeLot.__table__)
    return list(range(start, start + len(rows)))


def _make_clients(session: Session, rng: random.Random, count: int) -> list[tuple[int, int]]:
    start = _next_id(session, Client)
    now = utcnow()
    rows, findings, consents = [], [], []
    made: list[tuple[int, int]] = []
    contraindication_codes = FINDINGS
    consent = latest_in(session)  # demo clients signed the clinic's real wording
    for i in range(count):
        cid = start + i
        first, last = rng.choice(FIRST), rng.choice(LAST)
        ref = f"D-{cid:07d}"
        fitz = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6])
        made.append((cid, fitz))
        rows.append({"id": cid, "client_ref": ref, "first_name": first, "last_name": last,
                     "search_key": fold(f"{first} {last} {ref}"),
                     "date_of_birth": date(rng.randrange(1950, 2006), rng.randrange(1, 13), rng.randrange(1, 29)),
                     "phone": f"+44 7{rng.randrange(10**8, 10**9)}", "email": f"client{cid}@example.com",
                     "fitzpatrick": fitz, "created_at": now, "updated_at": now})
        if rng.random() < 0.12:
            code = rng.choice(contraindication_codes)
            noted = date.today() - timedelta(days=rng.randrange(10, 900))
            findings.append({"client_id": cid, "code": code, "noted_on": noted,
                             "ends_on": noted + timedelta(days=rng.randrange(5, 120)) if code in (
                                 "isotretinoin", "botulinum_toxin", "rosacea_flare", "active_acne") else None,
                             "note": None})
        if rng.random() < 0.9:
            consents.append({"client_id": cid, "text_version": consent.version, "text_snapshot": consent.body,
                             "signed_on": date.today() - timedelta(days=rng.randrange(0, 500)),
                             "signer_name": f"{first} {last}", "signature_png": None})
    for table, batch in ((Client, rows), (Finding, findings), (Consent, consents)):
        if batch:
            insert_rows(session, table_of(table), batch)
    dialect.after_explicit_ids(session, Client.__table__)
    return made


def _make_sessions(session: Session, rng: random.Random, count: int, clients: list[tuple[int, int]],
                   practitioners: list[tuple[int, str, float]], devices: list[tuple[int, str, float, float]],
                   lots: list[int]) -> int:
    if count == 0 or not clients:
        return 0
    areas = [(a.code, a.usual_min_mm, a.usual_max_mm) for a in session.scalars(select(Area))
             if a.code != NOT_RECORDED]
    tips = _tips_by_device(session)
    regions = {code: region for code, region in session.execute(select(Area.code, Area.region))}
    comp_codes = list(session.scalars(select(ComplicationType.code).order_by(ComplicationType.code)))
    expected = ["erythema", "oedema", "pinpoint_bleeding", "dryness"]
    physicians = [p for p in practitioners if p[1] in ("dermatologist", "plastic_surgeon")]
    start = _next_id(session, TreatmentSession)
    now = utcnow()
    span = 3 * 365 * 24 * 3600
    origin = datetime.now().replace(microsecond=0) - timedelta(seconds=span)
    area_total = 0
    for chunk_start in range(0, count, 50_000):
        s_rows, a_rows, c_rows = [], [], []
        for i in range(chunk_start, min(count, chunk_start + 50_000)):
            sid = start + i
            pid, role, cap = rng.choice(practitioners)
            did, modality, dmin, dmax = rng.choice(devices)
            started = origin + timedelta(seconds=rng.randrange(span) // 900 * 900)
            supervised = role in ("nurse", "esthetician")
            status = "draft" if rng.random() < 0.01 else "signed"
            s_rows.append({"id": sid, "client_id": rng.choice(clients)[0], "started_at": started,
                           "practitioner_id": pid,
                           "supervisor_id": rng.choice(physicians)[0] if supervised and physicians else None,
                           "supervisor_presence": "on_site" if supervised else None, "device_id": did,
                           "cartridge_lot_id": rng.choice(lots), "course_index": rng.randrange(1, 4),
                           "course_total": 3, "skin_response": "mild erythema", "notes": rng.choice(NOTES),
                           "warnings_reason": None, "status": status,
                           "signed_by": None if status == "draft" else "demo", "signed_at": None if status == "draft"
                           else started + timedelta(minutes=40), "countersigned_by": None,
                           "countersigned_at": None, "created_by": "demo", "created_at": now, "updated_at": now})
            for code, lo, hi in rng.sample(areas, rng.randrange(1, 4)):
                # Chosen from the ids, not the generator, so the rest of the data stays as the seed made it.
                indication = INDICATIONS.get(code) if sid % 3 == 0 else None
                if indication is not None:
                    low, high = INDICATION_RANGES[indication, modality == "rf"]
                    # Scars are treated deep: by practitioners whose depth cap reaches the indication's range.
                    indication, lo, hi = (indication, low, high) if cap >= low else (None, lo, hi)
                tip = _tip_for(tips.get(did), code, regions[code])
                if tip is not None:
                    lo, hi, dmin, dmax = max(lo, tip[1]), min(hi, tip[2]), tip[1], tip[2]
                depth = round(min(max(rng.uniform(lo, hi), dmin), dmax, max(cap, dmin)) / 0.05) * 0.05
                a_rows.append({"session_id": sid, "area_code": code, "depth_mm": round(max(depth, 0.05), 2),
                               "passes": rng.randrange(1, 5), "technique": rng.choice(["stamping", "gliding"]),
                               "endpoint": "mild erythema", "rf_energy": rng.randrange(10, 40) if modality == "rf"
                               else None, "indication": indication, "tip": None if tip is None else tip[0]})
            if rng.random() < 0.06:
                code = rng.choice(expected) if rng.random() < 0.7 else rng.choice(comp_codes)
                c_rows.append({"session_id": sid, "code": code, "grade": 1 if code in expected else rng.randrange(1, 4),
                               "onset_on": started.date(), "expected": code in expected, "relatedness": "device",
                               "action": None, "outcome": None, "resolved_on": None, "reported": False,
                               "added_by_amendment": False})
        insert_rows(session, table_of(TreatmentSession), s_rows)
        insert_rows(session, table_of(SessionArea), a_rows)
        if c_rows:
            insert_rows(session, table_of(ComplicationRow), c_rows)
        area_total += len(a_rows)
    dialect.after_explicit_ids(session, TreatmentSession.__table__)
    return area_total


NOT_RECORDED = "site_not_recorded"  # only for records made before sites and indications were apart
INDICATIONS = {"cheeks": "acne_scars", "abdomen": "stretch_marks", "thighs": "stretch_marks"}  # every third session
INDICATION_RANGES = {("acne_scars", False): (1.5, 2.0), ("acne_scars", True): (1.5, 3.5),
                     ("stretch_marks", False): (1.0, 2.5), ("stretch_marks", True): (2.0, 7.0)}
_SMALL_AREAS = ("periorbital", "perioral", "nose", "hands")  # the Prime tip's: small, thin-skinned areas


def _tips_by_device(session: Session) -> dict[int, dict[str, tuple[str, float, float]]]:
    """Each device's tips (device id → tip code → (code, min, max)), for devices whose model has tips."""
    found: dict[int, dict[str, tuple[str, float, float]]] = {}
    for did, code, low, high in session.execute(
            select(Device.id, DeviceTip.code, DeviceTip.min_depth_mm, DeviceTip.max_depth_mm)
            .join(DeviceTip, DeviceTip.model_id == Device.device_model_id)):
        found.setdefault(did, {})[code] = (code, low, high)
    return found


def _tip_for(tips: dict[str, tuple[str, float, float]] | None, area: str, region: str
             ) -> tuple[str, float, float] | None:
    """The tip a clinic would use on `area`: Prime on small areas (eyes, nose, lips, hands), Body on the rest of the
    body, else Facial."""
    if not tips:
        return None
    wanted = "prime" if area in _SMALL_AREAS else "body" if region == "body" else "facial"
    return tips.get(wanted)


NOTES = ["course going well", "client happy with texture", "slight pinpoint bleeding on cheeks",
         "numbing 30 min before", "rolling scars both cheeks", "kept shallow on periorbital", "HA serum applied",
         "PRP applied after needling", ""]


def _next_id(session: Session, model: type[TreatmentSession] | type[Client] | type[CartridgeLot]) -> int:
    return (session.scalar(select(func.max(model.id))) or 0) + 1
