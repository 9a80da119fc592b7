"""The owner edits the aftercare template: title, "Call us if…", each modality's steps and the complication
paragraphs; Save adds a version."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.enums import Modality
from clinic_log.domain.errors import DomainError, InvalidValue
from clinic_log.domain.permissions import ALLOWED, Permission
from clinic_log.services.clinic.templates import (
    TemplateVersion,
    complication_paragraphs,
    latest_template,
    save_template,
    template_versions,
)
from clinic_log.ui.clinic.complications_editor import ComplicationsEditor
from clinic_log.ui.clinic.steps_editor import StepsEditor
from clinic_log.ui.common.form_autosave import FormAutosave
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.common.widgets import shortcut_button

MODALITY_LABELS = {Modality.MECHANICAL.value: "Mechanical", Modality.RF.value: "RF"}
CALL_US = "Call us if…"
_COMPLICATION_FIELD = re.compile(r"^complication (?P<code>\S+)$")
_STEP_FIELD = re.compile(r"^(?P<modality>\w+) (?:step (?P<number>\d+)|(?P<timeline>timeline))$")
_ERROR_STYLE = "color: #b00020; font-weight: bold;"


def version_line(version: TemplateVersion) -> str:
    return f"Version {version.version}, saved {version.created_at.astimezone():%Y-%m-%d %H:%M} by {version.created_by}"


class AftercareTemplateDialog(QDialog):
    """Edit the latest template; each Save stores a new version (older sheets keep naming theirs).

    Problems the services find are shown in the dialog, naming the step or field, and the edits stay as they were.
    """

    def __init__(self, db: Database, user: UserSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = user.actor  # whoever opened it saves (and owns the draft), even if another user logs in
        self.setObjectName("aftercareTemplateDialog")
        self.setWindowTitle("Aftercare template")
        self._latest = latest_template(db)

        self.version_label = QLabel()
        self.version_label.setAccessibleName("Version")
        font = self.version_label.font()
        font.setBold(True)
        self.version_label.setFont(font)
        self.title_edit = QLineEdit()
        self.call_us_edit = QPlainTextEdit()
        self.call_us_edit.setTabChangesFocus(True)
        self.call_us_edit.setFixedHeight(self.call_us_edit.fontMetrics().lineSpacing() * 3 + 16)
        form = QFormLayout()
        for text, widget in (("&Title", self.title_edit), ("&Call us if…", self.call_us_edit)):
            buddy_label = QLabel(text)
            buddy_label.setBuddy(widget)
            widget.setAccessibleName(text.replace("&", ""))
            form.addRow(buddy_label, widget)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Steps by modality")
        self.editors: dict[str, StepsEditor] = {}
        for code, label in MODALITY_LABELS.items():
            editor = StepsEditor(label)
            self.editors[code] = editor
            self.tabs.addTab(editor, label)
        self.complications = ComplicationsEditor()
        self.tabs.addTab(self.complications, "Complications")

        self.history = QTableWidget(0, 3)
        self.history.setAccessibleName("Versions")
        self.history.setHorizontalHeaderLabels(["Version", "Saved", "By"])
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.verticalHeader().setVisible(False)
        self.history.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        history_box = QGroupBox("Versions")
        QVBoxLayout(history_box).addWidget(self.history)

        self.message = QLabel()
        self.message.setAccessibleName("Message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = shortcut_button("Save", QKeySequence(QKeySequence.StandardKey.Save),
                                           "Save the template as a new version; sheets printed from now on use it")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(close.text().replace("&", ""))
        close.setAutoDefault(False)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        editing = QVBoxLayout()
        editing.addWidget(self.version_label)
        editing.addLayout(form)
        editing.addWidget(self.tabs, 1)
        columns = QHBoxLayout()
        columns.addLayout(editing, 3)
        columns.addWidget(history_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

        self._show(self._latest)
        self._fill_history(template_versions(db))
        self.autosave: FormAutosave | None = None
        if self._actor.role not in ALLOWED[Permission.EDIT_SETTINGS]:
            self._read_only()
        else:
            self._keep_typing()
        self._fit_to_screen()

    def _keep_typing(self) -> None:
        """Autosave the edits as the owner's form draft; a draft left by a crash comes back now."""
        self.autosave = FormAutosave(self._db, self._actor, "aftercare_template", self._typed, self._restore_typed,
                                     self)
        tables = [editor.table for editor in self.editors.values()] + [self.complications.table]
        self.autosave.watch(self.title_edit.textChanged, self.call_us_edit.textChanged,
                            *(signal for table in tables for signal in (
                                table.model().dataChanged, table.model().rowsInserted, table.model().rowsRemoved)))
        restored = self.autosave.restore_saved()
        if restored:
            self._say(restored)

    def _typed(self) -> dict[str, Any]:
        return {"body": self.body()}

    def _restore_typed(self, state: dict[str, Any]) -> None:
        body = state.get("body") or {}
        self.title_edit.setText(str(body.get("title", "")))
        self.call_us_edit.setPlainText(str(body.get("call_us", "")))
        for code, editor in self.editors.items():
            editor.set_steps((body.get("modalities") or {}).get(code, []))
        typed = body.get("complications") or {}
        for row in range(self.complications.table.rowCount()):
            code = self.complications.code_at(row)
            self.complications.set_paragraph(code, str(typed.get(code, "")))

    def reject(self) -> None:
        if self.autosave is None or self.autosave.may_close():
            super().reject()

    # --- reading and writing ---------------------------------------------------------------------

    def body(self) -> dict[str, Any]:
        """The template as edited, in the shape `save_template` takes (keys it does not show are kept)."""
        body = dict(self._latest.body)
        body["title"] = self.title_edit.text().strip()
        body["call_us"] = self.call_us_edit.toPlainText().strip()
        body["modalities"] = {code: editor.steps() for code, editor in self.editors.items()}
        body["complications"] = self.complications.paragraphs()
        return body

    def save(self) -> TemplateVersion | None:
        """Store the edits as the next version; on a problem say which field, keep the edits, store nothing."""
        try:
            saved = save_template(self._db, self._actor, self.body())
        except InvalidValue as exc:
            self._show_problem(exc)
            return None
        except DomainError as exc:  # e.g. not the owner
            self._say(str(exc), error=True)
            return None
        self._latest = saved
        if self.autosave is not None:
            self.autosave.mark_saved()
        self.version_label.setText(version_line(saved))
        self._fill_history(template_versions(self._db))
        self._say(f"Saved as version {saved.version}")
        return saved

    def _show(self, version: TemplateVersion) -> None:
        body = version.body
        self.version_label.setText(version_line(version))
        self.title_edit.setText(str(body.get("title", "")))
        self.call_us_edit.setPlainText(str(body.get("call_us", "")))
        for code, editor in self.editors.items():
            editor.set_steps(body.get("modalities", {}).get(code, []))
        self.complications.set_paragraphs(complication_paragraphs(self._db, version))

    def _fill_history(self, versions: list[TemplateVersion]) -> None:
        self.history.setRowCount(0)
        for version in reversed(versions):  # newest first
            row = self.history.rowCount()
            self.history.insertRow(row)
            for column, text in enumerate((str(version.version),
                                           f"{version.created_at.astimezone():%Y-%m-%d %H:%M}", version.created_by)):
                item = QTableWidgetItem(text)
                item.setToolTip(version_line(version))
                self.history.setItem(row, column, item)
        self.history.resizeColumnsToContents()
        header = self.history.horizontalHeader()
        width = sum(header.sectionSizeFromContents(c).width() if not self.history.rowCount() else
                    self.history.columnWidth(c) for c in range(self.history.columnCount()))
        scroll_bar = self.history.verticalScrollBar().sizeHint().width()
        self.history.setMinimumWidth(width + scroll_bar + 2 * self.history.frameWidth() + 8)

    # --- problems --------------------------------------------------------------------------------

    def _show_problem(self, exc: InvalidValue) -> None:
        match = _STEP_FIELD.match(exc.field)
        if match and match["modality"] in self.editors:
            editor = self.editors[match["modality"]]
            self.tabs.setCurrentWidget(editor)
            if match["timeline"]:
                self._say(f"{editor.name}: add at least one step. Nothing was saved.", error=True)
                editor.add_button.setFocus()
                return
            number = int(match["number"])
            self._say(f"{editor.name} step {number}: fill in both “When” and “What to do”, or remove the step. "
                      "Nothing was saved.", error=True)
            editor.select_step(number)
            return
        complication = _COMPLICATION_FIELD.match(exc.field)
        if complication:
            self.tabs.setCurrentWidget(self.complications)
            self._say(f"{exc}. Nothing was saved.", error=True)
            self.complications.select_paragraph(complication["code"])
            return
        if exc.field == "call_us":
            self._say(f"“{CALL_US}” must not be empty: write what should make the client call. Nothing was saved.",
                      error=True)
            self.call_us_edit.setFocus()
            return
        self._say(f"{exc}. Nothing was saved.", error=True)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(_ERROR_STYLE if error else "")

    def _read_only(self) -> None:
        self.title_edit.setReadOnly(True)
        self.call_us_edit.setReadOnly(True)
        for editor in self.editors.values():
            editor.setEnabled(False)
        self.complications.setEnabled(False)
        self.save_button.setEnabled(False)
        self._say("Only the owner can change the aftercare template.")

    def _fit_to_screen(self) -> None:
        width, height = 1000, 640
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            width, height = min(width, int(screen.width() * 0.9)), min(height, int(screen.height() * 0.9))
        self.resize(width, height)
