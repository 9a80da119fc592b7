"""View of one treatment session (a `SessionDetail` from the services) with its history, and the record's
lifecycle actions for whoever may use them: Sign (drafts), Override stops… (a physician or the owner, on a draft
with a stop), Countersign (the supervising physician), Amend… and Void… (signed sessions; a reason is always
required). Each action names the version shown, so a change made meanwhile elsewhere is refused, never overwritten.
The services check every action again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import CTCAE_GRADES, PractitionerRole, SessionStatus, UserRole
from clinic_log.domain.errors import DomainError
from clinic_log.domain.permissions import ALLOWED, Permission, may_override_stops
from clinic_log.domain.rules import OVERRIDE_MIN_WORDS
from clinic_log.services.sessions import amendments, sessions
from clinic_log.services.sessions.session_queries import get_session
from clinic_log.services.sessions.session_views import AmendmentView, AreaView, ComplicationView, SessionDetail
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.common.widgets import shortcut_button
from clinic_log.ui.common.workstation_changes import ChangedElsewhereBanner

NONE = "—"
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_WIDEST_CELL = 320  # px; wider text wraps (and is whole in the tooltip)


def local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _day(value: date | None) -> str:
    return value.isoformat() if value else NONE


def _depth(mm: float) -> str:
    """A stored depth as stored: two decimals when that is exact, else every digit (never rounded away)."""
    text = f"{mm:.2f}"
    return f"{text if float(text) == mm else repr(mm)} mm"


def _words(code: str | None) -> str:
    return code.replace("_", " ") if code else ""


def complication_text(c: ComplicationView) -> str:
    meaning = CTCAE_GRADES.get(c.grade, "").split(";")[0]
    parts = [f"{c.label} — CTCAE grade {c.grade}" + (f" ({meaning.lower()})" if meaning else "")]
    if c.expected is not None:
        parts.append("expected" if c.expected else "unexpected")
    if c.relatedness:
        parts.append(f"related to {c.relatedness}")
    if c.onset_on:
        parts.append(f"onset {c.onset_on.isoformat()}")
    if c.action:
        parts.append(f"action: {c.action}")
    if c.outcome:
        parts.append(f"outcome: {c.outcome}")
    if c.resolved_on:
        parts.append(f"resolved {c.resolved_on.isoformat()}")
    if c.reported:
        parts.append("reported")
    if c.added_by_amendment:
        parts.append("added later by amendment")
    return ", ".join(parts)


def _value(text: str | None) -> str:
    return NONE if text is None or text == "" else text


class SessionDetailDialog(QDialog):
    """Everything recorded about one session; nothing here can be edited (signed records change by amendment).

    Its Aftercare… button (Ctrl+P) emits `aftercare_requested`; the window that opened the dialog shows the sheet.
    """

    aftercare_requested = Signal()
    edit_requested = Signal(object)  # the SessionDetail of a draft to finish in the session form
    changed = Signal(int)  # the session id, after a sign, countersign, amendment or void

    def __init__(self, detail: SessionDetail, parent: QWidget | None = None, db: Database | None = None,
                 user: UserSession | None = None) -> None:
        """Given `db` and `user` (who is logged in), the dialog offers what that user may do to the session."""
        super().__init__(parent)
        self._db, self._user = db, user
        self.setObjectName("sessionDetailDialog")
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.heading.setFont(font)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body_scroll = QScrollArea()
        self.body_scroll.setWidgetResizable(True)
        self.body_scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()  # the record (rebuilt at each change), then the sections others add below it
        self._content = QVBoxLayout(content)
        self._content.setContentsMargins(0, 0, 0, 0)
        self._content.addStretch(1)
        self._body: QWidget | None = None
        self.body_scroll.setWidget(content)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(close.text().replace("&", ""))
        self.aftercare_button = shortcut_button("Aftercare…", QKeySequence(QKeySequence.StandardKey.Print),
                                                "Preview, print or save this session's aftercare sheet")
        buttons.addButton(self.aftercare_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.aftercare_button.setAutoDefault(False)
        self.aftercare_button.clicked.connect(self.aftercare_requested)
        self.edit_button = self._action_button(buttons, "&Edit draft…", "Edit draft…",
                                               "Open this draft in the session form to change or finish it",
                                               self.edit_draft)
        self.sign_button = self._action_button(buttons, "&Sign", "Sign",
                                               "Sign this draft: from then on it changes only by amendment", self.sign)
        self.override_button = self._action_button(
            buttons, "&Override stops…", "Override stops…",
            "As a physician or the owner, let this draft be signed over its stops, with your reason", self.override)
        self.countersign_button = self._action_button(buttons, "&Countersign", "Countersign",
                                                      "Countersign as the supervising physician", self.countersign)
        self.amend_button = self._action_button(buttons, "A&mend…", "Amend…",
                                                "Change a field or add a late complication, with a reason",
                                                self.amend)
        self.void_button = self._action_button(buttons, "&Void…", "Void…",
                                               "Mark the session void (it stays readable), with a reason", self.void)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        if db is not None:  # a stored session: another workstation may change it while it is open
            self.changed_banner = ChangedElsewhereBanner(lambda change: change.session_id == self.detail.id,
                                                         self._reload)
            layout.addWidget(self.changed_banner)
        layout.addWidget(self.body_scroll)
        layout.addWidget(buttons)
        self._show(detail)
        self._fit()

    def _action_button(self, box: QDialogButtonBox, text: str, name: str, tip: str,
                       slot: Callable[[], object]) -> QPushButton:
        button = box.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setAccessibleName(name)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        button.setVisible(False)
        return button

    def _show(self, detail: SessionDetail) -> None:
        """Fill the dialog from `detail` (again after each change)."""
        self.detail = detail
        self.setWindowTitle(f"Session — {detail.client_name}, {local(detail.started_at)}"
                            + (" — VOID" if detail.is_void else ""))
        self.heading.setText(f"{detail.client_name} — {local(detail.started_at)}" + ("  [VOID]" if detail.is_void
                                                                                     else ""))
        self.areas_table = self._areas_table(detail.areas)
        self.history_table = self._history_table(detail)
        self.amendments_table = self.history_table if detail.amendments else None

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self._form = form
        self._row("Status", self._status_text(detail))
        client = f"{detail.client_name} ({detail.client_ref})"
        if detail.client_date_of_birth:
            client += f", born {detail.client_date_of_birth.isoformat()}"
        self._row("Client", client)
        self._row("Date/time", local(detail.started_at))
        self._row("Practitioner", detail.practitioner_name)
        supervisor = detail.supervisor_name
        if supervisor and detail.supervisor_presence:
            supervisor += f" ({_words(detail.supervisor_presence)})"
        self._row("Supervisor", _value(supervisor))
        self._row("Device", self._device_text(detail))
        lot = NONE
        if detail.lot_number:
            lot = detail.lot_number + (f", expires {detail.lot_expires.isoformat()}" if detail.lot_expires else "")
        self._row("Cartridge lot", lot)
        self._row("Course", self._course_text(detail))
        self._row("Skin response", _value(detail.skin_response))
        form.addRow(self._label("Areas"), self.areas_table)
        self._row("Products", self._lines(
            [p.name + (f", {p.contact_minutes} min" if p.contact_minutes is not None else "")
             + (f" — {p.note}" if p.note else "") for p in detail.products]))
        self._row("Complications", self._lines([complication_text(c) for c in detail.complications],
                                               empty="None recorded"))
        self._row("Warnings", self._lines([self._went_ahead_text(w.level, w.message, w.reason, w.overridden_by)
                                           for w in detail.warnings], empty="None"))
        if detail.overrides:
            self._row("Overrides", self._lines([
                f"STOP: {o.message} — overridden by {o.overridden_by} on {local(o.overridden_at)}: “{o.reason}”"
                + ("" if o.version == detail.version else " (given on an earlier version of the draft: no longer "
                                                          "valid)") for o in detail.overrides]))
        self._row("Notes", _value(detail.notes))
        form.addRow(self._label("History"), self.history_table)

        body = QWidget()
        body.setLayout(form)
        if self._body is not None:
            self._content.removeWidget(self._body)
            self._body.setParent(None)  # gone from the dialog now (its labels are looked up by name)
            self._body.deleteLater()
        self._body = body
        self._content.insertWidget(0, body)
        self._update_actions()

    def add_section(self, section: QWidget) -> None:
        """Show `section` below the record, kept across reloads: the window adds what this package does not
        know, such as the session's photos."""
        self._content.insertWidget(self._content.count() - 1, section)  # above the closing stretch
        section.installEventFilter(self)  # it may fill in later (read in the background): the dialog grows then
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest and isinstance(watched, QWidget) \
                and watched.parentWidget() is self.body_scroll.widget():
            QTimer.singleShot(0, self, lambda: self._fit(grow_only=True))
        return super().eventFilter(watched, event)

    # --- actions ---------------------------------------------------------------------------------

    @staticmethod
    def _went_ahead_text(level: str, message: str, reason: str, overridden_by: str | None) -> str:
        if level == "stop":
            return f"STOP: {message} — overridden by {overridden_by}: “{reason}”"
        return f"{message} — reason given: “{reason}”"

    def _update_actions(self) -> None:
        d = self.detail
        if self._db is None or self._user is None:  # a view only (e.g. previews), no lifecycle actions
            return
        actor = self._actor()
        own = actor.role is UserRole.OWNER or actor.practitioner_id == d.practitioner_id
        is_physician = amendments.is_physician(self._db, actor.practitioner_id)
        physician_role = PractitionerRole.DERMATOLOGIST if is_physician else None
        self.override_button.setVisible(d.status == SessionStatus.DRAFT and not d.is_void
                                        and may_override_stops(actor.role, physician_role))
        signed = d.status == SessionStatus.SIGNED and not d.is_void
        self.sign_button.setVisible(d.status == SessionStatus.DRAFT and not d.is_void
                                    and actor.role in ALLOWED[Permission.SIGN_SESSIONS] and own)
        self.edit_button.setVisible(d.status == SessionStatus.DRAFT and not d.is_void
                                    and actor.role in ALLOWED[Permission.LOG_SESSIONS] and own)
        self.countersign_button.setVisible(d.awaiting_countersignature and actor.practitioner_id is not None
                                           and actor.practitioner_id == d.supervisor_id)
        may_change = signed and actor.role in ALLOWED[Permission.AMEND_SESSIONS] and amendments.may_amend(
            actor, d.practitioner_id, is_physician)
        self.amend_button.setVisible(may_change)
        self.void_button.setVisible(may_change)

    def _actor(self) -> Actor:
        """Who acts now (read at each action: a user switch takes effect at once)."""
        assert self._user is not None  # the actions show only with a user
        return self._user.actor

    def ask_reason(self, title: str, text: str, action: str) -> str | None:
        """A required reason from the user, or None if they cancel (tests replace this)."""
        from clinic_log.ui.sessions.amend_dialog import ReasonDialog

        dialog = ReasonDialog(title, text, action, self, db=self._db, owner=self._actor(),
                              form_key=f"reason:{title}:{self.detail.id}")
        return dialog.reason if dialog.exec() == QDialog.DialogCode.Accepted else None

    def tell(self, text: str) -> None:
        """Show a refusal or problem to the user (tests replace this)."""
        QMessageBox.warning(self, "Clinic Log", text)

    def _reload(self) -> None:
        assert self._db is not None
        self._show(get_session(self._db, self.detail.id))
        self.changed.emit(self.detail.id)

    def edit_draft(self) -> None:
        """Hand the draft to the session form (the window opens it) and close this view."""
        self.edit_requested.emit(self.detail)
        self.accept()

    def sign(self) -> None:
        """Sign the draft as shown; warnings need a reason and stops an override, each asked for here."""
        assert self._db is not None
        reason: str | None = None
        override: str | None = None
        while True:
            try:
                sessions.sign_session(self._db, self._actor(), self.detail.id, reason, override,
                                      version=self.detail.version)
            except sessions.StopsNeedOverride as exc:
                if not exc.may_override or override:
                    self.tell(f"This session cannot be signed: {exc}")
                    return
                override = self.ask_reason("Override the stop", f"{exc}.\n\nYour reason (at least "
                                           f"{OVERRIDE_MIN_WORDS} words) and your name are kept with the session.",
                                           "Override and sign")
                if override is None:
                    return
            except sessions.WarningsNeedReason as exc:
                if reason:
                    self.tell(f"This session cannot be signed: {exc}")
                    return
                reason = self.ask_reason("Sign with warnings", f"{exc}.\n\nThe reason is kept with the session.",
                                         "Sign")
                if reason is None:
                    return
            except DomainError as exc:
                self.tell(f"This session cannot be signed: {exc}")
                self._reload()
                return
            else:
                self._reload()
                return

    def override(self) -> None:
        """A physician or the owner lets this draft (as shown) be signed over its stops by its practitioner."""
        assert self._db is not None
        reason = self.ask_reason("Override stops", "Overriding a stop lets the practitioner sign this draft as it "
                                 "is now; if the draft changes, the stop needs overriding again. Your reason (at "
                                 f"least {OVERRIDE_MIN_WORDS} words) and your name are kept with the session.",
                                 "Override")
        if reason is None:
            return
        try:
            sessions.override_stops(self._db, self._actor(), self.detail.id, reason, version=self.detail.version)
        except DomainError as exc:
            self.tell(f"The stops cannot be overridden: {exc}")
        self._reload()

    def countersign(self) -> None:
        assert self._db is not None
        try:
            sessions.countersign_session(self._db, self._actor(), self.detail.id, version=self.detail.version)
        except DomainError as exc:
            self.tell(f"This session cannot be countersigned: {exc}")
        self._reload()

    def amend(self) -> QDialog:
        from clinic_log.ui.sessions.amend_dialog import AmendDialog

        assert self._db is not None and self._user is not None
        dialog = AmendDialog(self._db, self._user, self.detail, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._reload)
        dialog.open()
        return dialog

    def void(self) -> None:
        assert self._db is not None
        reason = self.ask_reason("Void session", "A voided session stays in the record, marked VOID, with who, "
                                 "when and why. Nothing is deleted.", "Void session")
        if reason is None:
            return
        try:
            amendments.void_session(self._db, self._actor(), self.detail.id, reason, version=self.detail.version)
        except DomainError as exc:
            self.tell(f"This session cannot be voided: {exc}")
        self._reload()

    # --- rows ------------------------------------------------------------------------------------

    def _label(self, text: str) -> QLabel:
        label = QLabel(f"{text}:")
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        # same text path as the selectable values beside it, so both sit on one baseline
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return label

    def _row(self, name: str, text: str) -> QLabel:
        value = QLabel(text)
        value.setObjectName(f"value:{name}")
        value.setWordWrap(True)
        value.setTextFormat(Qt.TextFormat.PlainText)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                      | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        value.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab reaches each value, so it can be read and copied
        value.setAccessibleName(name)
        value.setAccessibleDescription(text)
        label = self._label(name)
        label.setBuddy(value)
        self._form.addRow(label, value)
        return value

    def value_text(self, name: str) -> str:
        """The text shown for the row called `name` ("Client", "Notes", …)."""
        label = self.findChild(QLabel, f"value:{name}")
        if label is None:
            raise KeyError(name)
        return label.text()

    @staticmethod
    def _lines(items: Sequence[str], empty: str = NONE) -> str:
        return "\n".join(items) if items else empty

    @staticmethod
    def _device_text(detail: SessionDetail) -> str:
        if not detail.device_model:
            return NONE
        text = detail.device_model
        if detail.device_serial:
            text += f", serial {detail.device_serial}"
        if detail.modality:
            text += f" ({'RF' if detail.modality == 'rf' else detail.modality})"
        return text

    @staticmethod
    def _course_text(detail: SessionDetail) -> str:
        if detail.course_index is None:
            return NONE
        if detail.course_total is None:
            return f"session {detail.course_index}"
        return f"session {detail.course_index} of {detail.course_total}"

    @staticmethod
    def _status_text(detail: SessionDetail) -> str:
        if detail.is_void or detail.status != SessionStatus.SIGNED:
            return detail.status_text
        text = "Signed"
        if detail.signed_by:
            text += f" by {detail.signed_by}"
        if detail.signed_at:
            text += f" on {local(detail.signed_at)}"
        if detail.countersigned_by:
            text += f"; countersigned by {detail.countersigned_by}"
            if detail.countersigned_at:
                text += f" on {local(detail.countersigned_at)}"
        elif detail.awaiting_countersignature:
            text += f"\nAwaiting countersignature by {detail.supervisor_name}"
        return text

    # --- small tables ----------------------------------------------------------------------------

    def _table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = (),
               tooltips: dict[tuple[int, int], str] | None = None) -> QTableWidget:
        table = QTableWidget(len(rows), len(headers))
        table.setHorizontalHeaderLabels(list(headers))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(True)  # long text wraps within its capped column, and the row grows
        table.verticalHeader().setVisible(False)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c in right:
                    item.setTextAlignment(_RIGHT)
                item.setToolTip((tooltips or {}).get((r, c), text))
                table.setItem(r, c, item)
        header = table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        table.resizeColumnsToContents()
        for column in range(table.columnCount()):
            table.setColumnWidth(column, min(table.columnWidth(column) + 12, _WIDEST_CELL))  # long text: tooltip
            header_item = table.horizontalHeaderItem(column)
            if column in right and header_item is not None:
                header_item.setTextAlignment(_RIGHT)
        table.resizeRowsToContents()
        for r in range(table.rowCount()):
            table.setRowHeight(r, max(table.rowHeight(r) + 6, table.verticalHeader().defaultSectionSize()))
        width = sum(table.columnWidth(c) for c in range(table.columnCount())) + 2 * table.frameWidth()
        header.setStretchLastSection(True)
        table.setFixedWidth(width)  # as wide as its text: no scroll bar of its own (the dialog scrolls instead)
        height = header.sizeHint().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(r) for r in range(table.rowCount()))
        if not rows:
            height += table.verticalHeader().defaultSectionSize()
        table.setFixedHeight(height)
        return table

    def _areas_table(self, areas: Sequence[AreaView]) -> QTableWidget:
        rf = any(a.rf_energy is not None for a in areas)
        headers = ["Area", "Depth", "Passes", "Technique", "Endpoint"] + (["RF energy"] if rf else [])
        rows = [[a.label, _depth(a.depth_mm), str(a.passes), _words(a.technique) or NONE, a.endpoint or NONE]
                + ([f"{a.rf_energy:g}" if a.rf_energy is not None else NONE] if rf else []) for a in areas]
        table = self._table(headers, rows, right=(1, 2, 5))
        table.setObjectName("areasTable")
        table.setAccessibleName("Areas")
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        return table

    def _history_table(self, detail: SessionDetail) -> QTableWidget:
        """Each version of the record: created, signed, countersigned, every amendment and a void, oldest first."""
        events: list[tuple[datetime, list[str]]] = []
        if detail.created_at is not None:
            events.append((detail.created_at, [local(detail.created_at), detail.created_by or NONE, "created",
                                               "draft", ""]))
        if detail.signed_at is not None:
            events.append((detail.signed_at, [local(detail.signed_at), detail.signed_by or NONE, "signed",
                                              "draft → signed", ""]))
        overrides = {(o.overridden_at, o.overridden_by, o.reason): o for o in detail.overrides}  # one per act
        for (at, by, reason), o in overrides.items():
            events.append((at, [local(at), by, "stop overridden", f"draft version {o.version}", reason]))
        if detail.countersigned_at is not None:
            events.append((detail.countersigned_at, [local(detail.countersigned_at), detail.countersigned_by or NONE,
                                                     "countersigned", "", ""]))
        for a in detail.amendments:
            if a.field == "status" and a.new_value == "void":
                continue  # shown once, as the void itself below
            events.append((a.amended_at, [local(a.amended_at), a.amended_by, self._field_name(a),
                                          f"{_value(a.old_value)} → {_value(a.new_value)}", a.reason]))
        if detail.voided_at is not None:
            events.append((detail.voided_at, [local(detail.voided_at), detail.voided_by or NONE, "VOID",
                                              "signed → void", detail.void_reason or ""]))
        events.sort(key=lambda e: e[0])
        rows = [cells for _, cells in events]
        table = self._table(["When", "Who", "What", "Old → new", "Why"], rows)
        table.setObjectName("historyTable")
        table.setAccessibleName("History")
        return table

    def history_rows(self) -> list[list[str]]:
        """The History panel's cells, row by row (what a user reads there)."""
        table = self.history_table
        rows = []
        for r in range(table.rowCount()):
            cells = []
            for c in range(table.columnCount()):
                item = table.item(r, c)
                cells.append(item.text() if item is not None else "")
            rows.append(cells)
        return rows

    @staticmethod
    def _field_name(a: AmendmentView) -> str:
        field = _words(a.field)
        if a.table_name == "sessions":
            return field
        return f"{_words(a.table_name).rstrip('s')} {a.row_id}: {field}"

    def _fit(self, grow_only: bool = False) -> None:
        """Open large enough to show everything without scrolling, within the screen (`grow_only`: never smaller
        than now, as when a section below the record has filled in)."""
        content = self.body_scroll.widget()
        if content is None:
            return
        hint = content.sizeHint()
        width = max(720, hint.width() + 40)
        height = hint.height() + 80
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            width = min(width, int(screen.width() * 0.9))
            height = min(height, int(screen.height() * 0.9))
        if grow_only:
            width, height = max(width, self.width()), max(height, self.height())
        self.resize(width, height)
