"""The clinic's clinical reference tables as CSV files a medical director reviews, and back.

`export_reference` writes the tables as the database holds them now, in the format of the shipped files under
resources/reference (areas.csv, indications.csv, device_models.csv, device_tips.csv, contraindications.csv,
complication_types.csv). The owner hands them to the medical director, who changes values or adds rows, and
`load_reference` reads back whichever of them are in the folder: strictly (each problem as `file line N: column:
problem`, every problem at once), all or nothing in one transaction, each changed or added row audited with its
old and new values. Rows missing from a file are kept: stored sessions and findings name them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Area, ComplicationType, ContraindicationType, DeviceModel, DeviceTip, Indication
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import ImportRefused, InvalidValue, LineProblem
from clinic_log.domain.permissions import Permission
from clinic_log.domain.windows import parse_window
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.csv_input import CellError, CsvReader, CsvRow, ProblemList, parse_float, parse_int
from clinic_log.services.common.csv_output import safe_writer
from clinic_log.services.common.files import check_target, output_target

PERMISSION = Permission.EDIT_SETTINGS
_FORMULA_STARTS = ("=", "+", "-", "@")


def _text(limit: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if len(text) > limit:
            raise CellError(f"{len(text)} characters is too long; at most {limit}")
        if text.startswith(_FORMULA_STARTS) or text.startswith("'"):
            raise CellError(f"{text[:20]!r} is not allowed; text that does not start with = + - @ or '")
        return text
    return parse


def _one_of(*allowed: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in allowed:
            raise CellError(f"{text!r} is not allowed; one of {', '.join(allowed)}")
        return text
    return parse


def _depth(text: str) -> float:
    value = parse_float(text, "a depth in mm above 0, at most 10")
    if not 0 < value <= 10:
        raise CellError(f"{text!r} is not allowed; a depth in mm above 0, at most 10")
    return value


def _window(text: str) -> str:
    try:
        parse_window(text)
    except InvalidValue as exc:
        raise CellError(f"{text!r} is not allowed; {exc.allowed}") from None
    return text


@dataclass(frozen=True)
class Column:
    name: str  # in the file
    attr: str  # on the model
    parse: Callable[[str], Any]
    required: bool = True


@dataclass(frozen=True)
class Table:
    file: str
    model: type[Any]
    columns: tuple[Column, ...]
    key: str  # the column naming a row (device_tips: device_model + code)


_CODE = Column("code", "code", _text(40))
_LABEL = Column("label", "label", _text(160))
_NOTES = Column("notes", "notes", _text(2000), required=False)

TABLES = (
    Table("areas.csv", Area, (
        _CODE, _LABEL, Column("region", "region", _one_of("face", "neck", "head", "body")),
        Column("usual_min_mm", "usual_min_mm", _depth), Column("usual_max_mm", "usual_max_mm", _depth), _NOTES,
        Column("rf_min_mm", "rf_min_mm", _depth, False), Column("rf_max_mm", "rf_max_mm", _depth, False)), "code"),
    Table("indications.csv", Indication, (
        _CODE, _LABEL, Column("default_site", "default_site", _text(40), False),
        Column("usual_min_mm", "usual_min_mm", _depth, False), Column("usual_max_mm", "usual_max_mm", _depth, False),
        Column("rf_min_mm", "rf_min_mm", _depth, False), Column("rf_max_mm", "rf_max_mm", _depth, False), _NOTES),
        "code"),
    Table("device_models.csv", DeviceModel, (
        Column("name", "name", _text(80)), Column("modality", "modality", _one_of("mechanical", "rf")),
        Column("min_depth_mm", "min_depth_mm", _depth), Column("max_depth_mm", "max_depth_mm", _depth), _NOTES,
        Column("min_age", "min_age", lambda t: parse_int(t, 1, 120, "an age from 1 to 120"), False),
        Column("energy_unit", "energy_unit", _text(20), False)), "name"),
    Table("device_tips.csv", DeviceTip, (
        Column("device_model", "model_id", _text(80)), _CODE, Column("label", "label", _text(120)),
        Column("min_depth_mm", "min_depth_mm", _depth), Column("max_depth_mm", "max_depth_mm", _depth),
        Column("region", "region", _one_of("face", "body")), _NOTES), "code"),
    Table("contraindications.csv", ContraindicationType, (
        _CODE, _LABEL, Column("severity", "severity", _one_of("absolute", "relative")),
        Column("window", "window", _window, False),
        Column("modality", "modality", _one_of("mechanical", "rf", "both"))),
        "code"),
    Table("complication_types.csv", ComplicationType, (
        _CODE, _LABEL, Column("category", "category", _one_of("expected", "adverse")),
        Column("instructions", "instructions", _text(2000)),
        Column("max_grade", "max_grade", lambda t: parse_int(t, 1, 5, "a CTCAE grade from 1 to 5"))), "code"),
)
FILES = tuple(t.file for t in TABLES)


def export_reference(db: Database, actor: Actor, folder: Path) -> list[Path]:
    """Write every reference table into `folder` (owner-only files, each whole or not at all)."""
    authorize(db, actor, PERMISSION)
    if not folder.is_dir():
        raise InvalidValue("folder", str(folder), "an existing folder")
    targets = [folder / t.file for t in TABLES]
    for target in targets:
        check_target(target)
    with db.reading() as session:
        tables = [(t, list(_stored_rows(session, t))) for t in TABLES]
    for (table, rows), target in zip(tables, targets, strict=True):
        with output_target(target) as tmp, tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = safe_writer(handle, [c.name for c in table.columns], lineterminator="\n")
            writer.writerows(rows)
    db.write(lambda session: audit.record(db, session, actor,
                                          AuditEvent("exported", "reference", None, {"files": list(FILES)})))
    return targets


def _stored_rows(session: Session, table: Table) -> Iterator[list[object]]:
    models = {m.id: m.name for m in session.scalars(select(DeviceModel))}
    for row in session.scalars(select(table.model).order_by(*table.model.__table__.primary_key.columns)):
        yield [models.get(row.model_id) if c.attr == "model_id" else getattr(row, c.attr) for c in table.columns]


@dataclass(frozen=True)
class Loaded:
    added: int
    changed: int
    files: tuple[str, ...]


def load_reference(db: Database, actor: Actor, folder: Path) -> Loaded:
    """Read back the reference files found in `folder`; refused whole (ImportRefused, lines named by file) on any
    problem, else rows added or changed in one transaction and each audited."""
    authorize(db, actor, PERMISSION)
    if not folder.is_dir():
        raise InvalidValue("folder", str(folder), "an existing folder")
    present = [t for t in TABLES if (folder / t.file).is_file()]
    if not present:
        raise InvalidValue("folder", str(folder), f"a folder holding at least one of {', '.join(FILES)}")
    problems: list[LineProblem] = []
    parsed: list[tuple[Table, list[tuple[int, dict[str, Any]]]]] = []
    for table in present:
        found = ProblemList()
        rows = [(row.line, _values(table, row, found)) for row in CsvReader(folder / table.file,
                                                                          [c.name for c in table.columns], found)]
        _check_rows(table, rows, found)
        problems += [LineProblem(p.line, f"{table.file}: {p.column}", p.problem) for p in found.problems]
        parsed.append((table, rows))
    if problems:
        raise ImportRefused(problems)

    def work(session: Session) -> Loaded:
        added = changed = 0
        ref_problems: list[LineProblem] = []
        for table, rows in parsed:
            for line, values in rows:
                try:
                    outcome = _store(db, session, actor, table, values)
                except _RowProblem as exc:
                    ref_problems.append(LineProblem(line, f"{table.file}: {exc.column}", exc.problem))
                    continue
                if outcome == "added":
                    added += 1
                elif outcome == "changed":
                    changed += 1
            session.flush()  # a later file may name this one's rows (indications → areas, tips → models)
        if ref_problems:
            raise ImportRefused(ref_problems)
        return Loaded(added, changed, tuple(t.file for t, _ in parsed))

    return db.write(work)


def _values(table: Table, row: CsvRow, found: ProblemList) -> dict[str, Any]:
    return {c.attr: found.cell(row, c.name, c.parse, c.required) for c in table.columns}


def _check_rows(table: Table, rows: list[tuple[int, dict[str, Any]]], found: ProblemList) -> None:
    seen: dict[tuple[Any, ...], int] = {}
    for line, values in rows:
        key = (values.get("model_id"), values.get(table.key)) if table.model is DeviceTip else (values.get(
            table.key),)
        if key in seen:
            found.add(line, table.key, f"{key[-1]!r} is listed twice (also line {seen[key]})")
        seen.setdefault(key, line)
        for low, high in (("usual_min_mm", "usual_max_mm"), ("rf_min_mm", "rf_max_mm"),
                          ("min_depth_mm", "max_depth_mm")):
            lo, hi = values.get(low), values.get(high)
            if lo is not None and hi is not None and lo > hi:
                found.add(line, high, f"{hi} is below {low} {lo}")
            elif (low in values) and (lo is None) != (hi is None) and low.startswith("rf"):
                found.add(line, high if hi is None else low, "give both ends of the RF range or neither")


class _RowProblem(Exception):
    def __init__(self, column: str, problem: str) -> None:
        super().__init__(problem)
        self.column, self.problem = column, problem


def _store(db: Database, session: Session, actor: Actor, table: Table, values: dict[str, Any]) -> str | None:
    """Add or update one row: 'added', 'changed' or None (unchanged); _RowProblem for a row naming what is not
    there."""
    if table.model is DeviceTip:
        model_id = session.scalar(select(DeviceModel.id).where(DeviceModel.name == values["model_id"]))
        if model_id is None:
            raise _RowProblem("device_model", f"{values['model_id']!r} is not a device model")
        values = {**values, "model_id": model_id}
        row = session.scalar(select(DeviceTip).where(DeviceTip.model_id == model_id,
                                                     DeviceTip.code == values["code"]))
    else:
        attr = getattr(table.model, table.key)
        row = session.scalar(select(table.model).where(attr == values[table.key]))
    if table.model is Indication and values["default_site"] is not None and session.get(
            Area, values["default_site"]) is None:
        raise _RowProblem("default_site", f"{values['default_site']!r} is not an area")
    what = f"{table.file.removesuffix('.csv')} {values[table.key]}"
    if row is None:
        session.add(table.model(**values))
        audit.record(db, session, actor, AuditEvent("added", "reference", what, _plain(values)))
        return "added"
    old = {k: getattr(row, k) for k in values}
    if old == values:
        return None
    for key, value in values.items():
        setattr(row, key, value)
    changes = {k: [old[k], v] for k, v in values.items() if old[k] != v}
    audit.record(db, session, actor, AuditEvent("changed", "reference", what, changes))
    return "changed"


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
