"""The consultation form: Fitzpatrick type, medical history, skin concerns, desired outcomes and contraindication
findings with their dates and physician clearance; "Pre-treatment sheet…" previews the client's sheet to print or
save (the roles that print sheets, reception too, even where the form is read-only).

Each change is saved at once through the services (one audited transaction each) and `changed` is emitted so
the page reloads the record and the suitability panel. A line typed but not yet added is kept as the user's
draft for that client (record_drafts.py): it comes back after a crash, and it never follows the user to
another client's record. Reception sees the form read-only; the services refuse
clinical edits from reception whatever the form shows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.enums import FITZPATRICK_NUMERALS, AppliesTo, Severity
from clinic_log.domain.errors import DomainError
from clinic_log.domain.permissions import ALLOWED
from clinic_log.domain.rules import MODALITY_WORDS
from clinic_log.domain.suitability import FITZPATRICK_DESCRIPTIONS
from clinic_log.domain.windows import window_words
from clinic_log.services.clients import clients
from clinic_log.services.clients.client_record import (
    ClientRecord,
    ContraindicationKind,
    FindingLine,
    contraindication_kinds,
)
from clinic_log.services.clients.pretreatment import PERMISSION as PRINT_SHEETS
from clinic_log.ui.common.date_typing import type_dates_whole
from clinic_log.ui.common.record_drafts import RecordDrafts
from clinic_log.ui.common.user_session import UserSession

# kind, group title, singular (for "New …" and "Remove …")
HISTORY_SECTIONS = (
    ("condition", "Medical conditions", "condition"),
    ("medication", "Current medications", "medication"),
    ("allergy", "Allergies", "allergy"),
    ("concern", "Skin concerns", "skin concern"),
    ("outcome", "Desired outcomes", "desired outcome"),
)
_ID = int(Qt.ItemDataRole.UserRole.value)


def fitzpatrick_choice(value: int) -> str:
    return f"{FITZPATRICK_NUMERALS[value - 1]} — {FITZPATRICK_DESCRIPTIONS[value]}"


def _severity_words(kind: ContraindicationKind) -> str:
    """"absolute", or "absolute for RF" for one that concerns only one kind of treatment."""
    return kind.severity.value + ("" if kind.modality is AppliesTo.BOTH else f" for {MODALITY_WORDS[kind.modality]}")


def kind_choice(kind: ContraindicationKind) -> str:
    extra = f", {window_words(kind.window)} window" if kind.window else ""
    return f"{kind.label} ({_severity_words(kind)}{extra})"


def finding_text(line: FindingLine) -> str:
    parts = [f"{line.kind.label} ({_severity_words(line.kind)})", f"noted {line.noted_on.isoformat()}"]
    if line.ends_on is not None:
        parts.append(f"{'stopped/done' if line.kind.time_bound else 'ended'} {line.ends_on.isoformat()}")
    elif line.kind.time_bound:
        parts.append("ongoing")
    if line.note:
        parts.append(line.note)
    text = " — ".join(parts[:1]) + ": " + ", ".join(parts[1:])
    if line.cleared_by:
        when = f" on {line.cleared_at.astimezone():%Y-%m-%d}" if line.cleared_at else ""
        text += f"\n    cleared by {line.cleared_by}{when}: {line.clearance_note or ''}"
    return text


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(name: str, day: date) -> QDateEdit:
    edit = type_dates_whole(QDateEdit(qdate(day)))
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    edit.setAccessibleName(name)
    return edit


class HistoryList(QGroupBox):
    """One kind of consultation line: the list, a field to add one (Enter), and Remove."""

    def __init__(self, kind: str, title: str, singular: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.kind = kind
        self.list = QListWidget()
        self.list.setAccessibleName(title)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setMaximumHeight(self.fontMetrics().height() * 3 + 12)
        self.new_edit = QLineEdit()
        self.new_edit.setAccessibleName(f"New {singular}")
        self.new_edit.setPlaceholderText(f"New {singular} — Enter adds it")
        self.add_button = QPushButton("Add")
        self.add_button.setAccessibleName(f"Add {singular}")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setAccessibleName(f"Remove {singular}")
        self.remove_button.setEnabled(False)
        self.new_edit.returnPressed.connect(self.add_button.click)
        self.list.currentRowChanged.connect(lambda row: self.remove_button.setEnabled(row >= 0 and self.isEnabled()))
        row = QHBoxLayout()
        row.addWidget(self.new_edit, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(row)

    def show_lines(self, lines: list[tuple[int, str]]) -> None:
        self.list.clear()
        for entry_id, text in lines:
            item = QListWidgetItem(text)
            item.setData(_ID, entry_id)
            self.list.addItem(item)
        self.remove_button.setEnabled(False)

    def selected_id(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(_ID)) if item is not None else None


class ConsultationForm(QWidget):
    """Emits `changed()` after every saved edit, and `problem(str)` with a refused one."""

    changed = Signal()
    problem = Signal(str)

    def __init__(self, db: Database, user: UserSession, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._today = today
        self._client_id: int | None = None
        self._client_name = ""
        self._findings: dict[int, FindingLine] = {}
        self._can_clear = False
        self.kinds = contraindication_kinds(db)
        self._editable = True
        self.restored_label = QLabel()
        self.restored_label.setAccessibleName("Note")
        self.restored_label.setWordWrap(True)
        self.restored_label.setVisible(False)

        self.fitzpatrick_combo = QComboBox()
        self.fitzpatrick_combo.setAccessibleName("Fitzpatrick skin type")
        self.fitzpatrick_combo.addItem("Not recorded", None)
        for value in range(1, 7):
            self.fitzpatrick_combo.addItem(fitzpatrick_choice(value), value)
        self.fitzpatrick_combo.activated.connect(self._on_fitzpatrick)
        skin = QFormLayout()
        skin.addRow("Fitzpatrick skin t&ype", self.fitzpatrick_combo)
        self.pretreatment_button = QPushButton("Pre-treatment sheet…")
        self.pretreatment_button.setAccessibleName("Pre-treatment sheet…")
        self.pretreatment_button.setToolTip("What this client stops and when before treatment, with their own "
                                            "findings: preview, print or save as PDF")
        self.pretreatment_button.setEnabled(False)
        self.pretreatment_button.clicked.connect(self.open_pretreatment)
        top = QHBoxLayout()
        top.addLayout(skin, 1)
        top.addWidget(self.pretreatment_button)

        self.history: dict[str, HistoryList] = {}
        history_grid = QGridLayout()
        for n, (kind, title, singular) in enumerate(HISTORY_SECTIONS):
            section = HistoryList(kind, title, singular)
            section.add_button.clicked.connect(lambda _=False, s=section: self._add_history(s))
            section.remove_button.clicked.connect(lambda _=False, s=section: self._remove_history(s))
            self.history[kind] = section
            history_grid.addWidget(section, n // 2, n % 2)

        self.findings_box = self._build_findings()
        self.drafts = RecordDrafts(db, user, "consultation", self.typed, self.restore_typed,
                                   [edit.textChanged for edit in self._typed_fields().values()], self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.restored_label)
        layout.addLayout(top)
        layout.addWidget(self.findings_box)  # first: what decides suitability
        layout.addLayout(history_grid)

    def _build_findings(self) -> QGroupBox:
        box = QGroupBox("Contraindications")
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("Contraindication")
        for kind in self.kinds:
            self.kind_combo.addItem(kind_choice(kind), kind.code)
        self.kind_combo.currentIndexChanged.connect(self._on_kind)
        today = self._today()
        self.noted_edit = date_edit("Noted on", today)
        self.ended_check = QCheckBox("Stopped / &done on")
        self.ended_check.setAccessibleName("Stopped / done on")
        self.ended_check.setToolTip("For time-bound ones: the day isotretinoin or retinoids were stopped, or the day "
                                    "of the peel, laser, toxin or filler; the window runs from it")
        self.ended_edit = date_edit("Stopped / done date", today)
        self.ended_check.toggled.connect(self.ended_edit.setEnabled)
        self.note_edit = QLineEdit()
        self.note_edit.setAccessibleName("Finding note")
        self.note_edit.setPlaceholderText("Note (optional): area, dose, product…")
        self.add_finding_button = QPushButton("Add contraindication")
        self.add_finding_button.setAccessibleName("Add contraindication")
        self.add_finding_button.clicked.connect(self._add_finding)

        self.findings_list = QListWidget()
        self.findings_list.setAccessibleName("Contraindications on record")
        self.findings_list.setWordWrap(True)
        self.findings_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.findings_list.setMinimumHeight(self.fontMetrics().height() * 5)
        self.findings_list.currentRowChanged.connect(self._on_finding_selected)
        self.set_end_button = QPushButton("Set stopped / done date")
        self.set_end_button.setAccessibleName("Set stopped / done date")
        self.set_end_button.setToolTip("Give the selected finding the date in “Stopped / done date”")
        self.set_end_button.clicked.connect(self._set_end)
        self.remove_finding_button = QPushButton("Remove")
        self.remove_finding_button.setAccessibleName("Remove contraindication")
        self.remove_finding_button.clicked.connect(self._remove_finding)
        self.clearance_edit = QLineEdit()
        self.clearance_edit.setAccessibleName("Clearance note")
        self.clearance_edit.setPlaceholderText("Clearance note (physicians only)")
        self.clear_button = QPushButton("Clear (physician)")
        self.clear_button.setAccessibleName("Clear contraindication")
        self.clear_button.setToolTip("A dermatologist or plastic surgeon clears the selected relative "
                                     "contraindication; who and when are recorded")
        self.clear_button.clicked.connect(self._clear_finding)

        kind_label, noted_label = QLabel("&Contraindication"), QLabel("&Noted on")
        kind_label.setBuddy(self.kind_combo)
        noted_label.setBuddy(self.noted_edit)
        entry = QGridLayout()
        entry.addWidget(kind_label, 0, 0)
        entry.addWidget(self.kind_combo, 0, 1, 1, 3)
        entry.addWidget(noted_label, 1, 0)
        entry.addWidget(self.noted_edit, 1, 1)
        entry.addWidget(self.ended_check, 1, 2)
        entry.addWidget(self.ended_edit, 1, 3)
        entry.addWidget(self.note_edit, 2, 0, 1, 3)
        entry.addWidget(self.add_finding_button, 2, 3)
        actions = QHBoxLayout()
        actions.addWidget(self.set_end_button)
        actions.addWidget(self.remove_finding_button)
        actions.addWidget(self.clearance_edit, 1)
        actions.addWidget(self.clear_button)
        layout = QVBoxLayout(box)
        layout.addLayout(entry)
        layout.addWidget(self.findings_list)
        layout.addLayout(actions)
        self._on_kind()
        self._on_finding_selected(-1)
        return box

    # --- showing a record ------------------------------------------------------------------

    def set_record(self, record: ClientRecord, editable: bool, can_clear: bool) -> None:
        restored = self.drafts.show(record.client.id, self._clear_typed, editable)
        if restored:
            self.restored_label.setText(restored)
            self.restored_label.setVisible(True)
        self._client_id = record.client.id
        self._client_name = record.client.full_name
        self._can_clear = can_clear
        self.pretreatment_button.setEnabled(self._user.actor.role in ALLOWED[PRINT_SHEETS])
        fitz = record.client.fitzpatrick
        self.fitzpatrick_combo.setCurrentIndex(fitz if fitz is not None else 0)
        for kind, section in self.history.items():
            section.show_lines([(h.id, f"{h.text}  ({h.noted_on.isoformat()})") for h in record.history_of(kind)])
        self._findings = {f.id: f for f in record.findings}
        self.findings_list.clear()
        for line in record.findings:
            item = QListWidgetItem(finding_text(line))
            item.setData(_ID, line.id)
            self.findings_list.addItem(item)
        for widget in (self.fitzpatrick_combo, *self.history.values(), self.kind_combo, self.noted_edit,
                       self.ended_check, self.note_edit, self.add_finding_button, self.set_end_button,
                       self.remove_finding_button):
            widget.setEnabled(editable)
        self._editable = editable
        self._on_kind()
        self._on_finding_selected(self.findings_list.currentRow())

    def _typed_fields(self) -> dict[str, QLineEdit]:
        fields = {kind: section.new_edit for kind, section in self.history.items()}
        return {**fields, "finding_note": self.note_edit, "clearance": self.clearance_edit}

    def typed(self) -> dict[str, object]:
        """The lines typed but not added yet, for the autosaved draft."""
        return {name: edit.text() for name, edit in self._typed_fields().items()}

    def restore_typed(self, state: dict[str, object]) -> None:
        for name, edit in self._typed_fields().items():
            value = state.get(name)
            if isinstance(value, str):
                edit.setText(value)
                edit.setCursorPosition(0)  # the start of a restored line is what tells what it was

    def _clear_typed(self) -> None:
        for edit in self._typed_fields().values():
            edit.clear()
        self.restored_label.setVisible(False)

    def _on_kind(self) -> None:
        kind = self._current_kind()
        bound = kind is not None and kind.time_bound and self._editable
        self.ended_check.setEnabled(bound)
        if not bound:
            self.ended_check.setChecked(False)
        self.ended_edit.setEnabled(bound and self.ended_check.isChecked())

    def _current_kind(self) -> ContraindicationKind | None:
        code = self.kind_combo.currentData()
        return next((k for k in self.kinds if k.code == code), None)

    def _selected_finding(self) -> FindingLine | None:
        item = self.findings_list.currentItem()
        return self._findings.get(int(item.data(_ID))) if item is not None else None

    def _on_finding_selected(self, _row: int) -> None:
        line = self._selected_finding()
        editable = self._editable
        self.set_end_button.setEnabled(editable and line is not None)
        self.remove_finding_button.setEnabled(editable and line is not None)
        clearable = (line is not None and line.kind.severity is Severity.RELATIVE and line.cleared_by is None
                     and self._can_clear)
        self.clear_button.setEnabled(clearable)
        self.clearance_edit.setEnabled(clearable)

    def open_pretreatment(self) -> QWidget | None:
        """Preview the client's pre-treatment sheet, ready to print or save (each print and save is audited). The
        form records no planned treatment, so the sheet is for the treatment of the client's latest session, as on
        the client page."""
        if self._client_id is None:
            return None
        from clinic_log.ui.clients.aftercare_preview import PretreatmentPreviewDialog

        dialog = PretreatmentPreviewDialog(self._db, self._user, self._client_id, self._client_name,
                                           parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # --- edits -----------------------------------------------------------------------------

    def _run(self, action: Callable[[], object]) -> bool:
        try:
            action()
        except DomainError as exc:
            self.problem.emit(str(exc))
            return False
        self.restored_label.setVisible(False)
        self.changed.emit()
        return True

    def _on_fitzpatrick(self, _index: int) -> None:
        if self._client_id is None:
            return
        value = self.fitzpatrick_combo.currentData()
        client_id = self._client_id
        self._run(lambda: clients.set_fitzpatrick(self._db, self._user.actor, client_id, value))

    def _add_history(self, section: HistoryList) -> None:
        if self._client_id is None:
            return
        text, client_id = section.new_edit.text(), self._client_id
        if self._run(lambda: clients.add_history(self._db, self._user.actor, client_id, section.kind,
                                                 text, self._today())):
            section.new_edit.clear()

    def _remove_history(self, section: HistoryList) -> None:
        entry_id = section.selected_id()
        if entry_id is not None:
            self._run(lambda: clients.remove_history(self._db, self._user.actor, entry_id))

    def _add_finding(self) -> None:
        kind = self._current_kind()
        if self._client_id is None or kind is None:
            return
        client_id = self._client_id
        noted = pydate(self.noted_edit.date())
        ends = pydate(self.ended_edit.date()) if self.ended_check.isChecked() else None
        note = self.note_edit.text().strip() or None
        if self._run(lambda: clients.add_finding(self._db, self._user.actor, client_id, kind.code,
                                                 noted, ends, note)):
            self.note_edit.clear()

    def _set_end(self) -> None:
        line = self._selected_finding()
        if line is not None:
            ends = pydate(self.ended_edit.date())
            self._run(lambda: clients.set_finding_end(self._db, self._user.actor, line.id, ends))

    def _remove_finding(self) -> None:
        line = self._selected_finding()
        if line is not None:
            self._run(lambda: clients.remove_finding(self._db, self._user.actor, line.id))

    def _clear_finding(self) -> None:
        line = self._selected_finding()
        if line is not None:
            note = self.clearance_edit.text()
            if self._run(lambda: clients.clear_finding(self._db, self._user.actor, line.id, note)):
                self.clearance_edit.clear()
