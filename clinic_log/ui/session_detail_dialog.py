"""Read-only view of one treatment session (a `SessionDetail` from the services; the dialog runs no queries)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_log.domain.enums import CTCAE_GRADES, SessionStatus
from clinic_log.services.session_views import AmendmentView, AreaView, ComplicationView, SessionDetail

NONE = "—"
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_WIDEST_CELL = 320  # px; wider text wraps (and is whole in the tooltip)


def local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _day(value: date | None) -> str:
    return value.isoformat() if value else NONE


def _depth(mm: float) -> str:
    return f"{mm:.2f} mm"


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

    def __init__(self, detail: SessionDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail = detail
        self.setWindowTitle(f"Session — {detail.client_name}, {local(detail.started_at)}")
        self.setObjectName("sessionDetailDialog")
        self.areas_table = self._areas_table(detail.areas)
        self.amendments_table = self._amendments_table(detail.amendments) if detail.amendments else None

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self._form = form
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
        self._row("Warnings", self._lines([f"{w.message} — reason given: “{w.reason}”" for w in detail.warnings],
                                          empty="None"))
        self._row("Notes", _value(detail.notes))
        self._row("Status", self._status_text(detail))
        if self.amendments_table is not None:
            form.addRow(self._label("Amendments"), self.amendments_table)
        else:
            self._row("Amendments", "None")

        body = QWidget()
        body.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)

        heading = QLabel(f"{detail.client_name} — {local(detail.started_at)}")
        heading.setObjectName("heading")
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        heading.setFont(font)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(close.text().replace("&", ""))
        keys = QKeySequence(QKeySequence.StandardKey.Print)
        self.aftercare_button = buttons.addButton("Aftercare…", QDialogButtonBox.ButtonRole.ActionRole)
        self.aftercare_button.setAccessibleName("Aftercare…")
        self.aftercare_button.setShortcut(keys)
        self.aftercare_button.setToolTip("Preview, print or save this session's aftercare sheet "
                                         f"({keys.toString(QKeySequence.SequenceFormat.NativeText)})")
        self.aftercare_button.setAutoDefault(False)
        self.aftercare_button.clicked.connect(self.aftercare_requested)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        self._fit(body)

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
        if detail.status != SessionStatus.SIGNED:
            return "Draft (not signed)"
        text = "Signed"
        if detail.signed_by:
            text += f" by {detail.signed_by}"
        if detail.signed_at:
            text += f" on {local(detail.signed_at)}"
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

    def _amendments_table(self, amendments: Sequence[AmendmentView]) -> QTableWidget:
        changes = [f"{_value(a.old_value)} → {_value(a.new_value)}" for a in amendments]
        rows = [[local(a.amended_at), a.amended_by, self._field_name(a), change, a.reason]
                for a, change in zip(amendments, changes, strict=True)]
        tips = {(r, 4): a.reason for r, a in enumerate(amendments)}
        tips.update({(r, 3): change for r, change in enumerate(changes)})
        table = self._table(["When", "Who", "Field", "Old → new", "Why"], rows, tooltips=tips)
        table.setObjectName("amendmentsTable")
        table.setAccessibleName("Amendments")
        return table

    @staticmethod
    def _field_name(a: AmendmentView) -> str:
        field = _words(a.field)
        if a.table_name == "sessions":
            return field
        return f"{_words(a.table_name).rstrip('s')} {a.row_id}: {field}"

    def _fit(self, body: QWidget) -> None:
        """Open large enough to show everything without scrolling, within the screen."""
        hint = body.sizeHint()
        width = max(720, hint.width() + 40)
        height = hint.height() + 80
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            width = min(width, int(screen.width() * 0.9))
            height = min(height, int(screen.height() * 0.9))
        self.resize(width, height)
