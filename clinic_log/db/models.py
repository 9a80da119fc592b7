"""SQLAlchemy 2 typed models: the whole clinical record.

Clinical rows are never deleted: amendments and audit_log are append-only.
Timestamps are stored in UTC (naive UTC in the database, aware in Python values).
No `from __future__ import annotations` here: real annotations spare SQLAlchemy evaluating ~160 strings
at start-up (~35 ms); the two forward references are quoted instead.
"""


from datetime import date, datetime
from typing import cast

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# --- reference data -------------------------------------------------------------------------


class Area(Base):
    __tablename__ = "areas"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    region: Mapped[str] = mapped_column(String(20))
    usual_min_mm: Mapped[float] = mapped_column(Float)
    usual_max_mm: Mapped[float] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)
    rf_min_mm: Mapped[float | None] = mapped_column(Float)  # the usual range with RF microneedling
    rf_max_mm: Mapped[float | None] = mapped_column(Float)


class Indication(Base):
    """Why an area is treated (acne scars, stretch marks…), recorded apart from where (the body site). Scar tissue is
    treated deeper than the site's usual range: an indication's own range, where it has one, is checked instead.
    `default_site` is where an indication given as the area (files in the older import format, records made before
    schema 0009) is read to have been treated; the owner sets it per indication."""

    __tablename__ = "indications"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    default_site: Mapped[str | None] = mapped_column(ForeignKey("areas.code"))
    usual_min_mm: Mapped[float | None] = mapped_column(Float)
    usual_max_mm: Mapped[float | None] = mapped_column(Float)
    rf_min_mm: Mapped[float | None] = mapped_column(Float)
    rf_max_mm: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)


class DeviceModel(Base):
    __tablename__ = "device_models"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    modality: Mapped[str] = mapped_column(String(20))
    min_depth_mm: Mapped[float] = mapped_column(Float)
    max_depth_mm: Mapped[float] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)
    min_age: Mapped[int | None] = mapped_column(Integer)  # the youngest age on the device's label
    energy_unit: Mapped[str | None] = mapped_column(String(20))  # what an RF device's energy setting is counted in


class DeviceTip(Base):
    """A needle tip an RF device takes, with the depths it reaches and where it is made for (face or body): the
    device's own range is the union of its tips'."""

    __tablename__ = "device_tips"
    __table_args__ = (UniqueConstraint("model_id", "code"),
                      CheckConstraint("min_depth_mm > 0 AND max_depth_mm >= min_depth_mm", name="tip_range"))
    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("device_models.id"))
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(120))
    min_depth_mm: Mapped[float] = mapped_column(Float)
    max_depth_mm: Mapped[float] = mapped_column(Float)
    region: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)


class ContraindicationType(Base):
    __tablename__ = "contraindication_types"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(160))
    severity: Mapped[str] = mapped_column(String(10))
    window: Mapped[str | None] = mapped_column(String(10))
    modality: Mapped[str] = mapped_column(String(10), server_default="both")  # mechanical, rf or both


class ComplicationType(Base):
    __tablename__ = "complication_types"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(160))
    category: Mapped[str] = mapped_column(String(10))
    instructions: Mapped[str] = mapped_column(Text)
    max_grade: Mapped[int] = mapped_column(Integer, server_default="5")  # the term's highest CTCAE v5 grade


class AftercareTemplate(Base):
    """Versioned aftercare content; a new version is a new row, old ones stay for printed sheets."""

    __tablename__ = "aftercare_templates"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    body_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(80))


class PretreatmentTemplate(Base):
    """Versioned pre-treatment sheet content (what to stop before a session); old versions stay for printed sheets."""

    __tablename__ = "pretreatment_templates"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    body_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(80))


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# --- people ---------------------------------------------------------------------------------


class Practitioner(Base):
    __tablename__ = "practitioners"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    needs_supervision: Mapped[bool] = mapped_column(Boolean, default=False)
    depth_cap_mm: Mapped[float | None] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    credentials: Mapped[list["Credential"]] = relationship(back_populates="practitioner")


class Credential(Base):
    __tablename__ = "credentials"
    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"), index=True)
    kind: Mapped[str] = mapped_column(String(80))  # licence, microneedling certificate, device training…
    number: Mapped[str] = mapped_column(String(80))
    issuing_body: Mapped[str | None] = mapped_column(String(160))
    issued_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    practitioner: Mapped["Practitioner"] = relationship(back_populates="credentials")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioners.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


# --- clients --------------------------------------------------------------------------------


class Client(Base):
    __tablename__ = "clients"
    __table_args__ = (CheckConstraint("fitzpatrick BETWEEN 1 AND 6", name="fitzpatrick"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    client_ref: Mapped[str] = mapped_column(String(40), unique=True)
    first_name: Mapped[str] = mapped_column(String(120))
    last_name: Mapped[str] = mapped_column(String(120))
    search_key: Mapped[str] = mapped_column(String(400), index=True)  # folded names for search
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    fitzpatrick: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class MedicalHistoryEntry(Base):
    __tablename__ = "medical_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # condition, medication, allergy, concern, outcome
    text: Mapped[str] = mapped_column(Text)
    noted_on: Mapped[date] = mapped_column(Date)


class Finding(Base):
    """A contraindication on a client's record, with its dates and any physician clearance."""

    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    code: Mapped[str] = mapped_column(ForeignKey("contraindication_types.code"))
    noted_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    cleared_by: Mapped[str | None] = mapped_column(String(80))
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime)
    clearance_note: Mapped[str | None] = mapped_column(Text)


class ClientDecision(Base):
    """What was decided when the client was not suitable: defer (with a review date), an alternative treatment,
    or a referral to a specialist. Never deleted; closing it (once) is the only change (triggers, 0008)."""

    __tablename__ = "client_decisions"
    __table_args__ = (
        CheckConstraint("kind IN ('defer', 'alternative', 'referral')", name="kind"),
        CheckConstraint("kind <> 'defer' OR review_on IS NOT NULL", name="defer_review"),
        CheckConstraint("kind <> 'referral' OR referred_to IS NOT NULL", name="referral_to"),
        CheckConstraint("kind <> 'alternative' OR alternative IS NOT NULL", name="alternative_text"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    review_on: Mapped[date | None] = mapped_column(Date)
    referred_to: Mapped[str | None] = mapped_column(String(200))
    alternative: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(80))
    decided_by_name: Mapped[str] = mapped_column(String(200))  # as the recorder was named then
    decided_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[str | None] = mapped_column(String(80))
    close_note: Mapped[str | None] = mapped_column(Text)


class Consent(Base):
    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    # treatment, photos_clinical or photos_other (ConsentPurpose); every consent before schema 0010 is treatment
    purpose: Mapped[str] = mapped_column(String(20), default="treatment", server_default="treatment")
    text_version: Mapped[int] = mapped_column(Integer)
    text_snapshot: Mapped[str] = mapped_column(Text)
    signed_on: Mapped[date] = mapped_column(Date)
    signer_name: Mapped[str] = mapped_column(String(200))
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary)


class ConsentText(Base):
    """The clinic's consent wording; editing it adds a version, signed consents keep their own snapshot."""

    __tablename__ = "consent_texts"
    __table_args__ = (UniqueConstraint("purpose", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20), default="treatment", server_default="treatment")
    version: Mapped[int] = mapped_column(Integer)  # counted per purpose
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(80))


# --- devices --------------------------------------------------------------------------------


class Device(Base):
    __tablename__ = "devices"
    id: Mapped[int] = mapped_column(primary_key=True)
    device_model_id: Mapped[int] = mapped_column(ForeignKey("device_models.id"))
    serial: Mapped[str] = mapped_column(String(80), unique=True)
    in_service_on: Mapped[date | None] = mapped_column(Date)
    in_service: Mapped[bool] = mapped_column(Boolean, default=True)
    # raised by one on each retire / return to service; the change names the version the owner saw
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    model: Mapped[DeviceModel] = relationship()


class CartridgeLot(Base):
    """A lot of needle cartridges. A lot named first on a session is created then, without a model or a quantity;
    a lot the owner registers on the devices page has both, and its stock is counted down by the sessions naming
    it (counted, never stored)."""

    __tablename__ = "cartridge_lots"
    __table_args__ = (CheckConstraint("quantity_received IS NULL OR quantity_received >= 1", name="quantity"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    lot_number: Mapped[str] = mapped_column(String(80), unique=True)
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    device_model_id: Mapped[int | None] = mapped_column(ForeignKey("device_models.id"))
    quantity_received: Mapped[int | None] = mapped_column(Integer)


# --- sessions -------------------------------------------------------------------------------


class TreatmentSession(Base):
    __tablename__ = "sessions"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'signed')", name="status"),
        Index("ix_sessions_started_at_id", "started_at", "id"),
        Index("ix_sessions_client_started", "client_id", "started_at"),
        Index("ix_sessions_practitioner_started", "practitioner_id", "started_at"),
        Index("ix_sessions_device_started", "device_id", "started_at"),
        Index("ix_sessions_lot", "cartridge_lot_id"),
        # the few voided sessions, so reports can leave them out without scanning a million rows
        Index("ix_sessions_voided", "id", sqlite_where=text("voided_at IS NOT NULL"),
              postgresql_where=text("voided_at IS NOT NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id"))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("practitioners.id"))
    supervisor_presence: Mapped[str | None] = mapped_column(String(20))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    cartridge_lot_id: Mapped[int | None] = mapped_column(ForeignKey("cartridge_lots.id"))
    course_index: Mapped[int | None] = mapped_column(Integer)
    course_total: Mapped[int | None] = mapped_column(Integer)
    skin_response: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    warnings_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    signed_by: Mapped[str | None] = mapped_column(String(80))
    signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    countersigned_by: Mapped[str | None] = mapped_column(String(80))
    countersigned_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A signed session is never deleted; voiding keeps it, marked, with who, when and why.
    voided_by: Mapped[str | None] = mapped_column(String(80))
    voided_at: Mapped[datetime | None] = mapped_column(DateTime)
    void_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # Raised by one on every change (a trigger refuses any other step); every writer names the version it read
    # in its UPDATE, so of two workstations changing the same session one wins and the other is told.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's declarative attribute)


class SessionArea(Base):
    __tablename__ = "session_areas"
    __table_args__ = (
        CheckConstraint("depth_mm > 0", name="depth_positive"),
        CheckConstraint("passes >= 1", name="passes_positive"),
        Index("ix_session_areas_area_session", "area_code", "session_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"))
    depth_mm: Mapped[float] = mapped_column(Float)
    passes: Mapped[int] = mapped_column(Integer)
    technique: Mapped[str | None] = mapped_column(String(20))
    endpoint: Mapped[str | None] = mapped_column(String(120))
    rf_energy: Mapped[float | None] = mapped_column(Float)
    indication: Mapped[str | None] = mapped_column(ForeignKey("indications.code"))  # why; area_code is where
    tip: Mapped[str | None] = mapped_column(String(40))  # the code of the device model's tip used (device_tips)


class SessionProduct(Base):
    __tablename__ = "session_products"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    contact_minutes: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class Complication(Base):
    __tablename__ = "complications"
    __table_args__ = (
        CheckConstraint("grade BETWEEN 1 AND 5", name="ctcae_grade"),
        Index("ix_complications_code_session", "code", "session_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    code: Mapped[str] = mapped_column(ForeignKey("complication_types.code"))
    onset_on: Mapped[date | None] = mapped_column(Date)
    grade: Mapped[int] = mapped_column(Integer)
    expected: Mapped[bool | None] = mapped_column(Boolean)
    relatedness: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    reported: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by_amendment: Mapped[bool] = mapped_column(Boolean, default=False)


class SessionWarning(Base):
    """A warning or stop the session was signed over, and the reason given; a stop also names who overrode it."""

    __tablename__ = "session_warnings"
    # sessions signed over a stop, for the history filter, without reading every warning
    __table_args__ = (Index("ix_session_warnings_level_session", "level", "session_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(10), default="warning", server_default="warning")
    overridden_by: Mapped[str | None] = mapped_column(String(80))
    overridden_at: Mapped[datetime | None] = mapped_column(DateTime)


class SessionOverride(Base):
    """A physician's or the owner's override of a draft's stops, valid for the draft version it was given on.

    Append-only: a changed draft needs a new override; signing copies the override onto the session's warnings.
    """

    __tablename__ = "session_overrides"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    overridden_by: Mapped[str] = mapped_column(String(80))
    overridden_at: Mapped[datetime] = mapped_column(DateTime)


class FormDraft(Base):
    """What a user has typed into a form that is not saved yet (autosaved), so a crash or restart loses nothing.

    One row per (user, form key); the UI deletes it once the record itself is saved.
    """

    __tablename__ = "form_drafts"
    __table_args__ = (UniqueConstraint("username", "form_key", name="user_form"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    form_key: Mapped[str] = mapped_column(String(120))  # e.g. "session:new:client=42" or "session:17"
    state_json: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(DateTime)


# --- photos ---------------------------------------------------------------------------------


class PhotoBlob(Base):
    """One stored image, addressed by the SHA-256 of its stored bytes (so the same image is kept once), with its
    JPEG thumbnail. Never changed or deleted (triggers, 0010)."""

    __tablename__ = "photo_blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(40))
    byte_size: Mapped[int] = mapped_column(Integer)
    thumbnail: Mapped[bytes] = mapped_column(LargeBinary)
    # last: SQLite reads columns in order, so the small ones and the thumbnail never walk an original's pages
    original: Mapped[bytes] = mapped_column(LargeBinary)  # what the app shows and exports (re-encoded, stripped)


class Photo(Base):
    """A before/after photo of a client, of a standard view, optionally of a session and one of its areas.
    Never deleted; voiding it (once, with a reason) is the only change (triggers, 0010)."""

    __tablename__ = "photos"
    __table_args__ = (
        CheckConstraint("view IN ('front', 'left45', 'right45', 'left90', 'right90', 'closeup')", name="view"),
        CheckConstraint("use IN ('clinical', 'other')", name="use"),
        CheckConstraint("taken_at_source IN ('exif', 'file', 'capture', 'typed')", name="taken_at_source"),
        Index("ix_photos_client_view_taken", "client_id", "view", "taken_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"), index=True)
    area_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"))
    view: Mapped[str] = mapped_column(String(20))
    use: Mapped[str] = mapped_column(String(20))
    taken_at: Mapped[datetime] = mapped_column(DateTime)
    taken_at_source: Mapped[str] = mapped_column(String(10))
    taken_by: Mapped[str] = mapped_column(String(80))
    added_at: Mapped[datetime] = mapped_column(DateTime)
    sha256: Mapped[str] = mapped_column(ForeignKey("photo_blobs.sha256"), index=True)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime)
    voided_by: Mapped[str | None] = mapped_column(String(80))
    void_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


# --- append-only trails ---------------------------------------------------------------------


class Amendment(Base):
    __tablename__ = "amendments"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    amended_by: Mapped[str] = mapped_column(String(80))
    amended_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """Who did what; each row carries the SHA-256 of the previous row (tamper evidence)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(80))
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


def table_of(model: type[Base]) -> Table:
    """The Core table behind a model, for bulk executemany paths (typed as Table, not FromClause)."""
    return cast(Table, model.__table__)
