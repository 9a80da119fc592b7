"""Void a photo with a reason: it stays stored and listed (greyed), and leaves comparisons and exports. A photo
voided or changed on another workstation meanwhile is not touched, and the dialog says so in one line."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from clinic_log.db.engine import Database
from clinic_log.domain.errors import ChangedMeanwhile
from clinic_log.services.photos.photos import PhotoInfo, void_photo
from clinic_log.ui.common.operations import PHOTOS, DatabaseOp, changes
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.common.widgets import problem_label


class VoidPhotoDialog(QDialog):
    def __init__(self, db: Database, user: UserSession, photo: PhotoInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self.photo = photo
        self.setWindowTitle(f"Void photo {photo.id}")
        self.about = QLabel(f"{photo.view.label} photo taken {photo.taken_at.astimezone():%Y-%m-%d %H:%M} by "
                            f"{photo.taken_by}. A voided photo is kept, greyed, and left out of comparisons and "
                            "exports.")
        self.about.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setAccessibleName("Reason")
        self.reason_edit.setPlaceholderText("e.g. the wrong client, the wrong view, blurred")
        self.problem_label = problem_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.void_button = self.buttons.addButton("&Void photo", QDialogButtonBox.ButtonRole.AcceptRole)
        self.void_button.setAccessibleName("Void photo")
        self.buttons.accepted.connect(self.void)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Reason", self.reason_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.resize(460, self.sizeHint().height())

    def void(self) -> None:
        actor = self._user.actor
        reason, photo = self.reason_edit.text(), self.photo
        self.void_button.setEnabled(False)

        def refused(exc: Exception) -> None:
            self.void_button.setEnabled(True)
            self.problem_label.setText(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            if isinstance(exc, ChangedMeanwhile):  # the strip shows what the other workstation did
                self.void_button.setEnabled(False)
                changes.announce({PHOTOS})

        DatabaseOp(self._db, self, "Void photo",
                   lambda db: void_photo(db, actor, photo.id, reason, photo.version),
                   lambda _info: self.accept(), kinds={PHOTOS}, failure=refused).run_in_background()
