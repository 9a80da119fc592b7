"""The filter bar above the session list: client, practitioner, device, area, complication and grade, status,
Today or a date range (local days), notes → a `SessionFilter`."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, datetime, tzinfo

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from clinic_log.domain.enums import SessionStatus
from clinic_log.services.sessions.session_filter import (
    SIGNED_OVER_ANY,
    SIGNED_OVER_STOP,
    Choice,
    FilterChoices,
    SessionFilter,
)
from clinic_log.services.sessions.startup_queries import NamedPractitioner
from clinic_log.ui.common.date_typing import type_dates_whole
from clinic_log.ui.common.suggestions import Suggestions

TEXT_DEBOUNCE_MS = 250
SUGGEST_FROM_CHARS = 2  # one letter would suggest half the clinic
ALL_PRACTITIONERS = "All practitioners"
ALL_STATUSES = "All"
# The status list's entries for sessions signed over a stop or any warning (status signed, see SessionFilter).
SIGNED_OVER = {SIGNED_OVER_STOP: "signed_over_stop", SIGNED_OVER_ANY: "signed_over_any"}
SIGNED_OVER_OF = {entry: kind for kind, entry in SIGNED_OVER.items()}
ALL_DEVICES = "All devices"
ALL_AREAS = "All areas"
ANY_COMPLICATION = "Any or none"
COMBO_CHARS = 13
GRADES = ((1, "mild"), (2, "moderate"), (3, "severe"), (4, "life-threatening"), (5, "death"))


class OptionalDateEdit(QDateEdit):
    """A date that may be left out: its lowest value reads "any".

    Arrow keys and the calendar start from today when no date is set; Delete or Backspace on the whole
    text sets it back to "any".
    """

    UNSET = QDate(1900, 1, 1)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setCalendarPopup(True)
        self.setKeyboardTracking(False)  # a typed date applies when complete (Enter or leaving the field)
        self.setMinimumDate(self.UNSET)
        self.setSpecialValueText("any")
        self.setDate(self.UNSET)
        self.calendarWidget().installEventFilter(self)
        type_dates_whole(self)

    def value(self) -> date | None:
        chosen = self.date()
        return None if chosen == self.UNSET else date(chosen.year(), chosen.month(), chosen.day())

    def set_value(self, value: date | None) -> None:
        self.setDate(self.UNSET if value is None else QDate(value.year, value.month, value.day))

    def stepBy(self, steps: int) -> None:
        if self.value() is None and steps > 0:
            self.setDate(QDate.currentDate())
        else:
            super().stepBy(steps)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        whole = self.lineEdit().selectedText() == self.lineEdit().text()
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and (whole or self.value() is None):
            self.set_value(None)
            self.selectAll()
            return
        if self.value() is None and event.text().isdigit():  # typing a date over "any"
            self.blockSignals(True)  # the filter changes once the typed date is whole, not to today first
            self.setDate(QDate.currentDate())
            self.blockSignals(False)
            self.setSelectedSection(QDateTimeEdit.Section.YearSection)
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        calendar = self.calendarWidget()
        if watched is calendar and event.type() == QEvent.Type.Show and self.value() is None:
            today = QDate.currentDate()
            calendar.setCurrentPage(today.year(), today.month())
        return super().eventFilter(watched, event)


class HistoryFilterBar(QWidget):
    """Inputs that narrow the session list, in two rows (who/what, then when/how); emits `filter_changed` with
    the new `SessionFilter`. Dates are local days of `zone` (None: this computer's zone)."""

    filter_changed = Signal(object)  # SessionFilter

    def __init__(self, practitioners: Sequence[NamedPractitioner] = (), parent: QWidget | None = None, *,
                 choices: FilterChoices | None = None, zone: tzinfo | None = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.client_edit = QLineEdit()
        self.client_edit.setPlaceholderText("name or reference")
        self.client_edit.setClearButtonEnabled(True)
        self.client_edit.setToolTip("Only these clients' sessions: part of a name or reference, any case, accents "
                                    "or not; a whole reference means that client only. Down opens the suggestions")
        self.client_edit.setMinimumWidth(self.client_edit.fontMetrics().horizontalAdvance("name or reference") + 30)
        self.client_edit.setMaximumWidth(180)
        self.client_suggestions = Suggestions(self.client_edit, "Client suggestions", SUGGEST_FROM_CHARS)
        self.client_typed = self.client_suggestions.typed  # look the typed text up and `show` the matches

        self.practitioner_combo = QComboBox()
        self.practitioner_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.set_practitioners(practitioners)
        if choices is not None and not practitioners:  # the page passes the one read of every list
            self._refill(self.practitioner_combo, ALL_PRACTITIONERS, choices.practitioners)
        self.device_combo = self._combo(ALL_DEVICES, choices.devices if choices else ())
        self.area_combo = self._combo(ALL_AREAS, choices.areas if choices else ())
        self.complication_combo = self._combo(ANY_COMPLICATION, choices.complications if choices else ())
        self.grade_combo = self._combo("any", [Choice(g, f"≥ {g} ({meaning})") for g, meaning in GRADES], 10)
        self.grade_combo.setToolTip("Sessions with a complication of at least this CTCAE grade")

        self.status_combo = QComboBox()
        self.status_combo.addItem(ALL_STATUSES, None)
        self.status_combo.addItem("Draft", SessionStatus.DRAFT.value)
        self.status_combo.addItem("Signed", SessionStatus.SIGNED.value)
        self.status_combo.addItem("Signed over a stop", SIGNED_OVER[SIGNED_OVER_STOP])
        self.status_combo.addItem("Signed over a warning or stop", SIGNED_OVER[SIGNED_OVER_ANY])
        self.status_combo.setToolTip("Drafts, signed sessions, or sessions signed over a stop (overridden by a "
                                     "physician or the owner) or a warning (with a reason)")

        self.today_button = QPushButton("To&day")
        self.today_button.setCheckable(True)
        self.today_button.setAccessibleName("Today")
        self.today_button.setToolTip("Only today's sessions, e.g. to print aftercare sheets (Alt+D)")

        self.from_edit = OptionalDateEdit()
        self.from_edit.setToolTip("Sessions on or after this day; Delete sets it back to any")
        self.to_edit = OptionalDateEdit()
        self.to_edit.setToolTip("Sessions on or before this day; Delete sets it back to any")

        self.notes_edit = QLineEdit()
        self.notes_edit.setPlaceholderText("words in the session notes (Ctrl+F)")
        self.notes_edit.setClearButtonEnabled(True)
        self.notes_edit.setMinimumWidth(160)
        self.notes_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setAccessibleName("Clear filters")
        self.clear_button.setToolTip("Show every session again")
        self.clear_button.clicked.connect(self.clear)

        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(4)
        first, second = QHBoxLayout(), QHBoxLayout()
        rows.addLayout(first)
        rows.addLayout(second)
        for layout, items in (
            (first, (("C&lient", self.client_edit), ("&Practitioner", self.practitioner_combo),
                     ("D&evice", self.device_combo), ("&Area", self.area_combo),
                     ("Complicat&ion", self.complication_combo), ("&Grade", self.grade_combo))),
            (second, (("Stat&us", self.status_combo), ("Fro&m", self.from_edit), ("T&o", self.to_edit),
                      ("&Notes contain", self.notes_edit))),
        ):
            for text, widget in items:
                if widget is self.from_edit:
                    layout.addWidget(self.today_button)
                    layout.addSpacing(6)
                label = QLabel(text)
                label.setBuddy(widget)
                widget.setAccessibleName(label.text().replace("&", ""))
                layout.addWidget(label)
                layout.addWidget(widget)
                layout.addSpacing(6)
        first.addStretch(1)
        second.addWidget(self.clear_button)
        order = [self.client_edit, self.practitioner_combo, self.device_combo, self.area_combo,
                 self.complication_combo, self.grade_combo, self.status_combo, self.today_button, self.from_edit,
                 self.to_edit, self.notes_edit, self.clear_button]
        for before, after in itertools.pairwise(order):
            self.setTabOrder(before, after)

        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_DEBOUNCE_MS)
        self._text_timer.timeout.connect(self._apply)
        self._last = self.current_filter()

        for combo in self._combos():
            combo.currentIndexChanged.connect(self._apply)
        self.today_button.toggled.connect(self.show_today)
        self.from_edit.dateChanged.connect(self._apply)
        self.to_edit.dateChanged.connect(self._apply)
        for edit in (self.notes_edit, self.client_edit):
            edit.textChanged.connect(self._restart_text_timer)
            edit.returnPressed.connect(self._apply)

    @staticmethod
    def _combo(everything: str, choices: Sequence[Choice], chars: int = COMBO_CHARS) -> QComboBox:
        """A list sized for `chars` characters (long labels elide; the open list shows them whole), so six
        lists fit in a row at 1366 px."""
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(chars)
        combo.addItem(everything, None)
        for choice in choices:
            combo.addItem(choice.label, choice.value)
        combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
        return combo

    def _combos(self) -> tuple[QComboBox, ...]:
        return (self.practitioner_combo, self.device_combo, self.area_combo, self.complication_combo,
                self.grade_combo, self.status_combo)

    def inputs(self) -> list[QWidget]:
        """The labelled filter inputs, in tab order (the Today button sits between Status and From)."""
        return [self.client_edit, self.practitioner_combo, self.device_combo, self.area_combo,
                self.complication_combo, self.grade_combo, self.status_combo, self.from_edit, self.to_edit,
                self.notes_edit]

    def set_practitioners(self, practitioners: Sequence[NamedPractitioner]) -> None:
        """Fill the practitioner list, keeping the chosen practitioner when they are still listed."""
        self._refill(self.practitioner_combo, ALL_PRACTITIONERS, [Choice(p.id, p.full_name) for p in practitioners])

    def set_choices(self, choices: FilterChoices) -> None:
        """Fill the practitioner, device, area and complication lists again (someone added, a device registered or
        retired meanwhile), each keeping its choice while it is still listed."""
        for combo, everything, listed in ((self.practitioner_combo, ALL_PRACTITIONERS, choices.practitioners),
                                          (self.device_combo, ALL_DEVICES, choices.devices),
                                          (self.area_combo, ALL_AREAS, choices.areas),
                                          (self.complication_combo, ANY_COMPLICATION, choices.complications)):
            self._refill(combo, everything, listed)

    def _refill(self, combo: QComboBox, everything: str, choices: Sequence[Choice]) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        try:
            combo.clear()
            combo.addItem(everything, None)
            for choice in choices:
                combo.addItem(choice.label, choice.value)
            index = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(index, 0))
        finally:
            combo.blockSignals(False)
        if chosen is not None and combo.currentData() != chosen:
            self._apply()  # what was chosen is gone: the list shows every session of that kind again

    def current_filter(self) -> SessionFilter:
        chosen = self.status_combo.currentData()
        status = SessionStatus.SIGNED.value if chosen in SIGNED_OVER_OF else chosen
        text = self.notes_edit.text().strip()
        client = self.client_edit.text().strip()
        return SessionFilter(
            client=client or None, practitioner_id=self.practitioner_combo.currentData(),
            device_id=self.device_combo.currentData(), area_code=self.area_combo.currentData(),
            complication_code=self.complication_combo.currentData(), min_grade=self.grade_combo.currentData(),
            status=status, signed_over=SIGNED_OVER_OF.get(chosen), text=text or None,
        ).with_days(self.from_edit.value(), self.to_edit.value(), self.zone)

    def today(self) -> date:
        """Today in the bar's zone."""
        return datetime.now(self.zone).date() if self.zone is not None else date.today()

    def show_today(self, today_only: bool = True) -> None:
        """Only sessions of today (From = To = today), or back to any date; one filter change either way."""
        day = self.today() if today_only else None
        for widget in (self.from_edit, self.to_edit):
            widget.blockSignals(True)
        try:
            self.from_edit.set_value(day)
            self.to_edit.set_value(day)
        finally:
            for widget in (self.from_edit, self.to_edit):
                widget.blockSignals(False)
        self._apply()

    def focus_notes(self) -> None:
        self.notes_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.notes_edit.selectAll()

    def clear(self) -> None:
        """Back to every session (one filter change, not one per input)."""
        widgets: tuple[QWidget, ...] = (*self._combos(), self.from_edit, self.to_edit, self.notes_edit,
                                        self.client_edit, self.today_button)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            for combo in self._combos():
                combo.setCurrentIndex(0)
            self.from_edit.set_value(None)
            self.to_edit.set_value(None)
            self.notes_edit.clear()
            self.client_edit.clear()
            self.today_button.setChecked(False)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self._apply()

    def _restart_text_timer(self, _text: str) -> None:
        self._text_timer.start()

    def _apply(self) -> None:
        self._text_timer.stop()
        flt = self.current_filter()
        today = self.today()
        self.today_button.blockSignals(True)  # checked exactly when the dates say "today", however they were set
        self.today_button.setChecked(self.from_edit.value() == today and self.to_edit.value() == today)
        self.today_button.blockSignals(False)
        if flt != self._last:
            self._last = flt
            self.filter_changed.emit(flt)
