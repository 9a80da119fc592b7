"""The chairside session form: log a full treatment in under a minute, with live warnings.

Opens pre-filled (now, the practitioner, the device, supervisor and cartridge lot they used last, the client's next
course position). Every change is checked by the services' `assess` off the GUI thread (150 ms after the last
keystroke) and autosaved into the user's form drafts, so closing the window or a crash loses nothing: opening the
form for the same client again restores every field. Ctrl+S saves a draft session, Ctrl+Enter signs it.
This module is the view: the widgets, the `SessionFormState` they show, and the user's actions forwarded to the
controller (session_form_controller.py), which checks, saves, signs and autosaves.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, datetime, timedelta

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.enums import FITZPATRICK_NUMERALS, Level, PractitionerRole, SupervisorPresence
from clinic_log.domain.rules import COURSE_MAX
from clinic_log.domain.values import Assessment, Problem, SessionInput
from clinic_log.services.sessions.session_form_data import FormChoices
from clinic_log.services.sessions.session_form_state import AreaRowState, SessionFormState
from clinic_log.ui.common.date_field import DateTimeField
from clinic_log.ui.common.number_field import WholeNumberField
from clinic_log.ui.common.operations import SESSIONS, changes
from clinic_log.ui.common.typed_field import problem_message
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.sessions.form.area_picker import AreaPicker
from clinic_log.ui.sessions.form.area_rows import AreaRows
from clinic_log.ui.sessions.form.cartridge_lot import CartridgeLot
from clinic_log.ui.sessions.form.complications_section import ComplicationsSection
from clinic_log.ui.sessions.form.face_map import FaceMap
from clinic_log.ui.sessions.form.products_section import ProductsSection
from clinic_log.ui.sessions.form.session_form_controller import DEFAULTS_KEY, Outcome, SessionFormController, form_key
from clinic_log.ui.sessions.form.warnings_panel import WarningsPanel

__all__ = ["DEFAULTS_KEY", "SessionFormDialog", "form_key", "next_session_text"]

CHECK_DELAY_MS = 150
SKIN_RESPONSES = ("", "mild erythema", "moderate erythema", "pinpoint bleeding", "oedema", "uniform erythema")
NEXT_SESSION_WEEKS = (4, 6)
SIGN_KEYS = (QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter"))


def next_session_text(on: date) -> str:
    first, last = (on + timedelta(weeks=w) for w in NEXT_SESSION_WEEKS)
    return f"next session suggested {first.isoformat()} to {last.isoformat()} (4–6 weeks)"


def _now() -> datetime:
    """The local wall-clock time to the minute, as the Date/time box shows it."""
    return datetime.now().replace(second=0, microsecond=0)


def _no_auto_default(button: QPushButton) -> QPushButton:
    button.setAutoDefault(False)  # Enter in a field must never press a button of the form
    button.setDefault(False)
    return button


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def _hbox(*widgets: QWidget) -> QWidget:
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return holder


def _form_layout() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


def _boxed(title: str, content: QWidget | QLayout) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    if isinstance(content, QLayout):
        layout.addLayout(content)
    else:
        layout.addWidget(content)
    return box


def _select(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


class SessionFormDialog(QDialog):
    """One session being logged for one client. Emits `signed(session_id)` and `draft_saved(session_id)`."""

    signed = Signal(int)
    draft_saved = Signal(int)

    def __init__(self, db: Database, user: UserSession, client_id: int, parent: QWidget | None = None,
                 choices: FormChoices | None = None) -> None:
        """`user`: who is logged in; the form is theirs (its draft stays theirs if another user takes over)."""
        super().__init__(parent)
        self.controller = SessionFormController(db, user, client_id, choices, self)
        self.client = self.controller.client
        self.choices = self.controller.choices
        self.form_key = self.controller.form_key
        self._dropped_areas: list[str] = []  # area codes of a restored form that are not on record
        self._loading = True
        self.setWindowTitle(f"New session — {self.client.full_name} ({self.client.client_ref})")
        self.setObjectName("sessionForm")
        self._build()
        self._prefill()
        restored = self.controller.start_autosave(self, self._edit_signals(), self._on_autosave_failed)
        self._loading = False
        self._sync_people()
        self._update_next_session()
        self.set_tab_order()
        self.picker.filter_edit.setFocus()
        if restored:
            self.panel.set_status(restored, error=self.controller.autosave_unreadable)
        self._check_timer.start()
        app = QCoreApplication.instance()
        if app is not None:  # quitting with the form open (the main window closed) keeps the last keystrokes too
            app.aboutToQuit.connect(self._keep_typing)
        self._fit_screen()

    # --- what the controller holds -----------------------------------------------------------

    @property
    def session_id(self) -> int | None:
        return self.controller.session_id

    @property
    def session_version(self) -> int | None:
        return self.controller.session_version

    @property
    def assessment(self) -> Assessment | None:
        return self.controller.assessment

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        self._make_session_fields()
        self._make_sections()
        self._make_buttons()
        self._name_inputs()
        self._lay_out()
        self._make_timers()
        self._connect()

    def _make_session_fields(self) -> None:
        """Date/time, the people, the device and the cartridge lot."""
        self.started = DateTimeField("Date/time", "the date and time of the session, such as 2026-03-31 09:30",
                                     hint="Date and time of the session, typed as yyyy-mm-dd HH:MM: Up/Down change "
                                          "the day, or 5 minutes when the cursor is in the time; Alt+Down: calendar")
        self.started.set_value(_now())
        self.practitioner = QComboBox()
        self.practitioner.addItem("Choose…", None)
        for p in self.choices.practitioners:
            self.practitioner.addItem(f"{p.full_name} ({p.role.replace('_', ' ')})", p.id)
        self.supervisor = QComboBox()
        self.supervisor_hint = QLabel()
        self.presence = QComboBox()
        self.presence.addItem("—", None)
        for presence in SupervisorPresence:
            self.presence.addItem(presence.value.replace("_", " "), presence.value)
        self.device = QComboBox()
        self.device.addItem("—", None)
        for d in self.choices.devices:
            self.device.addItem(f"{d.model} — {d.serial} ({d.min_depth_mm:g}–{d.max_depth_mm:g} mm)", d.id)
        self._make_lot_fields()

    def _make_lot_fields(self) -> None:
        self.cartridge = CartridgeLot(self.controller.find_lot, self.started.value, self)
        self.lot = self.cartridge.number
        self.lot_expires = self.cartridge.expires
        self.lot_status = self.cartridge.status

    def _make_sections(self) -> None:
        """Areas, products, the course position, skin response, complications, notes and the checks."""
        c = self.choices
        self.picker = AreaPicker(c.areas)
        self.face_map = FaceMap({a.code: a.label for a in c.areas})
        self.area_rows = AreaRows(c.indications)
        self.products = ProductsSection()
        # Typed as text and kept as typed: 13 is refused in Checks with the reason, never clamped to 12.
        self.course_index = WholeNumberField("Session number", f"a whole number from 1 to {COURSE_MAX}", "1",
                                             floor="1", required=False, chars=3)
        self.course_total = WholeNumberField("Sessions in course", f"a whole number from 1 to {COURSE_MAX}", "1",
                                             floor="1", required=False, chars=3)
        self.next_session = QLabel()
        self.next_session.setAccessibleName("Next session")
        self.skin_response = QComboBox()
        self.skin_response.setEditable(True)
        self.skin_response.addItems(SKIN_RESPONSES)
        self.complications = ComplicationsSection(c.complication_types)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.panel = WarningsPanel()

    def _make_buttons(self) -> None:
        """Save draft, Sign and Close, with their shortcuts (Ctrl+S, Ctrl+Enter)."""
        self.save_button = _no_auto_default(QPushButton("Sa&ve draft"))
        self.sign_button = _no_auto_default(QPushButton("&Sign"))
        self.close_button = _no_auto_default(QPushButton("Close"))
        self.save_action = QAction("Save draft", self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.sign_action = QAction("Sign", self)
        self.sign_action.setShortcuts(list(SIGN_KEYS))
        for action in (self.save_action, self.sign_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        self.save_button.setToolTip("Save as a draft session; sign it later (Ctrl+S)")
        self.sign_button.setToolTip("Sign the session: it is locked from then on (Ctrl+Enter)")
        self.close_button.setToolTip("Close: what you typed is kept and comes back next time (Esc)")

    def _name_inputs(self) -> None:
        """Every input is named like its visible label, for screen readers and tests."""
        names = {self.started: "Date/time", self.practitioner: "Practitioner", self.supervisor: "Supervisor",
                 self.presence: "Supervisor presence", self.device: "Device", self.lot: "Cartridge lot",
                 self.lot_expires: "Lot expiry", self.course_index: "Session number",
                 self.course_total: "Sessions in course", self.skin_response: "Skin response", self.notes: "Notes"}
        for widget, name in names.items():
            widget.setAccessibleName(name)
        for button in (self.save_button, self.sign_button, self.close_button):
            button.setAccessibleName(button.text().replace("&", ""))

    def _lay_out(self) -> None:
        """The form scrolls on the left; the checks and the buttons stay on the right."""
        columns = QHBoxLayout()
        columns.addWidget(self._form_scroll(), 3)
        columns.addWidget(self._side(), 1)
        outer = QVBoxLayout(self)
        outer.addWidget(self._heading())
        outer.addLayout(columns, 1)

    def _session_rows(self) -> QFormLayout:
        form = _form_layout()
        form.addRow(_label("&Date/time", self.started), self.started)
        form.addRow(_label("&Practitioner", self.practitioner), self.practitioner)
        form.addRow(_label("S&upervisor", self.supervisor), _hbox(self.supervisor, self.supervisor_hint))
        form.addRow(_label("Supervisor presence", self.presence), self.presence)
        form.addRow(_label("D&evice", self.device), self.device)
        form.addRow(_label("Cartridge &lot", self.lot), _hbox(
            self.lot, _label("Lot expiry", self.lot_expires), self.lot_expires, self.lot_status))
        return form

    def _areas_group(self) -> QGroupBox:
        top = QHBoxLayout()
        top.addWidget(self.picker, 2)
        top.addWidget(self.face_map, 3)
        areas_layout = QVBoxLayout()
        areas_layout.addLayout(top)
        areas_layout.addWidget(self.area_rows)
        self.areas_box = _boxed("Areas", areas_layout)
        return self.areas_box

    def _after_treatment_rows(self) -> QFormLayout:
        more = _form_layout()
        more.addRow(_label("Session number", self.course_index), _hbox(
            self.course_index, _label("Sessions in course", self.course_total), self.course_total,
            self.next_session))
        more.addRow(_label("S&kin response", self.skin_response), self.skin_response)
        more.addRow(_label("&Notes", self.notes), self.notes)
        return more

    def _form_scroll(self) -> QScrollArea:
        body = QWidget()
        column = QVBoxLayout(body)
        column.addLayout(self._session_rows())
        column.addWidget(self._areas_group())
        column.addWidget(_boxed("Products and topicals", self.products))
        column.addLayout(self._after_treatment_rows())
        column.addWidget(_boxed("Complications", self.complications))
        column.addStretch(1)
        scroll = self.form_scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        return scroll

    def _heading(self) -> QLabel:
        heading = QLabel(self._client_heading())
        heading.setObjectName("heading")
        heading.setAccessibleName("Client")
        heading.setWordWrap(True)
        return heading

    def _side(self) -> QWidget:
        side = QVBoxLayout()
        side.addWidget(self.panel, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.sign_button)
        buttons.addWidget(self.close_button)
        side.addLayout(buttons)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setMinimumWidth(300)
        return side_widget

    def _make_timers(self) -> None:
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check_now)

    def _edit_signals(self) -> list[SignalInstance]:
        """The signals of every edit: each one is checked and autosaved."""
        return [self.started.changed, self.practitioner.currentIndexChanged, self.supervisor.currentIndexChanged,
                self.presence.currentIndexChanged, self.device.currentIndexChanged, self.lot.textChanged,
                self.lot_expires.changed, self.area_rows.changed, self.products.changed,
                self.course_index.textChanged, self.course_total.textChanged, self.skin_response.currentTextChanged,
                self.complications.changed, self.notes.textChanged, self.panel.reason_changed]

    def _connect(self) -> None:
        """The user's actions: buttons and shortcuts, areas chosen on the list or the map, the lot looked up."""
        self.save_action.triggered.connect(self.save_draft_now)
        self.sign_action.triggered.connect(self.sign)
        self.save_button.clicked.connect(self.save_draft_now)
        self.sign_button.clicked.connect(self.sign)
        self.close_button.clicked.connect(self.close)
        self.picker.area_toggled.connect(self.toggle_area)
        self.face_map.area_clicked.connect(self.toggle_area)
        self.area_rows.remove_requested.connect(self.toggle_area)
        self.area_rows.last_depth_entered.connect(self.picker.filter_edit.setFocus)
        self.complications.added.connect(self.form_scroll.ensureWidgetVisible)
        self.practitioner.currentIndexChanged.connect(self._on_practitioner_changed)
        self.device.currentIndexChanged.connect(self._on_device_changed)
        self.started.changed.connect(self._update_next_session)
        for signal in self._edit_signals():
            signal.connect(self._on_changed)

    def _fit_screen(self) -> None:
        screen = self.screen()
        width, height = 1280, 740
        if screen is not None:
            available = screen.availableGeometry()
            width, height = min(width, available.width()), min(height, available.height())
        self.resize(width, height)

    def _client_heading(self) -> str:
        c = self.client
        parts = [f"<b>{c.full_name}</b> ({c.client_ref})"]
        if c.date_of_birth:
            parts.append(f"born {c.date_of_birth.isoformat()}")
        parts.append(f"Fitzpatrick {FITZPATRICK_NUMERALS[c.fitzpatrick - 1]}" if c.fitzpatrick else
                     "Fitzpatrick not recorded")
        return ", ".join(parts)

    def set_tab_order(self) -> None:
        """Tab follows the form top to bottom, then the reason and the buttons."""
        chain: list[QWidget] = [self.started, self.practitioner, self.supervisor, self.presence, self.device,
                                self.lot, self.lot_expires, self.picker.filter_edit, self.picker.list,
                                *self.area_rows.focus_widgets(), *self.products.focus_widgets(),
                                self.course_index, self.course_total, self.skin_response, self.notes,
                                *self.complications.focus_widgets(), self.panel.reason,
                                self.save_button, self.sign_button, self.close_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # --- defaults and restoring --------------------------------------------------------------

    def _prefill(self) -> None:
        _select(self.practitioner, self.controller.remembered_practitioner())
        self._sync_people()
        self._apply_practitioner_defaults()
        index, total = self.controller.course_position()
        self.course_index.setText(str(index) if index else "")  # shown, as typed defaults are
        self.course_total.setText(str(total) if total else "")

    def _apply_practitioner_defaults(self) -> None:
        practitioner_id = self.practitioner.currentData()
        if practitioner_id is None:
            return
        defaults = self.controller.practitioner_defaults(practitioner_id)
        if defaults.device_id is not None:
            _select(self.device, defaults.device_id)
        if defaults.supervisor_id is not None:
            _select(self.supervisor, defaults.supervisor_id)
        if defaults.lot_number and not self.lot.text():
            self.lot.setText(defaults.lot_number)
            self.cartridge.show_known(defaults.lot_expires)

    def dropped_areas_text(self) -> str:
        """What the last restore could not show as a row ("" when every area came back)."""
        if not self._dropped_areas:
            return ""
        return (f" Not restored: area {', '.join(repr(c) for c in self._dropped_areas)} (not a body site on record, "
                "or its site is already a row): add it again.")

    def state(self) -> SessionFormState:
        """Everything typed (valid or not), for the autosaved form draft."""
        return SessionFormState(
            session_id=self.controller.session_id, session_version=self.controller.session_version,
            started_at=self.started.text(), practitioner_id=self.practitioner.currentData(),
            supervisor_id=self.supervisor.currentData(), supervisor_presence=self.presence.currentData(),
            device_id=self.device.currentData(), cartridge_lot=self.lot.text(), lot_expires=self.lot_expires.text(),
            areas=tuple(row.state() for row in self.area_rows.rows), products=self.products.state(),
            course_index=self.course_index.text(), course_total=self.course_total.text(),
            skin_response=self.skin_response.currentText(), complications=self.complications.state(),
            notes=self.notes.toPlainText(), reason=self.panel.reason.toPlainText(),
        )

    def restore(self, state: SessionFormState) -> None:
        loading, self._loading = self._loading, True
        self._dropped_areas = []
        try:
            self.controller.session_id, self.controller.session_version = state.session_id, state.session_version
            self.started.restore(state.started_at)  # the text typed, or an older version's ISO text
            self._restore_people(state)
            self.lot.setText(state.cartridge_lot)
            self.lot_expires.restore(state.lot_expires)  # the text typed; None: not set
            self.cartridge.look_up()
            self._restore_areas(state.areas)
            self.products.restore(state.products)
            self.course_index.restore(state.course_index)
            self.course_total.restore(state.course_total)
            self.skin_response.setCurrentText(state.skin_response)
            self.complications.restore(state.complications)
            self.notes.setPlainText(state.notes)
            self.panel.reason.setPlainText(state.reason)
        finally:
            self._loading = loading

    def open_draft(self, state: SessionFormState) -> None:
        """Show a stored draft session for editing: saving replaces it, and changes count from here."""
        self.restore(state)
        self.controller.opened_draft()

    def _restore_people(self, state: SessionFormState) -> None:
        _select(self.practitioner, state.practitioner_id)
        self._sync_people()
        _select(self.supervisor, state.supervisor_id)
        _select(self.presence, state.supervisor_presence)
        _select(self.device, state.device_id)
        self._on_device_changed()

    def _restore_areas(self, areas: tuple[AreaRowState, ...]) -> None:
        for code in list(self.area_rows.codes()):
            self.area_rows.remove(code)
        for row_state in areas:
            self._restore_area(row_state)
        self._sync_area_views()

    def _restore_area(self, row_state: AreaRowState) -> None:
        """One area row of a saved form. An area code from before sites and indications were apart ("acne_scars")
        opens as that indication on its default site, and the row says so; a code not on record at all is named on
        the status line rather than dropped unseen."""
        code = row_state.area_code
        site, indication = self.choices.as_site(code)
        area = self.choices.area(site)
        if area is None:
            self._dropped_areas.append(code)
            return
        if site in self.area_rows.codes():  # a legacy code whose site is already a row: one row per site
            self._dropped_areas.append(code)
            return
        row = self.area_rows.add(area)
        if indication is not None:
            row_state = replace(row_state, area_code=site, indication=row_state.indication or indication)
        row.restore(row_state)
        ref = self.choices.indication(indication) if indication is not None else None
        if ref is not None:
            row.set_note("legacy", f"read as {ref.label} on {area.label}: check the site")

    # --- reacting to edits -------------------------------------------------------------------

    def _on_changed(self) -> None:
        if not self._loading:
            self._check_timer.start()

    def _on_practitioner_changed(self) -> None:
        if self._loading:
            return
        self._sync_people()
        self._apply_practitioner_defaults()

    def _sync_people(self) -> None:
        """Supervisors are physicians other than the practitioner; required when the practitioner needs one."""
        chosen = self.choices.practitioner(self.practitioner.currentData())
        previous = self.supervisor.currentData()
        blocked = self.supervisor.blockSignals(True)
        self.supervisor.clear()
        needs = chosen is not None and chosen.needs_supervision
        self.supervisor.addItem("Choose… (required)" if needs else "—", None)
        for p in self.choices.practitioners:
            if PractitionerRole(p.role).is_physician and (chosen is None or p.id != chosen.id):
                self.supervisor.addItem(f"{p.full_name} ({p.role.replace('_', ' ')})", p.id)
        _select(self.supervisor, previous)
        self.supervisor.blockSignals(blocked)
        self.supervisor_hint.setText(f"required: {chosen.full_name} works under supervision"
                                     if needs and chosen is not None else "")

    def _on_device_changed(self) -> None:
        device_id = self.device.currentData()
        self.area_rows.set_device(self.choices.device(device_id), self.choices.model_of(device_id))

    def toggle_area(self, code: str) -> None:
        if code in self.area_rows.codes():
            self.area_rows.remove(code)
        else:
            area = self.choices.area(code)
            if area is None:
                return
            self.area_rows.add(area)
        self._sync_area_views()
        self.set_tab_order()

    def _sync_area_views(self) -> None:
        codes = self.area_rows.codes()
        self.picker.set_chosen(codes)
        self.face_map.set_chosen(codes)

    def _update_next_session(self) -> None:
        started = self.started.value()
        self.next_session.setText("" if started is None else next_session_text(started.date()))

    # --- checking ----------------------------------------------------------------------------

    def entry(self) -> SessionInput | None:
        """The session as typed, or None while no practitioner is chosen or the Date/time cannot be read (no start
        is made up: the typing problem says what is wrong)."""
        practitioner_id = self.practitioner.currentData()
        typed_start = self.started.value()
        if practitioner_id is None or typed_start is None:
            return None
        started = typed_start.astimezone()  # the local wall-clock time typed, as an aware datetime
        return SessionInput(
            client_id=self.client.id, practitioner_id=practitioner_id, started_at=started,
            device_id=self.device.currentData(), cartridge_lot=self.lot.text().strip() or None,
            lot_expires=self.lot_expires.value(),
            supervisor_id=self.supervisor.currentData(), supervisor_presence=self.presence.currentData(),
            areas=self.area_rows.values(), products=self.products.values(),
            complications=self.complications.values(), course_index=self.course_index.value(),
            course_total=self.course_total.value(),
            skin_response=self.skin_response.currentText().strip() or None,
            notes=self.notes.toPlainText().strip() or None,
        )

    def check_now(self) -> None:
        self._check_timer.stop()
        self.cartridge.show_status()
        entry = self.entry()
        if entry is None:
            self.controller.drop_pending_check()
            if self.practitioner.currentData() is None:
                self.panel.show_failure("Practitioner: choose who performs the session")
                self.sign_button.setEnabled(False)
            else:  # the Date/time cannot be read: nothing to check it against, so only what is typed is shown
                self.panel.show_problems(self.typing_problems())
                self.sign_button.setEnabled(False)
            return
        self.controller.check(entry, self._on_checked, self._on_check_failed)

    def typing_problems(self) -> list[Problem]:
        """Numbers and dates typed that cannot be read (an empty depth, 2027-02-30): shown as errors, they block
        saving and signing."""
        dates = [Problem(Level.ERROR, "typed_value", name, problem_message(problem))
                 for box, name in ((self.started, "started_at"), (self.lot_expires, "lot_expires"),
                                   (self.course_index, "course_index"), (self.course_total, "course_total"))
                 if (problem := box.problem()) is not None]
        return [*dates, *self.area_rows.typing_problems(), *self.products.typing_problems()]

    def _on_checked(self, assessment: Assessment) -> None:
        problems = (*self.typing_problems(), *assessment.problems)
        self.panel.set_may_override(self.controller.may_override(assessment, self.practitioner.currentData()))
        self.panel.show_problems(problems)
        self.area_rows.show_problems(list(assessment.problems))
        self.sign_button.setEnabled(not Assessment(problems).errors)

    def _on_check_failed(self, exc: Exception) -> None:
        self.panel.show_failure(str(exc))
        self.sign_button.setEnabled(False)  # not what the check before allowed: this one could not run

    # --- saving ------------------------------------------------------------------------------

    def autosave_now(self) -> None:
        """Keep what is typed now as the form's draft, on the worker (the pause after typing does the same)."""
        self.controller.autosave_now()

    def _on_autosave_failed(self, problem: str) -> None:
        self.panel.set_status(problem, error=True)

    def save_draft_now(self) -> bool:
        """Save the session as a draft (Ctrl+S); on failure everything stays in the form."""
        entry = self._entry_to_save("Not saved")
        if entry is None:
            return False
        outcome = self.controller.save_draft(entry)
        self._show(outcome)
        if outcome.done and outcome.session_id is not None:
            changes.announce({SESSIONS})
            self.draft_saved.emit(outcome.session_id)
        return outcome.done

    def sign(self) -> bool:
        """Sign (Ctrl+Enter): errors refuse it, warnings need the reason; a failure keeps everything in the form."""
        entry = self._entry_to_save("Not signed", check=False)
        if entry is None:
            return False
        outcome = self.controller.sign(entry, self.panel.reason_text() or None, self.panel.override_text() or None,
                                       self.panel.problems)
        if not outcome.done or outcome.session_id is None:
            self._show(outcome)
            return False
        changes.announce({SESSIONS})
        self.signed.emit(outcome.session_id)
        self.accept()
        return True

    def _entry_to_save(self, what: str, check: bool = True) -> SessionInput | None:
        """The session to save or sign, or None, saying why on the status line: no practitioner chosen, or a
        number or date typed that cannot be read (nothing is saved)."""
        if check:
            self.check_now()
        if self.practitioner.currentData() is None:
            self.panel.set_status(f"{what}: choose the practitioner first.", error=True)
            self.practitioner.setFocus()
            return None
        problems = self.typing_problems()
        if problems:
            self.panel.set_status(f"{what}: fix what is typed first — " + "; ".join(p.message for p in problems),
                                  error=True)
            self.check_now()
            return None
        return self.entry()  # None only while the Date/time cannot be read, which typing_problems names

    def _show(self, outcome: Outcome) -> None:
        self.panel.set_status(outcome.message, error=not outcome.done)
        if outcome.recheck:
            self.check_now()
        if outcome.focus == "override":
            self.panel.override.setFocus()
        elif outcome.focus == "reason":
            self.panel.reason.setFocus()

    # --- closing -----------------------------------------------------------------------------

    def _keep_typing(self) -> None:
        """On close: keep the last keystrokes too, then let running checks and saves finish."""
        if not shiboken6.isValid(self):
            return
        self._check_timer.stop()
        self.controller.keep_typing()

    def done(self, result: int) -> None:
        self._keep_typing()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._keep_typing()
        super().closeEvent(event)
