"""Add photo files to a client: the files (a folder stands for the files in it) with the camera time each one
gives, then the view, the session (optional), the area (the chosen session's areas, else the reference areas;
optional), the use and when they were taken (each file's camera time unless a time is set). The files are stored
on the database worker, one by one; the dialog then lists each file's fate ("b.jpg: truncated JPEG") and how many
were stored.

Photos for other uses need the client's current consent to that use: without it the dialog says so and offers
"Record other-use consent…" (the client page opens the consent dialog, as it does for the clinical-photo consent);
once the consent is recorded, an add that was waiting for it goes on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.enums import ConsentPurpose, PhotoUse, PhotoView
from clinic_log.domain.permissions import ALLOWED, Permission
from clinic_log.services.clients.consents import EXPIRED, OUTDATED, VALID, ConsentStatus
from clinic_log.services.photos.images import CameraTime, camera_time_of
from clinic_log.services.photos.photo_page import AddChoices, add_choices
from clinic_log.services.photos.photos import AddResult, add_photos
from clinic_log.ui.common.operations import CLIENTS, PHOTOS, DatabaseOp, QueryOp, on_records_changed
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.common.widgets import problem_label

NO_SESSION = "(no session)"
NO_AREA = "(no area)"
USE_LABELS = {PhotoUse.CLINICAL: "Clinical record only", PhotoUse.OTHER: "Other uses too (marketing, teaching)"}
STORED_GREEN = "#1b5e20"


def files_in(paths: Sequence[Path]) -> list[Path]:
    """The files the dialog will add: the files given, and the files inside each folder given (as add_photos
    reads them)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")))
        else:
            found.append(path)
    return found


def camera_line(path: Path, found: CameraTime | None) -> str:
    if found is None:
        return f"{path.name}: no camera time (the file's time is used)"
    return f"{path.name}: taken {found.at.astimezone():%Y-%m-%d %H:%M} (camera)"


def other_use_refusal(name: str, status: ConsentStatus) -> str:
    """Why photos of the client cannot be marked for other uses, and what to do."""
    if status.state == OUTDATED:
        why = (f"was signed on wording version {status.text_version}, and the clinic's wording is now version "
               f"{status.current_version}")
    elif status.state == EXPIRED and status.expires_on is not None:
        why = f"expired on {status.expires_on.isoformat()}"
    else:
        why = "has not been signed"
    return (f"Photos for other uses need {name}'s consent to photos for other uses, which {why}. Record it with "
            "\"Record other-use consent…\", or choose \"Clinical record only\".")


class AddPhotosDialog(QDialog):
    """Emits `consent_requested(purpose)` when the user asks to record the consent photos for other uses need
    (the window that opened the dialog opens the consent dialog)."""

    consent_requested = Signal(object)

    def __init__(self, db: Database, user: UserSession, client_ref: str, client_name: str, paths: Sequence[Path],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._client_ref, self._client_name = client_ref, client_name
        self.waiting_for_consent = False  # Add was pressed for other uses before their consent was recorded
        self.paths = list(paths)
        self.choices: AddChoices | None = None
        self.outcome: AddResult | None = None
        self.setWindowTitle(f"Add photos — {client_name}")
        self.files_list = QListWidget()
        self.files_list.setAccessibleName("Files")
        for path in files_in(self.paths):
            self.files_list.addItem(f"{path.name}: reading…")
        self.view_combo = QComboBox()
        self.view_combo.setAccessibleName("View")
        for view in PhotoView:
            self.view_combo.addItem(view.label, view.value)
        self.session_combo = QComboBox()
        self.session_combo.setAccessibleName("Session")
        self.session_combo.addItem(NO_SESSION, None)
        self.session_combo.currentIndexChanged.connect(self._fill_areas)
        self.area_combo = QComboBox()
        self.area_combo.setAccessibleName("Area")
        self.area_combo.addItem(NO_AREA, None)
        self.use_combo = QComboBox()
        self.use_combo.setAccessibleName("Use")
        for use, label in USE_LABELS.items():
            self.use_combo.addItem(label, use.value)
        self.use_combo.currentIndexChanged.connect(self._show_consent)
        self.consent_label = QLabel()
        self.consent_label.setAccessibleName("Consent note")
        self.consent_label.setWordWrap(True)
        self.consent_label.setStyleSheet("color: #b26a00; font-weight: bold;")
        self.consent_label.setVisible(False)
        self.consent_button = QPushButton("Record other-use consent…")
        self.consent_button.setAccessibleName("Record other-use consent…")
        self.consent_button.setToolTip("The client's consent to photos for other uses (marketing, teaching), on the "
                                       "clinic's current wording")
        self.consent_button.setAutoDefault(False)
        self.consent_button.setVisible(False)
        self.consent_button.clicked.connect(lambda: self.consent_requested.emit(ConsentPurpose.PHOTOS_OTHER))
        self.set_time_box = QCheckBox("Set the time taken")
        self.set_time_box.setAccessibleName("Set the time taken")
        self.set_time_box.setToolTip("Unticked, each photo keeps the time its camera gives (EXIF), listed above")
        self.taken_edit = QDateTimeEdit(QDateTime.currentDateTime())
        self.taken_edit.setAccessibleName("Taken")
        self.taken_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.taken_edit.setCalendarPopup(True)
        self.taken_edit.setEnabled(False)
        self.set_time_box.toggled.connect(self.taken_edit.setEnabled)
        self.summary_label = QLabel()
        self.summary_label.setAccessibleName("Result")
        self.summary_label.setWordWrap(True)
        self.problem_label = problem_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.addButton("&Add photos", QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.setAccessibleName("Add photos")
        self.add_button.setDefault(True)
        self.buttons.accepted.connect(self.add)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&View", self.view_combo)
        form.addRow("&Session", self.session_combo)
        form.addRow("A&rea", self.area_combo)
        form.addRow("&Use", self.use_combo)
        consent = QHBoxLayout()
        consent.addWidget(self.consent_label, 1)
        consent.addWidget(self.consent_button, 0, Qt.AlignmentFlag.AlignTop)
        form.addRow("", consent)
        taken = QHBoxLayout()
        taken.addWidget(self.set_time_box)
        taken.addWidget(self.taken_edit, 1)
        form.addRow("Taken", taken)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Files (the time each camera gives is kept unless you set one):"))
        layout.addWidget(self.files_list, 1)
        layout.addLayout(form)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.resize(560, 520)
        self.view_combo.setFocus()

        self._read_choices()
        on_records_changed(self, {CLIENTS}, self._read_choices)  # e.g. the consent to other uses, just recorded
        files = files_in(self.paths)
        QueryOp(db, self, "Add photos", lambda _db: [camera_time_of(p) for p in files],
                lambda times: self._show_times(files, times)).run_in_background()

    def _show_times(self, files: list[Path], times: list[CameraTime | None]) -> None:
        if self.outcome is not None:
            return
        for row, (path, found) in enumerate(zip(files, times, strict=True)):
            item = self.files_list.item(row)
            if item is not None:
                item.setText(camera_line(path, found))

    def _read_choices(self) -> None:
        if self.outcome is not None:
            return
        actor, ref = self._user.actor, self._client_ref
        QueryOp(self._db, self, "Add photos", lambda db: add_choices(db, actor, ref), self._show_choices,
                failure=lambda exc: self.problem_label.setText(str(exc)), key="choices").run_in_background()

    def _show_choices(self, choices: AddChoices) -> None:
        first = self.choices is None
        self.choices = choices
        if first:
            for choice in choices.sessions:
                self.session_combo.addItem(choice.label, choice.id)
            self._fill_areas()
        goes_on = self.waiting_for_consent and choices.other_consent.state == VALID
        self._show_consent()
        if goes_on:
            self.add()  # recorded: the add that waited for it goes on

    @property
    def other_use_refused(self) -> bool:
        """Other uses are chosen and the client's consent to them is known not to be current."""
        return (self.use_combo.currentData() == PhotoUse.OTHER.value and self.choices is not None
                and self.choices.other_consent.state != VALID)

    def _show_consent(self) -> None:
        refused = self.other_use_refused and self.outcome is None
        self.consent_label.setVisible(refused)
        self.consent_button.setVisible(refused)
        if refused and self.choices is not None:
            self.consent_label.setText(other_use_refusal(self._client_name, self.choices.other_consent))
            self.consent_button.setEnabled(self._user.actor.role in ALLOWED[Permission.EDIT_CLINICAL_RECORDS])
        elif self.waiting_for_consent:  # recorded, or the use changed: nothing waits any more
            self.waiting_for_consent = False
            self.summary_label.clear()

    def _fill_areas(self) -> None:
        if self.choices is None:
            return
        session_id = self.session_combo.currentData()
        kept = self.area_combo.currentData()
        self.area_combo.clear()
        self.area_combo.addItem(NO_AREA, None)
        if session_id is None:
            for code, label in self.choices.areas:
                self.area_combo.addItem(label, code)
        else:
            labels = dict(self.choices.areas)
            chosen = next(s for s in self.choices.sessions if s.id == session_id)
            for code in chosen.areas:
                self.area_combo.addItem(labels.get(code, code), code)
        found = self.area_combo.findData(kept)
        self.area_combo.setCurrentIndex(max(found, 0))

    def add(self) -> None:
        if self.outcome is not None:  # the button reads "Close" once the files were added
            self.accept()
            return
        if self.other_use_refused:  # said beside Use; the add goes on once the consent is recorded
            self.waiting_for_consent = True
            self.summary_label.setText("Waiting for the consent to other uses: the photos are added once it is "
                                       "recorded.")
            self.consent_button.setFocus()
            return
        actor = self._user.actor
        ref, paths = self._client_ref, list(self.paths)
        view, use = self.view_combo.currentData(), self.use_combo.currentData()
        session_id, area = self.session_combo.currentData(), self.area_combo.currentData()
        taken: datetime | None = None
        if self.set_time_box.isChecked():
            moment = self.taken_edit.dateTime().toPython()
            assert isinstance(moment, datetime)
            taken = moment.astimezone()  # the time typed is this computer's
        self.add_button.setEnabled(False)
        self.problem_label.clear()
        self.summary_label.setText(f"Adding {self.files_list.count()} file(s)…")

        def refused(exc: Exception) -> None:
            self.add_button.setEnabled(True)
            self.summary_label.clear()
            self.problem_label.setText(str(exc))

        DatabaseOp(self._db, self, "Add photos",
                   lambda db: add_photos(db, actor, ref, paths, session_id=session_id, view=view, area=area,
                                         taken=taken, use=use),
                   self._show_result, kinds={PHOTOS}, failure=refused).run_in_background()

    def _show_result(self, result: AddResult) -> None:
        self.outcome = result
        self.files_list.clear()
        for file in result.files:
            if file.stored:
                item = QListWidgetItem(f"{file.file}: stored" + (f" ({file.note})" if file.note else ""))
                item.setForeground(Qt.GlobalColor.darkGreen)
            else:
                item = QListWidgetItem(file.problem or f"{file.file}: not stored")
                item.setForeground(Qt.GlobalColor.red)
            self.files_list.addItem(item)
        stored, refused = len(result.stored), len(result.refused)
        words = f"{stored} photo{'s' if stored != 1 else ''} stored"
        if refused:
            words += f"; {refused} file{'s' if refused != 1 else ''} not stored (named above)"
        self.summary_label.setText(words + ".")
        self.summary_label.setStyleSheet(f"color: {STORED_GREEN};" if not refused else "font-weight: bold;")
        for widget in (self.view_combo, self.session_combo, self.area_combo, self.use_combo, self.set_time_box,
                       self.taken_edit):
            widget.setEnabled(False)
        self._show_consent()
        self.add_button.setText("&Close")
        self.add_button.setAccessibleName("Close")
        self.add_button.setEnabled(True)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        if cancel is not None:
            cancel.setVisible(False)
