"""Amend a signed session: choose a field (session or area) or a late complication, give the new value and a
required reason. The original stays in the session's history. The amended session is checked as a session by the
services: a change that raises a warning asks for a reason for it, one that raises a stop for a physician's or the
owner's override, before it is saved. Also the one-line reason dialog (void, override)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DomainError
from clinic_log.domain.rules import OVERRIDE_MIN_WORDS
from clinic_log.domain.signing import StopsNeedOverride, WarningsNeedReason
from clinic_log.domain.values import ComplicationInput
from clinic_log.services.sessions import amendments
from clinic_log.services.sessions.session_views import SessionDetail
from clinic_log.ui.common.date_field import DateField
from clinic_log.ui.common.form_autosave import FormAutosave
from clinic_log.ui.common.number_field import WholeNumberField
from clinic_log.ui.common.typed_field import problem_message
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.common.widgets import problem_label, save_cancel_buttons

LATE_COMPLICATION = "late complication"
_SESSION_FIELDS = (("notes", "Notes"), ("skin_response", "Skin response"), ("course_index", "Course: session number"),
                   ("course_total", "Course: sessions planned"))
_AREA_FIELDS = (("depth_mm", "depth (mm)"), ("passes", "passes"), ("technique", "technique"),
                ("endpoint", "endpoint"), ("area_code", "site"), ("indication", "indication"), ("tip", "tip"))
# What to type for a field holding a code (the services refuse an unknown one and list the known ones).
_CODE_HINTS = {"area_code": "a body site code, e.g. cheeks, back, abdomen",
               "indication": "an indication code, e.g. acne_scars, scars, stretch_marks; empty: none recorded",
               "tip": "the device's tip code, e.g. prime, facial, body; empty: none recorded"}


@dataclass(frozen=True)
class Target:
    """One thing that can be amended: a session field, an area field, or a new complication."""

    kind: str  # "session", "area" or LATE_COMPLICATION
    field: str
    current: str
    area_id: int | None = None


def _text(value: object) -> str:
    if value is None or value == "":
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def targets(detail: SessionDetail) -> list[tuple[str, Target]]:
    """(label, target) for every amendable field of the session, then the late complication."""
    found = [(label, Target("session", field, _text(getattr(detail, field)))) for field, label in _SESSION_FIELDS]
    for area in detail.areas:
        for field, label in _AREA_FIELDS:
            found.append((f"{area.label}: {label}", Target("area", field, _text(getattr(area, field)), area.id)))
    found.append(("Add a late complication", Target(LATE_COMPLICATION, "complication", "")))
    return found



class AmendDialog(QDialog):
    """Pick what to change, type the new value and why; Save amends through the services (who, when, why kept)."""

    def __init__(self, db: Database, user: UserSession, detail: SessionDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user, self._detail = db, user, detail
        self.setWindowTitle(f"Amend session — {detail.client_name}")
        self.setObjectName("amendDialog")
        self.field_combo = QComboBox()
        self.field_combo.setAccessibleName("Change")
        for label, target in targets(detail):
            self.field_combo.addItem(label, target)
        self.current_label = QLabel()
        self.current_label.setAccessibleName("Current value")
        self.current_label.setWordWrap(True)
        self.value_edit = QLineEdit()
        self.value_edit.setAccessibleName("New value")
        self.complication_combo = QComboBox()
        self.complication_combo.setAccessibleName("Complication")
        self.complication_combo.addItem("Choose the type…", "")  # no default: the wrong type is never signed
        for code, label in amendments.complication_types(db):
            self.complication_combo.addItem(label, code)
        # Typed as text and kept as typed: a grade the term does not have is refused with its reason, never clamped.
        self.grade_edit = WholeNumberField("CTCAE grade", "a CTCAE grade from 1 to 5 (mild 1 … death 5)", "1",
                                           floor="1", chars=3)
        self.grade_edit.setAccessibleName("CTCAE grade")
        self.onset_edit = DateField("Onset", "the day the complication began, such as 2026-03-31",
                                    hint="Typed as yyyy-mm-dd or d.m.yyyy; Up/Down change the day; Alt+Down: calendar")
        self.onset_edit.set_value(date.today())
        self.onset_edit.setAccessibleName("Onset")
        value_page = QWidget()
        value_form = QFormLayout(value_page)
        value_form.setContentsMargins(0, 0, 0, 0)
        value_form.addRow("Now", self.current_label)
        value_form.addRow("&New value", self.value_edit)
        complication_page = QWidget()
        comp_form = QFormLayout(complication_page)
        comp_form.setContentsMargins(0, 0, 0, 0)
        comp_form.addRow("Com&plication", self.complication_combo)
        comp_form.addRow("CTCAE &grade", self.grade_edit)
        comp_form.addRow("&Onset", self.onset_edit)
        self.stack = QStackedWidget()
        self.stack.addWidget(value_page)
        self.stack.addWidget(complication_page)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setAccessibleName("Reason")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setPlaceholderText("Required: why the record changes (e.g. follow-up call on day 3)")
        self.reason_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.error_label = problem_label()
        self.warnings_edit = self._reason_box("Reason for the warnings",
                                              "why it is right to go ahead with the warnings shown above")
        self.override_edit = self._reason_box("Override the stop",
                                              f"why it is safe to go ahead, in at least {OVERRIDE_MIN_WORDS} words")
        form = QFormLayout()
        form.addRow("&Change", self.field_combo)
        form.addRow(self.stack)
        form.addRow("&Reason", self.reason_edit)
        self.warnings_label = QLabel("Reason for the &warnings")
        self.warnings_label.setBuddy(self.warnings_edit)
        form.addRow(self.warnings_label, self.warnings_edit)
        self.override_label = QLabel("Override the &stop")
        self.override_label.setBuddy(self.override_edit)
        form.addRow(self.override_label, self.override_edit)
        for widget in (self.warnings_label, self.warnings_edit, self.override_label, self.override_edit):
            widget.setVisible(False)  # shown once the change turns out to raise a warning or a stop
        buttons = save_cancel_buttons(self, self.save)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Save amendment")
        self.save_button.setAccessibleName("Save amendment")
        self.note_label = QLabel()
        self.note_label.setAccessibleName("Note")
        self.note_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The original stays readable in the session's history, with who, when and why."))
        layout.addWidget(self.note_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.field_combo.currentIndexChanged.connect(self._target_changed)
        self._target_changed()
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("m") * 40)
        self.autosave = FormAutosave(db, user.actor, f"amend:{detail.id}", self.typed, self.restore_typed, self)
        self.autosave.watch(self.field_combo.currentIndexChanged, self.value_edit.textChanged,
                            self.reason_edit.textChanged, self.complication_combo.currentIndexChanged,
                            self.grade_edit.textChanged, self.onset_edit.changed)
        restored = self.autosave.restore_saved()
        self.note_label.setText(restored or "")
        self.note_label.setVisible(bool(restored))

    def _reason_box(self, name: str, placeholder: str) -> QPlainTextEdit:
        box = QPlainTextEdit()
        box.setAccessibleName(name)
        box.setTabChangesFocus(True)
        box.setPlaceholderText(placeholder)
        box.setFixedHeight(self.fontMetrics().lineSpacing() * 2 + 14)
        return box

    def typed(self) -> dict[str, object]:
        """What is on screen, for the autosaved draft."""
        return {"change": self.field_combo.currentText(), "value": self.value_edit.text(),
                "reason": self.reason_edit.toPlainText(), "complication": self.complication_combo.currentData(),
                "grade": self.grade_edit.text(), "onset": self.onset_edit.text()}

    def restore_typed(self, state: dict[str, object]) -> None:
        with contextlib.suppress(KeyError):  # the session changed since (an area amended away): keep the rest
            self.choose(str(state.get("change", "")))
        self.value_edit.setText(str(state.get("value", "")))
        self.reason_edit.setPlainText(str(state.get("reason", "")))
        index = self.complication_combo.findData(state.get("complication"))
        if index >= 0:
            self.complication_combo.setCurrentIndex(index)
        self.grade_edit.restore(state.get("grade"))  # the text typed (older versions stored the spin box's number)
        self.onset_edit.restore(state.get("onset"))  # the text typed (older versions stored ISO text: the same)

    def reject(self) -> None:
        if self.autosave.may_close():
            super().reject()

    def target(self) -> Target:
        target = self.field_combo.currentData()
        assert isinstance(target, Target)
        return target

    def choose(self, label: str) -> None:
        """Select the field called `label` (as listed in the Change box)."""
        index = self.field_combo.findText(label)
        if index < 0:
            raise KeyError(label)
        self.field_combo.setCurrentIndex(index)

    def _target_changed(self) -> None:
        target = self.target()
        late = target.kind == LATE_COMPLICATION
        self.stack.setCurrentIndex(1 if late else 0)
        self.current_label.setText(target.current or "(empty)")
        self.value_edit.setText(target.current)
        self.value_edit.setPlaceholderText(_CODE_HINTS.get(target.field, "") if target.kind == "area" else "")
        self.value_edit.setToolTip(_CODE_HINTS.get(target.field, "") if target.kind == "area" else "")

    def save(self) -> None:
        target, reason, actor = self.target(), self.reason_edit.toPlainText(), self._user.actor
        if target.kind == LATE_COMPLICATION:  # never saved with a grade or date it does not say
            for field in (self.grade_edit, self.onset_edit):
                problem = field.problem()
                if problem is not None:
                    self.error_label.setText(f"Not saved: {problem_message(problem)}")
                    field.setFocus()
                    return
        version = self._detail.version  # the version shown: a change made meanwhile elsewhere is refused
        reasons: dict[str, Any] = {"version": version,
                                   "warnings_reason": self.warnings_edit.toPlainText().strip() or None,
                                   "override_reason": self.override_edit.toPlainText().strip() or None}
        try:
            if target.kind == "session":
                amendments.amend_session_field(self._db, actor, self._detail.id, target.field, self.value_edit.text(),
                                               reason, **reasons)
            elif target.kind == "area":
                assert target.area_id is not None
                amendments.amend_area_field(self._db, actor, target.area_id, target.field, self.value_edit.text(),
                                            reason, **reasons)
            else:
                onset, grade = self.onset_edit.value(), self.grade_edit.value()
                assert onset is not None and grade is not None  # required fields that have no problem read
                amendments.add_late_complication(self._db, actor, self._detail.id, ComplicationInput(
                    str(self.complication_combo.currentData() or ""), grade, onset_on=onset),
                    reason, **reasons)
        except WarningsNeedReason as exc:
            self._ask_for(self.warnings_label, self.warnings_edit, f"Not saved: {exc}.")
            return
        except StopsNeedOverride as exc:
            if exc.may_override:
                self._ask_for(self.override_label, self.override_edit, f"Not saved: {exc}.")
            else:
                self.error_label.setText(f"Not saved: {exc}.")
            return
        except DomainError as exc:
            self.error_label.setText(f"Not saved: {exc}")
            return
        self.autosave.mark_saved()
        self.accept()

    def _ask_for(self, label: QLabel, box: QPlainTextEdit, message: str) -> None:
        """The change raised warnings or a stop: show them and the box for their reason, then Save again."""
        self.error_label.setText(message + " Give the reason below and save again.")
        label.setVisible(True)
        box.setVisible(True)
        box.setFocus()


class ReasonDialog(QDialog):
    """Ask for a required reason (void, owner override, warnings); `reason` holds it once accepted. Given a
    database, the user who opened it (`owner`) and a form key, what is typed is autosaved until the reason is
    given or discarded."""

    def __init__(self, title: str, text: str, action: str, parent: QWidget | None = None, *,
                 db: Database | None = None, owner: Actor | None = None, form_key: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.reason = ""
        message = QLabel(text)
        message.setWordWrap(True)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setAccessibleName("Reason")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.error_label = problem_label()
        self.note_label = QLabel()
        self.note_label.setAccessibleName("Note")
        self.note_label.setWordWrap(True)
        self.note_label.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(action)
        ok.setAccessibleName(action)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        label = QLabel("&Reason")
        label.setBuddy(self.reason_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addWidget(self.note_label)
        layout.addWidget(label)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("m") * 36)
        self.autosave: FormAutosave | None = None
        if db is not None and owner is not None and form_key is not None:
            self.autosave = FormAutosave(db, owner, form_key, self.typed, self.restore_typed, self)
            self.autosave.watch(self.reason_edit.textChanged)
            restored = self.autosave.restore_saved()
            self.note_label.setText(restored or "")
            self.note_label.setVisible(bool(restored))

    def typed(self) -> dict[str, object]:
        return {"reason": self.reason_edit.toPlainText()}

    def restore_typed(self, state: dict[str, object]) -> None:
        self.reason_edit.setPlainText(str(state.get("reason", "")))

    def reject(self) -> None:
        if self.autosave is None or self.autosave.may_close():
            super().reject()

    def _accept(self) -> None:
        if not self.reason_edit.toPlainText().strip():
            self.error_label.setText("Reason: required; say why, it is kept with the record.")
            return
        self.reason = self.reason_edit.toPlainText().strip()
        if self.autosave is not None:
            self.autosave.mark_saved()
        self.accept()
