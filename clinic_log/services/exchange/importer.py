"""CSV import of practitioners, clients and sessions: all or nothing, every bad cell reported.

Sessions are read, checked and bulk-inserted (Core executemany) in batches inside one transaction, so memory stays
flat as the file grows; any problem rolls the whole file back. Rows sharing client_ref + started_at + practitioner
form one session (their rows must be consecutive), recorded as signed by its practitioner. A session already stored
under the same client, start time (in UTC) and practitioner refuses the file, or is skipped when asked.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from clinic_log.db import dialect
from clinic_log.db.bulk import insert_values
from clinic_log.db.engine import Database
from clinic_log.db.models import (
    CartridgeLot,
    Client,
    Complication,
    Credential,
    Device,
    Practitioner,
    SessionArea,
    SessionWarning,
    TreatmentSession,
    table_of,
)
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import Level, PractitionerRole, SessionStatus
from clinic_log.domain.errors import DomainError, InvalidValue
from clinic_log.domain.numbers import parse_decimal
from clinic_log.domain.permissions import Permission
from clinic_log.domain.rules import SessionFacts, assess_session
from clinic_log.domain.values import (
    AreaInput,
    ClientFacts,
    ComplicationInput,
    Problem,
    SessionInput,
)
from clinic_log.services.clients.clients import ClientDetails, parse_fitzpatrick, search_key, validate_details
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.clock import utcnow
from clinic_log.services.common.csv_input import (
    NOTES_LIMIT,
    CellError,
    CsvReader,
    CsvRow,
    ProblemList,
    file_digest,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_float,
    parse_int,
    read_rows,
    utc_stamp,
)
from clinic_log.services.common.progress import Progress, no_progress
from clinic_log.services.people.people import PractitionerDetails, validate_practitioner
from clinic_log.services.sessions import facts
from clinic_log.services.sessions.draft_input import OrmReader
from clinic_log.services.sessions.seals import SEAL_KEY, seals_of

T = TypeVar("T")

PRACTITIONER_COLUMNS = ("username", "full_name", "role", "needs_supervision", "depth_cap_mm", "licence_no",
                        "licence_expires")
CLIENT_COLUMNS = ("client_ref", "first_name", "last_name", "date_of_birth", "phone", "email", "fitzpatrick")
SESSION_COLUMNS = ("client_ref", "started_at", "practitioner", "supervisor", "device", "device_serial",
                   "cartridge_lot", "lot_expires", "area", "depth_mm", "passes", "complication",
                   "complication_grade", "notes")
# Read when the header names them (files in the older format have none of them): why each area was treated, the
# RF tip used and the RF energy (in the device model's unit), as the CSV export writes them.
SESSION_OPTIONAL_COLUMNS = ("indication", "tip", "rf_energy")
NOT_RECORDED_SITE = "site_not_recorded"  # where an indication without a default site is read to be treated


BATCH_ROWS = 5_000  # rows validated, then written, at a time; memory does not grow with the file
SKIPPED_LINES_SHOWN = 20  # first lines of skipped sessions listed in the result
NAME_LIMITS = {"username": 80, "practitioner": 80, "supervisor": 80, "full_name": 200, "role": 20,
               "licence_no": 80, "client_ref": 40, "first_name": 120, "last_name": 120, "phone": 40, "email": 200,
               "device": 80, "device_serial": 80, "cartridge_lot": 80, "area": 40, "complication": 40,
               "indication": 40, "tip": 40}
SESSION_LIMITS = {**NAME_LIMITS, "notes": NOTES_LIMIT}  # characters per cell (db/models.py column lengths)


@dataclass(frozen=True)
class ImportResult:
    kind: str
    rows: int
    records: int  # practitioners, clients or sessions created
    skipped: int = 0  # sessions already in the database, skipped on request
    skipped_lines: tuple[int, ...] = ()  # the first line of the first SKIPPED_LINES_SHOWN of them


def _domain_check(problems: ProblemList, row: CsvRow, column: str, check: Callable[[], None]) -> None:
    try:
        check()
    except InvalidValue as exc:
        problems.add(row.line, exc.field if exc.field else column, f"{exc.value!r} is not allowed; {exc.allowed}")


# --- practitioners --------------------------------------------------------------------------


def import_practitioners(db: Database, actor: Actor, path: Path) -> ImportResult:
    authorize(db, actor, Permission.IMPORT_DATA)
    rows = read_rows(path, PRACTITIONER_COLUMNS, NAME_LIMITS)
    digest = file_digest(path)
    problems = ProblemList()
    details: list[tuple[CsvRow, PractitionerDetails]] = []
    for row in rows:
        role = row.get("role")
        if role not in set(PractitionerRole):
            problems.add(row.line, "role", f"{role!r} is not allowed; one of "
                         + ", ".join(r.value for r in PractitionerRole))
        item = PractitionerDetails(
            username=row.get("username"), full_name=row.get("full_name"), role=role,
            needs_supervision=bool(problems.cell(row, "needs_supervision", parse_bool, required=False)),
            depth_cap_mm=problems.cell(row, "depth_cap_mm", lambda t: parse_float(t, "a depth in mm"),
                                       required=False),
            licence_no=row.get("licence_no") or None,
            licence_expires=problems.cell(row, "licence_expires", parse_date, required=False),
        )
        if not item.full_name:
            problems.add(row.line, "full_name", "required")
        if role in set(PractitionerRole):
            _domain_check(problems, row, "username", partial(validate_practitioner, item))
        details.append((row, item))
    _check_unique(problems, [(r, d.username) for r, d in details], "username")

    def work(session: Session) -> ImportResult:
        existing = set(session.scalars(select(Practitioner.username)))
        for row, item in details:
            if item.username in existing:
                problems.add(row.line, "username", f"{item.username!r} already exists")
        problems.raise_if_any()
        for _, item in details:
            p = Practitioner(username=item.username, full_name=item.full_name, role=item.role,
                             needs_supervision=item.needs_supervision, depth_cap_mm=item.depth_cap_mm, active=True)
            session.add(p)
            session.flush()
            if item.licence_no:
                session.add(Credential(practitioner_id=p.id, kind="licence", number=item.licence_no,
                                       expires_on=item.licence_expires, required=True))
        audit.record(db, session, actor, AuditEvent("imported", "practitioners", None,
                                                    {"file": path.name, "sha256": digest,
                                                     "count": len(details)}))
        return ImportResult("practitioners", len(rows), len(details))

    problems.raise_if_any()
    return db.write(work)


def _check_unique(problems: ProblemList, keyed: list[tuple[CsvRow, str]], column: str) -> None:
    first_line: dict[str, int] = {}
    for row, key in keyed:
        if key in first_line:
            problems.add(row.line, column, f"{key!r} repeats line {first_line[key]}")
        else:
            first_line[key] = row.line


# --- clients --------------------------------------------------------------------------------


def import_clients(db: Database, actor: Actor, path: Path) -> ImportResult:
    authorize(db, actor, Permission.IMPORT_DATA)
    rows = read_rows(path, CLIENT_COLUMNS, NAME_LIMITS)
    digest = file_digest(path)
    problems = ProblemList()
    details: list[tuple[CsvRow, ClientDetails]] = []
    for row in rows:
        fitz = problems.cell(row, "fitzpatrick", _fitzpatrick_cell, required=False)
        item = ClientDetails(
            client_ref=row.get("client_ref"), first_name=row.get("first_name"), last_name=row.get("last_name"),
            date_of_birth=problems.cell(row, "date_of_birth", parse_date, required=False),
            phone=row.get("phone") or None, email=row.get("email") or None, fitzpatrick=fitz,
        )
        _domain_check(problems, row, "client_ref", partial(validate_details, item))
        details.append((row, item))
    _check_unique(problems, [(r, d.client_ref) for r, d in details], "client_ref")
    problems.raise_if_any()

    def work(session: Session) -> ImportResult:
        existing = set(session.scalars(select(Client.client_ref)))
        for row, item in details:
            if item.client_ref in existing:
                problems.add(row.line, "client_ref", f"{item.client_ref!r} already exists")
        problems.raise_if_any()
        now = utcnow()
        session.execute(insert(Client), [
            {"client_ref": d.client_ref, "first_name": d.first_name, "last_name": d.last_name,
             "search_key": search_key(d.first_name, d.last_name, d.client_ref), "date_of_birth": d.date_of_birth,
             "phone": d.phone, "email": d.email, "fitzpatrick": d.fitzpatrick, "created_at": now, "updated_at": now}
            for _, d in details
        ])
        audit.record(db, session, actor, AuditEvent("imported", "clients", None,
                                                    {"file": path.name, "sha256": digest,
                                                     "count": len(details)}))
        return ImportResult("clients", len(rows), len(details))

    return db.write(work)


def _fitzpatrick_cell(text: str) -> int | None:
    try:
        return parse_fitzpatrick(text)
    except DomainError:
        raise CellError(f"{text!r} is not allowed; I, II, III, IV, V or VI") from None


# --- sessions -------------------------------------------------------------------------------


@dataclass
class _Group:
    key: tuple[str, datetime, str]  # client_ref, started_at as stored (naive UTC), practitioner username
    stored: datetime  # started_at as stored
    lines: list[int]  # of its rows, in file order
    fields: dict[str, Any]  # the session's own fields, from its first row
    lot_number: str | None
    device_key: tuple[str, str] | None  # (model name, serial)
    areas: list[AreaInput] = field(default_factory=list)
    comps: list[ComplicationInput] = field(default_factory=list)
    entry: SessionInput = field(init=False)
    warnings: tuple[Problem, ...] = ()


class SessionLookups:
    """Everything the rows refer to, loaded once per import (the rules' facts through services/sessions/facts.py)."""

    def __init__(self, session: Session) -> None:
        self.clients = {ref: (cid, fitz) for cid, ref, fitz in
                        session.execute(select(Client.id, Client.client_ref, Client.fitzpatrick))}
        self.practitioners_by_id = facts.practitioners(session)
        self.practitioners = {p.username: p for p in self.practitioners_by_id.values()}
        self.models = facts.device_models_by_name(session)
        self.model_refs = facts.device_model_refs(session)  # with each model's tips and energy unit
        self.devices = {d.serial: d for d in session.scalars(select(Device))}
        self.lots = {lot.lot_number: lot for lot in session.scalars(select(CartridgeLot))}
        # The lots known before the import, as the rules see them for every session of the file (lots the file
        # brings are added to `lots` as they are written, batch by batch).
        lots = select(*facts.columns(facts.LOT, facts.LOT_FIELDS))
        self.lots_at_start = {row.lot_number: row for row in session.execute(lots)}
        self.areas = facts.area_refs(session)
        self.indications = facts.indication_refs(session)
        self.complications = facts.complication_codes(session)
        self.consent_validity = session.scalar(select(facts.CONSENT_VALIDITY_VALUE))
        self.session = session
        self._client_facts: dict[int, ClientFacts] | None = None

    def client_facts(self, client_id: int) -> ClientFacts:
        if self._client_facts is None:  # read when the first session is checked: a file with errors may not get there
            self._client_facts = facts.clients(self.session)
        return self._client_facts[client_id]

    def session_facts(self, entry: SessionInput, model_name: str | None = None) -> SessionFacts:
        """The facts for one session of the file: `model_name` is its device's model (a device the file brings
        has no id yet), else the model of the stored device `entry.device_id`."""
        if model_name is None and entry.device_id is not None:
            model_name = next(d.model.name for d in self.devices.values() if d.id == entry.device_id)
        supervisor = self.practitioners_by_id[entry.supervisor_id] if entry.supervisor_id else None
        return facts.session_facts(
            client=self.client_facts(entry.client_id), practitioner=self.practitioners_by_id[entry.practitioner_id],
            supervisor=supervisor, device_model=self.model_refs[model_name] if model_name else None,
            areas=self.areas, indications=self.indications, complication_codes=self.complications,
            consent_validity=self.consent_validity,
            lot=facts.lot_facts_of(entry.cartridge_lot, self.lots_at_start.get(entry.cartridge_lot or "")),
        )


def import_sessions(db: Database, actor: Actor, path: Path, *, skip_existing: bool = False,
                    progress: Progress = no_progress) -> ImportResult:
    """Import a sessions file, all or nothing, reading and writing it in batches of BATCH_ROWS rows inside one
    transaction (memory stays flat as the file grows). A session already in the database (same client, start
    time and practitioner) refuses the file, or with `skip_existing` is skipped and counted. `progress(done,
    total)` is called after each batch with characters read and the file's size; raising JobCancelled from it
    rolls everything back."""
    authorize(db, actor, Permission.IMPORT_DATA)
    digest = file_digest(path)

    def work(session: Session) -> ImportResult:
        db.lock_imports(session)  # a second import of the same file waits, then finds these sessions stored
        problems = ProblemList()
        reader = CsvReader(path, SESSION_COLUMNS, problems, SESSION_LIMITS, SESSION_OPTIONAL_COLUMNS)
        run = _SessionImport(db, session, actor, SessionLookups(session), problems, path.name, digest,
                             skip_existing)
        batch: list[CsvRow] = []
        for row in reader:
            batch.append(row)
            if len(batch) >= BATCH_ROWS:
                run.take(batch)
                batch = []
                progress(reader.chars_read, reader.size)
        run.take(batch, last=True)
        problems.raise_if_any()
        progress(reader.size, reader.size)
        return ImportResult("sessions", run.rows, run.written, run.skipped, tuple(run.skipped_lines))

    return db.write(work)


@lru_cache(maxsize=1024)  # a file repeats the same few values on every row
def _depth_cell(text: str) -> float:
    if not text.isascii():
        raise CellError(f"{text!r} is not a number; a depth in mm, e.g. 0.75, written with ASCII digits")
    try:
        return parse_decimal(text, "depth_mm", "a depth in mm, e.g. 0.75")
    except InvalidValue as exc:
        raise CellError(f"{text!r} is not a number; {exc.allowed}") from None


@lru_cache(maxsize=1024)  # a file repeats the same few values on every row
def _energy_cell(text: str) -> float:
    try:
        return parse_decimal(text, "rf_energy", "an RF energy setting, e.g. 30")
    except InvalidValue as exc:
        raise CellError(f"{text!r} is not a number; {exc.allowed}") from None


@lru_cache(maxsize=1024)  # a file repeats the same few values on every row
def _passes_cell(text: str) -> int:
    return parse_int(text, 1, 20, "1 to 20 passes")


@lru_cache(maxsize=1024)  # a file repeats the same few values on every row
def _grade_cell(text: str) -> int:
    return parse_int(text, 1, 5, "CTCAE grade 1 to 5")


_Key = tuple[str, datetime, str]  # client_ref, started_at (UTC as stored), practitioner username
_STORED_KEY_CHUNK = 500  # sessions looked up per SELECT against ix_sessions_client_started


class _SessionImport:
    """One import of a sessions file, fed rows in batches. A session's rows must be consecutive (as clinics'
    exports write them): rows sharing client_ref + started_at + practitioner that come after another session's rows
    are refused with the line where that session started. Finished sessions are checked against the database,
    assessed and written batch by batch; after the first problem nothing more is written, but every row is still
    checked so the whole list of problems can be reported (and the transaction rolled back)."""

    def __init__(self, db: Database, session: Session, actor: Actor, look: SessionLookups, problems: ProblemList,
                 file_name: str, digest: str, skip_existing: bool) -> None:
        self.db, self.session, self.actor, self.look, self.problems = db, session, actor, look, problems
        self.file_name, self.digest, self.skip_existing = file_name, digest, skip_existing
        self.rows = 0
        self.written = 0
        self.skipped = 0
        self.skipped_lines: list[int] = []
        self.open: _Group | None = None  # the session whose rows are being read
        self.pending: dict[_Key, _Group] = {}  # finished, not yet written
        # Sessions written by this import: ids (ascending) and their first lines, to name the line of a session
        # whose rows come back later in the file (found through the database, as the batch is already written).
        self.imported_ids = array("q")
        self.imported_lines = array("q")
        self.area_inputs: dict[tuple[Any, ...], AreaInput] = {}
        self.model_of = {serial: device.model.name for serial, device in look.devices.items()}

    def take(self, rows: list[CsvRow], last: bool = False) -> None:
        self.rows += len(rows)
        self._group(rows)
        if last and self.open is not None:
            self._finish_open()
        self._flush()

    def _finish_open(self) -> None:
        group = self.open
        assert group is not None
        group.entry = SessionInput(**group.fields, areas=tuple(group.areas), complications=tuple(group.comps))
        self.pending[group.key] = group
        self.open = None

    def _group(self, rows: list[CsvRow]) -> None:
        # Hot loop (one pass per CSV row): the lookups and the problem list are bound to locals once.
        problems = self.problems
        add = problems.add
        cell = problems.cell
        look = self.look
        clients, practitioners, models, devices = look.clients, look.practitioners, look.models, look.devices
        areas, complications, indications = look.areas, look.complications, look.indications
        model_refs = look.model_refs
        area_inputs, model_of = self.area_inputs, self.model_of
        for row in rows:
            get = row.values.get  # cells are already stripped by the reader
            line = row.line
            before = len(problems)
            ref = get("client_ref", "")
            client = clients.get(ref)
            if client is None:
                add(line, "client_ref", f"{ref!r} is not a known client; import clients first" if ref else "required")
            # problems.cell inlined for the cells every row has (start, depth, passes): this loop runs per CSV row.
            text = get("started_at", "")
            started: datetime | None = None
            stored: datetime | None = None
            if not text:
                add(line, "started_at", "required")
            else:
                try:
                    started = parse_datetime(text)
                    stored = utc_stamp(started, text)
                except CellError as exc:
                    add(line, "started_at", str(exc))
            username = get("practitioner", "")
            practitioner = practitioners.get(username)
            if practitioner is None:
                add(line, "practitioner", f"{username!r} is not a known practitioner username"
                    if username else "required")
            supervisor_name = get("supervisor", "")
            supervisor = practitioners.get(supervisor_name) if supervisor_name else None
            if supervisor_name and supervisor is None:
                add(line, "supervisor", f"{supervisor_name!r} is not a known practitioner username")
            model_name = get("device", "")
            serial = get("device_serial", "")
            known = devices.get(serial) if serial else None
            if model_name:
                if model_name not in models:
                    add(line, "device", f"{model_name!r} is not allowed; one of {', '.join(sorted(models))}")
                elif serial and model_of.setdefault(serial, model_name) != model_name:
                    add(line, "device_serial", f"{serial!r} is a {model_of[serial]}, not a {model_name}")
                if not serial:
                    add(line, "device_serial", "required when a device is named")
            lot_expires = cell(row, "lot_expires", parse_date, required=False)
            area_code = get("area", "")
            indication = get("indication", "") or None
            if indication is not None and indication not in indications:
                add(line, "indication", f"{indication!r} is not allowed; one of {', '.join(sorted(indications))}")
            if area_code in indications and area_code not in areas:
                # The older format: an indication given as the area, read as treated on the indication's site.
                if indication is not None and indication != area_code:
                    add(line, "area", f"{area_code!r} is an indication, and the indication cell says "
                        f"{indication!r}; give the body site as the area, or one indication")
                indication = area_code
                area_code = indications[area_code].default_site or NOT_RECORDED_SITE
            elif area_code not in areas:
                add(line, "area", f"{area_code!r} is not allowed; one of {', '.join(areas)} (a body site), or an "
                    f"indication read onto its site: {', '.join(sorted(indications))}" if area_code else "required")
            tip = get("tip", "") or None
            if tip is not None and model_name in model_refs:
                tips = model_refs[model_name].tips
                if all(t.code != tip for t in tips):
                    add(line, "tip", f"{tip!r} is not allowed; one of {', '.join(t.code for t in tips)}" if tips
                        else f"{tip!r} is not allowed; the {model_name} has no tips on record: leave it empty")
            text = get("rf_energy", "")
            energy: float | None = None
            if text:
                try:
                    energy = _energy_cell(text)
                except CellError as exc:
                    add(line, "rf_energy", str(exc))
            text = get("depth_mm", "")
            depth: float | None = None
            if not text:
                add(line, "depth_mm", "required")
            else:
                try:
                    depth = _depth_cell(text)
                except CellError as exc:
                    add(line, "depth_mm", str(exc))
            text = get("passes", "")
            passes: int | None = None
            if text:
                try:
                    passes = _passes_cell(text)
                except CellError as exc:
                    add(line, "passes", str(exc))
            comp_code = get("complication", "")
            grade = cell(row, "complication_grade", _grade_cell, required=bool(comp_code)) \
                if comp_code or get("complication_grade") else None
            if comp_code and comp_code not in complications:
                add(line, "complication", f"{comp_code!r} is not allowed; one of " + ", ".join(sorted(complications)))
            if grade is not None and not comp_code:
                add(line, "complication", "required when complication_grade is given")
            if (len(problems) > before or client is None or started is None or stored is None
                    or practitioner is None or depth is None):
                continue
            key = (ref, stored, username)
            group = self.open
            if group is None or group.key != key:
                earlier = self.pending.get(key)
                if earlier is not None:
                    add(line, "started_at", f"this session already started at line {earlier.lines[0]}; keep a "
                        "session's rows together")
                    continue
                if group is not None:
                    self._finish_open()
                # The session's own fields come from its first row; the entry is built once all rows are seen.
                lot_number = get("cartridge_lot", "") or None
                fields = {"client_id": client[0], "practitioner_id": practitioner.id, "started_at": started,
                          "supervisor_id": supervisor.id if supervisor else None,
                          "device_id": known.id if known else None, "cartridge_lot": lot_number,
                          "lot_expires": lot_expires, "notes": get("notes", "") or None}
                group = self.open = _Group(key, stored, [], fields, lot_number,
                                           (model_name, serial) if model_name else None)
            area_key = (area_code, depth, passes or 1, None, None, energy, indication, tip)
            area = area_inputs.get(area_key)
            if area is None:  # AreaInput is an immutable value: one object per distinct area, depth and passes…
                area = area_inputs[area_key] = AreaInput(*area_key)
            group.areas.append(area)
            if comp_code and grade is not None and all(c.code != comp_code for c in group.comps):
                group.comps.append(ComplicationInput(comp_code, grade, onset_on=started.date()))
            group.lines.append(line)

    def _flush(self) -> None:
        groups = list(self.pending.values())
        self.pending = {}
        if not groups:
            return
        stored = _stored_sessions(self.session, [(g.entry.client_id, g.stored, g.entry.practitioner_id)
                                                 for g in groups])
        fresh = []
        for group in groups:
            sid = stored.get((group.entry.client_id, group.stored, group.entry.practitioner_id))
            if sid is None:
                fresh.append(group)
                continue
            at = bisect_left(self.imported_ids, sid)
            if at < len(self.imported_ids) and self.imported_ids[at] == sid:
                self.problems.add(group.lines[0], "started_at", "this session already started at line "
                                  f"{self.imported_lines[at]}; keep a session's rows together")
            elif self.skip_existing:
                self.skipped += 1
                if len(self.skipped_lines) < SKIPPED_LINES_SHOWN:
                    self.skipped_lines.append(group.lines[0])
            else:
                self.problems.add(group.lines[0], "started_at", f"this session (client {group.key[0]}, "
                                  f"practitioner {group.key[2]}) is already in the database as session "
                                  f"{sid}; remove the line(s) or import with --skip-existing")
        _assess_groups(fresh, self.look, self.problems)
        if self.problems or not fresh:
            return  # keep validating the rest of the file, write nothing more: the transaction will roll back
        ids = _write_sessions(self.db, self.session, self.actor, fresh, self.look, self.file_name, self.digest)
        self.imported_ids.extend(ids)
        self.imported_lines.extend(g.lines[0] for g in fresh)
        self.written += len(ids)


def _stored_sessions(session: Session, keys: list[tuple[int, datetime, int]]) -> dict[tuple[int, datetime, int], int]:
    """Ids of the sessions already stored under these (client id, started_at as stored, practitioner id)."""
    table = table_of(TreatmentSession)
    wanted = set(keys)
    found: dict[tuple[int, datetime, int], int] = {}
    ordered = sorted(wanted)
    for at in range(0, len(ordered), _STORED_KEY_CHUNK):
        chunk = ordered[at:at + _STORED_KEY_CHUNK]
        rows = dialect.rows_by_pairs(
            session, (table.c.id, table.c.client_id, table.c.started_at, table.c.practitioner_id), table.c.client_id,
            table.c.started_at, [(k[0], k[1]) for k in chunk], _STORED_KEY_CHUNK)
        for sid, client_id, started, practitioner_id in rows:
            key = (client_id, started, practitioner_id)
            if key in wanted and key not in found:
                found[key] = sid
    return found


def _assess_groups(groups: list[_Group], look: SessionLookups, problems: ProblemList) -> None:
    for group in groups:
        entry = group.entry
        assessment = assess_session(entry, look.session_facts(entry, group.device_key[0] if group.device_key else ""))
        group.warnings = assessment.to_go_ahead
        for error in assessment.errors:
            problems.add(*_locate(group, error.field, error.message))


def _locate(group: _Group, field: str, message: str) -> tuple[int, str, str]:
    """Map a rule's field (e.g. areas[2].depth_mm) back to the file line and column."""
    if field.startswith("areas[") and "]" in field:
        index = int(field[len("areas["):field.index("]")]) - 1
        column = field[field.index("]") + 2:]
        column = {"area": "area", "depth_mm": "depth_mm", "passes": "passes"}.get(column, column)
        return group.lines[min(index, len(group.lines) - 1)], column, message
    if field.startswith("complications["):
        return group.lines[0], "complication_grade" if field.endswith("grade") else "complication", message
    column = {"cartridge_lot": "lot_expires", "supervisor": "supervisor"}.get(field, field)
    return group.lines[0], column, message


_SESSION_COLUMNS = (
    "id", "client_id", "started_at", "practitioner_id", "supervisor_id", "supervisor_presence", "device_id",
    "cartridge_lot_id", "course_index", "course_total", "skin_response", "notes", "warnings_reason", "status",
    "signed_by", "signed_at", "countersigned_by", "countersigned_at", "created_by", "created_at", "updated_at",
)
# A CSV has no technique, endpoint or complication outcome: those columns are left to be NULL.
_AREA_COLUMNS = ("session_id", "area_code", "depth_mm", "passes", "rf_energy", "indication", "tip")
_COMPLICATION_COLUMNS = ("session_id", "code", "grade", "onset_on", "reported", "added_by_amendment")
_WARNING_COLUMNS = ("session_id", "code", "message", "reason", "level", "overridden_by", "overridden_at")


def _write_sessions(db: Database, session: Session, actor: Actor, groups: list[_Group], look: SessionLookups,
                    file_name: str, digest: str) -> list[int]:
    now = utcnow()
    device_ids = _ensure_devices(session, groups, look)
    lot_ids = _ensure_lots(session, groups, look)
    ids = dialect.reserve_ids(session, table_of(TreatmentSession), len(groups))
    if not ids:
        return ids
    # Tuples straight to the driver (db.bulk.insert_values): at 100,000 rows, dicts per row cost a tenth
    # of the import.
    imported = f"imported from {file_name}"
    signed = SessionStatus.SIGNED.value
    usernames = {pid: p.username for pid, p in look.practitioners_by_id.items()}
    session_rows = []
    for sid, g in zip(ids, groups, strict=True):
        e = g.entry
        session_rows.append((
            sid, e.client_id, g.stored, e.practitioner_id, e.supervisor_id, None,
            device_ids.get(g.device_key) if g.device_key else None,
            lot_ids.get(g.lot_number) if g.lot_number else None,
            None, None, None, e.notes, imported if g.warnings else None, signed, usernames[e.practitioner_id],
            now, None, None, actor.username, now, now,
        ))
    insert_values(session, table_of(TreatmentSession), _SESSION_COLUMNS, session_rows)
    areas: list[tuple[Any, ...]] = []
    comps: list[tuple[Any, ...]] = []
    warnings: list[tuple[Any, ...]] = []
    for sid, g in zip(ids, groups, strict=True):
        areas += [(sid, a.area_code, a.depth_mm, a.passes, a.rf_energy, a.indication, a.tip)
                  for a in g.entry.areas]
        comps += [(sid, c.code, c.grade, c.onset_on, False, False) for c in g.entry.complications]
        warnings += [(sid, w.code, w.message, imported, w.level.value,
                      actor.username if w.level is Level.STOP else None, now if w.level is Level.STOP else None)
                     for w in g.warnings]
    insert_values(session, table_of(SessionArea), _AREA_COLUMNS, areas)
    insert_values(session, table_of(Complication), _COMPLICATION_COLUMNS, comps)
    insert_values(session, table_of(SessionWarning), _WARNING_COLUMNS, warnings)
    sealed = seals_of(OrmReader(session), ids)  # each imported (signed) session's content, sealed in its audit row
    audit.record_many(db, session, actor, [
        AuditEvent("imported", "session", str(sid), {"file": file_name, "sha256": digest,
                                                     "lines": g.lines, SEAL_KEY: sealed[sid]})
        for sid, g in zip(ids, groups, strict=True)
    ])
    return ids


def _ensure_devices(session: Session, groups: list[_Group], look: SessionLookups) -> dict[tuple[str, str], int]:
    ids: dict[tuple[str, str], int] = {}
    for g in groups:
        if g.device_key and g.device_key not in ids:
            model_name, serial = g.device_key
            device = look.devices.get(serial)
            if device is None:
                device = Device(device_model_id=look.models[model_name].id, serial=serial, in_service=True)
                session.add(device)
                session.flush()
                look.devices[serial] = device
            ids[g.device_key] = device.id
    return ids


def _ensure_lots(session: Session, groups: list[_Group], look: SessionLookups) -> dict[str, int]:
    ids: dict[str, int] = {}
    for g in groups:
        if g.lot_number and g.lot_number not in ids:
            lot = look.lots.get(g.lot_number)
            if lot is None:
                lot = CartridgeLot(lot_number=g.lot_number, expires_on=g.entry.lot_expires)
                session.add(lot)
                session.flush()
                look.lots[g.lot_number] = lot
            ids[g.lot_number] = lot.id
    return ids
