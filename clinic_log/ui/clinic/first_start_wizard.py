"""First start on an empty database: the owner enters the clinic's details and creates their own login.

The clinic's name, address, phone and logo go to the settings the aftercare sheet prints (the logo is copied
into the data folder). The owner account is created only when no user exists yet.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
    QWizard,
    QWizardPage,
)

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DomainError
from clinic_log.services.clinic.clinic_settings import ClinicDetails, save_clinic, validate_clinic
from clinic_log.services.people import auth
from clinic_log.ui.common.widgets import problem_label


class ClinicPage(QWizardPage):
    """Name (required), address, phone and an optional logo image."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Your clinic")
        self.setSubTitle("Printed on every aftercare sheet. The owner can change these later under "
                         "Settings → Clinic settings")
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("Clinic name")
        self.address_edit = QPlainTextEdit()
        self.address_edit.setAccessibleName("Address")
        self.address_edit.setTabChangesFocus(True)
        self.address_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.phone_edit = QLineEdit()
        self.phone_edit.setAccessibleName("Phone")
        self.logo_edit = QLineEdit()
        self.logo_edit.setAccessibleName("Logo")
        self.logo_edit.setPlaceholderText("optional: a PNG or JPEG file")
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.setAccessibleName("Browse…")
        self.browse_button.setToolTip("Choose the logo image file")
        self.browse_button.clicked.connect(self._browse)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_edit, 1)
        logo_row.addWidget(self.browse_button)
        self.error_label = problem_label()
        form = QFormLayout(self)
        form.addRow("Clinic &name", self.name_edit)
        form.addRow("&Address", self.address_edit)
        form.addRow("P&hone", self.phone_edit)
        logo_label = QLabel("&Logo")
        logo_label.setBuddy(self.logo_edit)  # a row holding a layout gets no buddy of its own
        form.addRow(logo_label, logo_row)
        form.addRow(self.error_label)
        self.registerField("clinic_name*", self.name_edit)

    def details(self) -> ClinicDetails:
        return ClinicDetails(self.name_edit.text().strip(), self.address_edit.toPlainText().strip(),
                             self.phone_edit.text().strip(), self.logo_edit.text().strip() or None)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Clinic logo", "", "Images (*.png *.jpg *.jpeg)")
        if path:
            self.logo_edit.setText(path)

    def validatePage(self) -> bool:
        try:
            validate_clinic(self.details())
        except DomainError as exc:
            self.error_label.setText(str(exc))
            return False
        self.error_label.clear()
        return True


class OwnerPage(QWizardPage):
    """The owner's own login; creating it (and storing the clinic) happens when Finish is pressed."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Your owner account")
        self.setSubTitle("The owner manages users, practitioners, settings and the audit trail. "
                         f"Passwords need {auth.PASSWORD_RULE}, and may not contain the username.")
        self.username_edit = QLineEdit()
        self.username_edit.setAccessibleName("Username")
        self.full_name_edit = QLineEdit()
        self.full_name_edit.setAccessibleName("Full name")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Password")
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit.setAccessibleName("Repeat password")
        self.error_label = problem_label()
        form = QFormLayout(self)
        form.addRow("&Username", self.username_edit)
        form.addRow("&Full name", self.full_name_edit)
        form.addRow("&Password", self.password_edit)
        form.addRow("&Repeat password", self.confirm_edit)
        form.addRow(self.error_label)
        self.registerField("owner_username*", self.username_edit)
        self.registerField("owner_password*", self.password_edit)


class FirstStartWizard(QWizard):
    """Creates the clinic and the owner; `actor` is the new owner once accepted. "Explore with demo data" ends it
    with `EXPLORE` instead, creating nothing here."""

    EXPLORE = 2  # the dialog's result when the user chose to look around in a demo clinic first

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.actor: Actor | None = None
        self.setWindowTitle("Clinic Log — first start")
        self.setObjectName("firstStartWizard")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.clinic_page = ClinicPage()
        self.owner_page = OwnerPage()
        self.addPage(self.clinic_page)
        self.addPage(self.owner_page)
        self.setButtonText(QWizard.WizardButton.CustomButton1, "&Explore with demo data")
        self.setOption(QWizard.WizardOption.HaveCustomButton1)
        explore = self.button(QWizard.WizardButton.CustomButton1)
        explore.setAccessibleName("Explore with demo data")
        explore.setToolTip("Look around in a demo clinic of made-up clients and sessions, in a file of its own; "
                           "set up your clinic afterwards")
        self.customButtonClicked.connect(self._explore)
        self.currentIdChanged.connect(lambda _id: explore.setVisible(self.currentPage() is self.clinic_page))
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("m") * 48)

    def _explore(self, which: int) -> None:
        if which == QWizard.WizardButton.CustomButton1.value:
            # QDialog's done: QWizard's would first insist on a valid page (a clinic name) before letting go
            QDialog.done(self, self.EXPLORE)

    def validateCurrentPage(self) -> bool:
        if self.currentPage() is not self.owner_page:
            return super().validateCurrentPage()
        return self._create()

    def _create(self) -> bool:
        page = self.owner_page
        if page.password_edit.text() != page.confirm_edit.text():
            page.error_label.setText("Repeat password: the two passwords differ; type the same password twice.")
            page.confirm_edit.setFocus()
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            # the clinic is checked again before the owner exists: a refusal after it would leave an owner this
            # wizard can never finish with ("users already exist")
            validate_clinic(self.clinic_page.details())
            owner = auth.create_first_owner(self._db, page.username_edit.text(), page.full_name_edit.text(),
                                            page.password_edit.text())
            save_clinic(self._db, owner, self.clinic_page.details())
        except DomainError as exc:
            page.error_label.setText(str(exc))
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.actor = owner
        return True
