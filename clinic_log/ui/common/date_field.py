"""Exact date inputs: the text typed is kept as typed, never moved to a nearby date, clamped or ignored.

Only digits, "-", ".", ":" and spaces can be typed; the text is read with the shared parser
(clinic_log.domain.dates), so "2027-02-30" stays on screen, is marked with a red border and the reason as tooltip,
and `problem()` gives the reason to the form, which shows it and refuses to save. Up/Down move a readable date by
one day (a DateTimeField's time by five minutes when the cursor is in the time), written as ISO text; the small
button at the right end (or Alt+Down, F4) opens a calendar for choosing the date with the mouse.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from PySide6.QtCore import QDate, QRegularExpression, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QCalendarWidget, QMenu, QStyle, QToolButton, QWidget, QWidgetAction

from clinic_log.domain.dates import day_text, moment_text, parse_day, parse_moment
from clinic_log.domain.errors import InvalidValue
from clinic_log.ui.common.typed_field import TypedField

_TYPABLE = QRegularExpression(r"[0-9.:\- ]*")  # the parser refuses "2027-02-30" or "9:75" with its reason
_STEP_KEYS = {Qt.Key.Key_Up: 1, Qt.Key.Key_Down: -1}
_PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
TIME_STEP = timedelta(minutes=5)
# What older versions of the form stored (QDateTime's ISO text): read once when restored, then shown as typed text.
_OLD_ISO_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
                             r"(?:Z|[+-][0-9]{2}:[0-9]{2})?")

Day = TypeVar("Day", bound=date)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class _TypedDate(TypedField[Day]):
    """What DateField and DateTimeField share: the text kept as typed, the problem shown, the calendar button.

    `field` names the field in messages ("Lot expiry"), `what` says what is allowed ("a date such as 2027-03-31");
    an empty optional field has no value and no problem. Emits `changed` whenever the text changes (typed or set).
    """

    changed = Signal()
    SAMPLE = "0000-00-00"  # the widest text expected, for the size hint

    def __init__(self, field: str, what: str, *, required: bool = True, placeholder: str = "", hint: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(field, what, _TYPABLE, required=required, hint=hint, parent=parent)
        self.setAccessibleName(field)  # the field's visible label; a form may name it again
        if placeholder:
            self.setPlaceholderText(placeholder)

        self.calendar_button = QToolButton(self)
        self.calendar_button.setArrowType(Qt.ArrowType.DownArrow)
        self.calendar_button.setAutoRaise(True)
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the next field; Alt+Down opens it
        self.calendar_button.setCursor(Qt.CursorShape.ArrowCursor)
        self.calendar_button.setAccessibleName(f"{field} calendar")
        self.calendar_button.setToolTip("Choose the date from a calendar (Alt+Down)")
        self.calendar_button.clicked.connect(self.open_calendar)
        self._calendar: QCalendarWidget | None = None  # built when first opened: a form opens without its cost
        self._calendar_menu: QMenu | None = None
        self._button_width = self.fontMetrics().height() + 8
        self.setTextMargins(0, 0, self._button_width, 0)

        self.textChanged.connect(self.changed)
        self._show_problem()

    # --- reading (each kind of field says how) ---------------------------------------------------

    def _write(self, value: Day) -> str:
        raise NotImplementedError

    def set_value(self, value: Day | None) -> None:
        """Show `value` written as ISO text (2027-03-31), or nothing (not set) for None."""
        self.setText("" if value is None else self._write(value))

    def restore(self, saved: object) -> None:
        """Put back a saved form state's text; None (an optional field saved as not set) empties an optional field;
        anything else leaves the field as it is."""
        if isinstance(saved, str):
            self.setText(saved)
        elif saved is None and not self.required:
            self.clear()

    # --- the calendar ----------------------------------------------------------------------------

    def _day_shown(self) -> date | None:
        """The day the text names, if it can be read, for opening the calendar there."""
        return self.value()

    def _set_day(self, day: date) -> None:
        raise NotImplementedError

    def _popup(self) -> tuple[QMenu, QCalendarWidget]:
        """The popup and its calendar, built on first use."""
        if self._calendar_menu is None or self._calendar is None:
            calendar = QCalendarWidget()
            calendar.setAccessibleName(f"{self.field} calendar")
            calendar.clicked.connect(self._picked)
            calendar.activated.connect(self._picked)  # Enter on a day, for the keyboard
            menu = QMenu(self)
            holder = QWidgetAction(menu)
            holder.setDefaultWidget(calendar)
            menu.addAction(holder)
            self._calendar_menu, self._calendar = menu, calendar
        return self._calendar_menu, self._calendar

    @property
    def calendar_menu(self) -> QMenu:
        """The popup holding the calendar."""
        return self._popup()[0]

    @property
    def calendar(self) -> QCalendarWidget:
        """The calendar the button opens."""
        return self._popup()[1]

    def open_calendar(self) -> None:
        """Show the calendar below the field, at the date typed (today when none can be read)."""
        if not self.isEnabled() or self.isReadOnly():
            return
        menu, calendar = self._popup()
        calendar.setSelectedDate(_qdate(self._day_shown() or date.today()))
        menu.popup(self.mapToGlobal(self.rect().bottomLeft()))
        calendar.setFocus()

    def _picked(self, picked: QDate) -> None:
        self.calendar_menu.hide()
        self._set_day(date(picked.year(), picked.month(), picked.day()))
        self.setFocus()

    # --- keys ----------------------------------------------------------------------------------

    def step_by(self, steps: int) -> None:
        raise NotImplementedError

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        modifiers = event.modifiers()
        if key == Qt.Key.Key_F4 or (key == Qt.Key.Key_Down and modifiers & Qt.KeyboardModifier.AltModifier):
            self.open_calendar()
            event.accept()
            return
        if modifiers in _PLAIN and key in _STEP_KEYS:
            if not self.isReadOnly():
                self.step_by(_STEP_KEYS[key])
            event.accept()
            return
        super().keyPressEvent(event)

    # --- showing --------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        """Room for the widest date text (or the placeholder) and the calendar button, not a line of text."""
        hint = super().sizeHint()
        margins = self.textMargins()
        widest = max(self.fontMetrics().horizontalAdvance(text) for text in (self.SAMPLE, self.placeholderText()))
        width = widest + margins.left() + margins.right() + 20
        return QSize(width, hint.height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        frame = self.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, self)
        self.calendar_button.setGeometry(self.width() - frame - self._button_width, frame, self._button_width,
                                         self.height() - 2 * frame)



class DateField(_TypedDate[date]):
    """A date typed as text: yyyy-mm-dd (2027-2-8 too) or d.m.yyyy. Up/Down move a readable date by one day."""

    def __init__(self, field: str, what: str = "a date such as 2027-03-31", *, required: bool = True,
                 placeholder: str = "yyyy-mm-dd", hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(field, what, required=required, placeholder=placeholder, hint=hint, parent=parent)

    def _read(self, text: str) -> date:
        return parse_day(text, self.field, self.what)

    def _write(self, value: date) -> str:
        return day_text(value)

    def _set_day(self, day: date) -> None:
        self.set_value(day)

    def step_by(self, steps: int) -> None:
        """Up/Down: the next or previous day, written as ISO text; text that cannot be read is left as it is."""
        day = self.value()
        if day is None:
            return
        try:
            self.set_value(day + timedelta(days=steps))
        except OverflowError:  # before 0001-01-01 or after 9999-12-31: nothing to move to
            return


class DateTimeField(_TypedDate[datetime]):
    """A date and time typed as text: yyyy-mm-dd HH:MM (H:MM too), a naive local wall-clock time. Up/Down move a
    readable value by five minutes (to the next multiple of five) when the cursor is in the time, else by a day."""

    SAMPLE = "0000-00-00 00:00"

    def __init__(self, field: str, what: str = "a date and time such as 2027-03-31 09:30", *, required: bool = True,
                 placeholder: str = "yyyy-mm-dd HH:MM", hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(field, what, required=required, placeholder=placeholder, hint=hint, parent=parent)

    def _read(self, text: str) -> datetime:
        return parse_moment(text, self.field, self.what)

    def _write(self, value: datetime) -> str:
        return moment_text(value)

    def restore(self, saved: object) -> None:
        """As for any date field, and the ISO text older versions of the form stored ("2026-12-03T18:58:00") is
        shown as the form writes it now ("2026-12-03 18:58"); seconds that were stored are shown, never cut."""
        if isinstance(saved, str) and _OLD_ISO_MOMENT.fullmatch(saved.strip()):
            try:
                moment = datetime.fromisoformat(saved.strip())
            except ValueError:  # "2026-02-30T10:00": shown as it is, and refused with its reason
                pass
            else:
                if moment.tzinfo is not None:
                    moment = moment.astimezone().replace(tzinfo=None)
                self.set_value(moment)
                return
        super().restore(saved)

    def _date_part_end(self) -> int:
        """Where the date part of the text ends (the first space after it), or -1 when there is no time part."""
        text = self.text()
        start = len(text) - len(text.lstrip())
        return text.find(" ", start)

    def _day_shown(self) -> date | None:
        moment = self.value()
        if moment is not None:
            return moment.date()
        try:
            return parse_day(self.text().split()[0], self.field, self.what) if self.text().split() else None
        except InvalidValue:
            return None

    def _set_day(self, day: date) -> None:
        """The calendar chose `day`: it replaces the date part; the time part stays exactly as typed."""
        parts = self.text().split(maxsplit=1)
        self.setText(day_text(day) + (f" {parts[1]}" if len(parts) == 2 else ""))

    def step_by(self, steps: int) -> None:
        """Up/Down: five minutes on the time part when the cursor is in it, else a day; written as ISO text and the
        cursor kept in the same part. Text that cannot be read is left as it is."""
        moment = self.value()
        if moment is None:
            return
        end = self._date_part_end()
        in_time = end >= 0 and self.cursorPosition() > end
        try:
            moved = _step_time(moment, steps) if in_time else moment + timedelta(days=steps)
        except OverflowError:
            return
        self.set_value(moved)
        self.setCursorPosition(len(self.text()) if in_time else self._date_part_end())


def _step_time(moment: datetime, steps: int) -> datetime:
    """`moment` moved `steps` points of the five-minute grid (a time between two points first moves to the
    neighbour in that direction: 09:32 goes up to 09:35 and down to 09:30)."""
    step = int(TIME_STEP.total_seconds())
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    behind = seconds // step * step if steps > 0 else -(-seconds // step) * step
    midnight = datetime.combine(moment.date(), time())
    return midnight + timedelta(seconds=behind + steps * step)
