"""The Devices and lots tab (owner): register, retire and return devices; register cartridge lots and see their stock.

What is typed is checked by the services (a quantity or a depth stays as typed and the refusal says why in one
line); after each change every page hears "reference records changed", so a new device is offered by the next
session form and a retired one no longer is.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.enums import Modality
from clinic_log.domain.errors import DomainError
from clinic_log.services.devices import devices, lots
from clinic_log.services.devices.devices import DeviceRecord, NewDeviceModel
from clinic_log.services.devices.lots import LotInput, LotRecord
from clinic_log.ui.common.date_field import DateField
from clinic_log.ui.common.operations import REFERENCE, SESSIONS, changes, on_records_changed
from clinic_log.ui.common.record_table_model import RecordTableModel
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.common.widgets import problem_label, record_table, save_cancel_buttons

NEW_MODEL = "New model…"
MODALITY_LABELS = {Modality.MECHANICAL: "Mechanical microneedling", Modality.RF: "RF microneedling"}
UNKNOWN = "—"  # a lot first named by a session: its quantity was never recorded


def _line_edit(name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    return edit


def _day(value: date | None) -> str:
    return value.isoformat() if value else UNKNOWN


def _typed_day(field: DateField) -> date | None:
    """The date typed, None when empty; a date that cannot be read is refused with the field's reason."""
    problem = field.problem()
    if problem is not None:
        raise problem
    return field.value()


class AddDeviceDialog(QDialog):
    """Model (from the reference list, or a new one with its modality and depth range), serial, in service since."""

    def __init__(self, db: Database, user: UserSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self.setWindowTitle("Add device")
        self.created_id: int | None = None
        self.model_combo = QComboBox()
        self.model_combo.setAccessibleName("Model")
        for model in devices.device_models(db):
            self.model_combo.addItem(f"{model.name} ({model.min_depth_mm:g}–{model.max_depth_mm:g} mm)", model.name)
        self.model_combo.addItem(NEW_MODEL, None)
        self.new_name_edit = _line_edit("New model name", "as on the device's label")
        self.modality_combo = QComboBox()
        self.modality_combo.setAccessibleName("Modality")
        for modality, label in MODALITY_LABELS.items():
            self.modality_combo.addItem(label, modality.value)
        self.min_depth_edit = _line_edit("Minimum depth", "mm, such as 0.25")
        self.max_depth_edit = _line_edit("Maximum depth", "mm, such as 2.5")
        self.serial_edit = _line_edit("Serial", "the serial number on the device")
        self.in_service_edit = DateField("In service since", required=False, placeholder="yyyy-mm-dd, not set")
        self.in_service_edit.setAccessibleName("In service since")
        self.error_label = problem_label()

        self.new_model_box = QGroupBox("New model")
        new_form = QFormLayout(self.new_model_box)
        new_form.addRow("&Name", self.new_name_edit)
        new_form.addRow("Mo&dality", self.modality_combo)
        new_form.addRow("M&inimum depth (mm)", self.min_depth_edit)
        new_form.addRow("Ma&ximum depth (mm)", self.max_depth_edit)
        form = QFormLayout()
        form.addRow("&Model", self.model_combo)
        form.addRow(self.new_model_box)
        form.addRow("&Serial", self.serial_edit)
        form.addRow("In service si&nce", self.in_service_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(save_cancel_buttons(self, self._save))
        self.model_combo.currentIndexChanged.connect(self._show_new_model)
        self._show_new_model()

    def _show_new_model(self) -> None:
        self.new_model_box.setVisible(self.model_combo.currentData() is None)
        self.adjustSize()

    def _save(self) -> None:
        model_name = self.model_combo.currentData()
        new_model = None if model_name is not None else NewDeviceModel(
            self.new_name_edit.text(), self.modality_combo.currentData(), self.min_depth_edit.text(),
            self.max_depth_edit.text())
        try:
            created = devices.add_device(self._db, self._user.actor, model_name or "", self.serial_edit.text(),
                                         _typed_day(self.in_service_edit), new_model=new_model)
        except DomainError as exc:
            self.error_label.setText(str(exc))
            return
        self.created_id = created.id
        self.accept()


class AddLotDialog(QDialog):
    """Lot number, expiry, device model and quantity received (typed, checked by the service: never clamped)."""

    def __init__(self, db: Database, user: UserSession, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self._db, self._user, self._today = db, user, today
        self.setWindowTitle("Add cartridge lot")
        self.created_id: int | None = None
        self.number_edit = _line_edit("Lot number", "as printed on the box")
        self.expires_edit = DateField("Expires on", "the expiry printed on the box, such as 2027-03-31")
        self.expires_edit.setAccessibleName("Expires on")
        self.model_combo = QComboBox()
        self.model_combo.setAccessibleName("Device model")
        for model in devices.device_models(db):
            self.model_combo.addItem(model.name, model.name)
        self.quantity_edit = _line_edit("Quantity received", "cartridges, such as 50")
        self.error_label = problem_label()
        form = QFormLayout()
        form.addRow("&Lot number", self.number_edit)
        form.addRow("&Expires on", self.expires_edit)
        form.addRow("Device &model", self.model_combo)
        form.addRow("&Quantity received", self.quantity_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(save_cancel_buttons(self, self._save))

    def _save(self) -> None:
        try:
            created = lots.add_lot(self._db, self._user.actor, LotInput(
                self.number_edit.text(), _typed_day(self.expires_edit), self.model_combo.currentData() or "",
                self.quantity_edit.text()), self._today)
        except DomainError as exc:
            self.error_label.setText(str(exc))
            return
        self.created_id = created.id
        self.accept()


class LotExpiryDialog(QDialog):
    """Correct a lot's expiry (refused once a session names the lot)."""

    def __init__(self, db: Database, user: UserSession, lot: LotRecord, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self._db, self._user, self._lot, self._today = db, user, lot, today
        self.setWindowTitle(f"Expiry of lot {lot.lot_number}")
        self.expires_edit = DateField("Expires on", "the expiry printed on the box, such as 2027-03-31")
        self.expires_edit.setAccessibleName("Expires on")
        self.expires_edit.set_value(lot.expires_on)
        self.error_label = problem_label()
        form = QFormLayout()
        form.addRow("&Expires on", self.expires_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(save_cancel_buttons(self, self._save))

    def _save(self) -> None:
        try:
            lots.change_lot_expiry(self._db, self._user.actor, self._lot.id, _typed_day(self.expires_edit),
                                   self._today)
        except DomainError as exc:
            self.error_label.setText(str(exc))
            return
        self.accept()


def _fit(view: QTableView) -> None:
    view.resizeColumnsToContents()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(False)  # a wide last column would put "Left" far from its lot


class DevicesPage(QWidget):
    """Devices on the left, cartridge lots on the right, each with its buttons; a line at the top says what was done
    or refused."""

    def __init__(self, db: Database, user: UserSession, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self._db, self._user, self._today = db, user, today
        self.message_label = QLabel()
        self.message_label.setAccessibleName("Message")
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)

        self.device_model: RecordTableModel[DeviceRecord] = RecordTableModel([
            ("Model", lambda d: d.model), ("Serial", lambda d: d.serial),
            ("Depth range", lambda d: f"{d.min_depth_mm:g}–{d.max_depth_mm:g} mm"),
            ("In service since", lambda d: _day(d.in_service_on)),
            ("Status", lambda d: "in service" if d.in_service else "retired"),
        ], muted=lambda d: not d.in_service)
        self.device_view = record_table(self.device_model, "Devices")
        self.add_device_button = QPushButton("&Add device…")
        self.add_device_button.setAccessibleName("Add device…")
        self.service_button = QPushButton("&Retire")
        self.service_button.setAccessibleName("Retire")

        self.lot_model: RecordTableModel[LotRecord] = RecordTableModel([
            ("Lot", lambda lot: lot.lot_number), ("Expires", self._expiry_text),
            ("Device model", lambda lot: lot.device_model or UNKNOWN),
            ("Received", lambda lot: UNKNOWN if lot.quantity_received is None else str(lot.quantity_received)),
            ("Used", lambda lot: str(lot.used)),
            ("Left", lambda lot: UNKNOWN if lot.left is None else str(lot.left)),
        ], muted=lambda lot: lot.left == 0 or self._expired(lot))
        self.lot_view = record_table(self.lot_model, "Cartridge lots")
        self.add_lot_button = QPushButton("Add &lot…")
        self.add_lot_button.setAccessibleName("Add lot…")
        self.expiry_button = QPushButton("Change e&xpiry…")
        self.expiry_button.setAccessibleName("Change expiry…")
        self.expiry_button.setToolTip("Only while no session names the lot")

        device_box = QGroupBox("Devices")
        device_layout = QVBoxLayout(device_box)
        device_layout.addWidget(self.device_view, 1)
        device_buttons = QHBoxLayout()
        device_buttons.addWidget(self.add_device_button)
        device_buttons.addWidget(self.service_button)
        device_buttons.addStretch(1)
        device_layout.addLayout(device_buttons)
        lot_box = QGroupBox("Cartridge lots")
        lot_box.setToolTip("Used: sessions that name the lot. —: a lot first named by a session, its quantity "
                           "never recorded")
        lot_layout = QVBoxLayout(lot_box)
        lot_layout.addWidget(self.lot_view, 1)
        lot_buttons = QHBoxLayout()
        lot_buttons.addWidget(self.add_lot_button)
        lot_buttons.addWidget(self.expiry_button)
        lot_buttons.addStretch(1)
        lot_layout.addLayout(lot_buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message_label)
        splitter = QSplitter()  # side by side: each list gets the page's height at 1366×768
        splitter.addWidget(device_box)
        splitter.addWidget(lot_box)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        for first, second in ((self.device_view, self.add_device_button), (self.add_device_button,
                              self.service_button), (self.service_button, self.lot_view),
                              (self.lot_view, self.add_lot_button), (self.add_lot_button, self.expiry_button)):
            self.setTabOrder(first, second)

        self.add_device_button.clicked.connect(self.add_device)
        self.service_button.clicked.connect(self.toggle_in_service)
        self.add_lot_button.clicked.connect(self.add_lot)
        self.expiry_button.clicked.connect(self.change_expiry)
        self.lot_view.doubleClicked.connect(self.change_expiry)
        on_records_changed(self, {REFERENCE, SESSIONS}, self.refresh)  # sessions count lots down
        self.refresh()
        self.device_view.selectionModel().selectionChanged.connect(self._show_device_actions)
        if self.device_model.rowCount():
            self.device_view.selectRow(0)
        self._show_device_actions()

    # --- loading ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        chosen_device, chosen_lot = self.selected_device(), self.selected_lot()
        self.device_model.set_records(devices.device_records(self._db, self._user.actor))
        self.lot_model.set_records(lots.lot_records(self._db, self._user.actor, self._day_today()))
        for view in (self.device_view, self.lot_view):
            _fit(view)
        if chosen_device is not None:
            self.select_device(chosen_device.id)
        if chosen_lot is not None:
            self._select(self.lot_view, [lot.id for lot in self.lot_model.records()], chosen_lot.id)
        self._show_device_actions()

    def _day_today(self) -> date:
        return self._today or date.today()

    def _expired(self, lot: LotRecord) -> bool:
        return lot.expires_on is not None and lot.expires_on < self._day_today()

    def _expiry_text(self, lot: LotRecord) -> str:
        return _day(lot.expires_on) + (" (expired)" if self._expired(lot) else "")

    def selected_device(self) -> DeviceRecord | None:
        rows = self.device_view.selectionModel().selectedRows()
        return self.device_model.record(rows[0].row()) if rows else None

    def selected_lot(self) -> LotRecord | None:
        rows = self.lot_view.selectionModel().selectedRows()
        return self.lot_model.record(rows[0].row()) if rows else None

    def select_device(self, device_id: int | None) -> None:
        self._select(self.device_view, [d.id for d in self.device_model.records()], device_id)

    @staticmethod
    def _select(view: QTableView, ids: list[int], wanted: int | None) -> None:
        if wanted in ids:
            view.selectRow(ids.index(wanted))

    def _show_device_actions(self) -> None:
        device = self.selected_device()
        retire = device is None or device.in_service
        self.service_button.setText("&Retire" if retire else "&Return to service")
        self.service_button.setAccessibleName("Retire" if retire else "Return to service")
        self.service_button.setEnabled(device is not None)

    # --- changes ---------------------------------------------------------------------------------

    def _done(self, text: str) -> None:
        changes.announce({REFERENCE})  # the session form offers the devices in service; the dashboard counts lots
        self.refresh()
        self.message_label.setStyleSheet("")
        self.message_label.setText(text)

    def _refused(self, exc: DomainError) -> None:
        self.message_label.setStyleSheet("color: #b00020;")
        self.message_label.setText(str(exc))

    def add_device(self) -> AddDeviceDialog:
        dialog = AddDeviceDialog(self._db, self._user, self)

        def added() -> None:
            self._done(f"Device {dialog.serial_edit.text().strip()} added.")
            self.select_device(dialog.created_id)

        dialog.accepted.connect(added)
        dialog.open()
        return dialog

    def toggle_in_service(self) -> None:
        device = self.selected_device()
        if device is None:
            return
        try:
            devices.set_in_service(self._db, self._user.actor, device.id, not device.in_service, device.version)
        except DomainError as exc:
            self.refresh()  # shows the device as it is now
            self._refused(exc)
            return
        self._done(f"{device.model} {device.serial} " + (
            "retired: the session form no longer offers it." if device.in_service else "is in service again."))

    def add_lot(self) -> AddLotDialog:
        dialog = AddLotDialog(self._db, self._user, self, self._today)

        def added() -> None:
            self._done(f"Lot {dialog.number_edit.text().strip()} added.")
            self._select(self.lot_view, [lot.id for lot in self.lot_model.records()], dialog.created_id)

        dialog.accepted.connect(added)
        dialog.open()
        return dialog

    def change_expiry(self) -> LotExpiryDialog | None:
        lot = self.selected_lot()
        if lot is None:
            return None
        dialog = LotExpiryDialog(self._db, self._user, lot, self, self._today)
        dialog.accepted.connect(lambda: self._done(f"Expiry of lot {lot.lot_number} changed."))
        dialog.open()
        return dialog
