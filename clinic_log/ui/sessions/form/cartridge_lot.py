"""The session form's cartridge lot: the number typed or scanned, its expiry and a status line saying what the record
knows of it. Enter looks the lot up: a known lot shows its stored expiry (not editable, so it never differs), a new
lot asks for its expiry, an empty box records no lot. The three widgets are laid out by the form.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from clinic_log.domain.errors import DomainError
from clinic_log.services.sessions.session_form_data import LotView
from clinic_log.ui.common.date_field import DateField

RED = "color: #b00020; font-weight: bold;"


class CartridgeLot(QObject):
    """`find(number)` looks a lot up on record; `session_start()` is the session's start as typed (None: unreadable)."""

    def __init__(self, find: Callable[[str], LotView | None], session_start: Callable[[], datetime | None],
                 parent: QWidget) -> None:
        super().__init__(parent)
        self._find, self._session_start = find, session_start
        self.known: bool | None = None  # the typed lot is on record (None: not looked up since typed)
        self.number = QLineEdit()
        self.number.setPlaceholderText("type or scan, Enter")
        self.number.setToolTip("Type or scan the cartridge lot number and press Enter to look up its expiry")
        self.expires = DateField("Lot expiry", "the expiry printed on the cartridge, such as 2027-03-31",
                                 required=False, placeholder="yyyy-mm-dd, not set",
                                 hint="The cartridge lot's expiry, typed as yyyy-mm-dd or d.m.yyyy; empty: not "
                                      "set. Up/Down change the day; Alt+Down: calendar")
        self.status = QLabel()
        self.status.setAccessibleName("Lot status")
        self.number.textEdited.connect(self.typed)
        self.number.returnPressed.connect(self._entered)
        self.number.editingFinished.connect(self.look_up)
        self.expires.changed.connect(self.show_status)

    def typed(self) -> None:
        """A lot number being typed: the expiry shown belonged to the lot before, so it goes until looked up."""
        self.known = None
        self.expires.setEnabled(True)
        self.expires.set_value(None)
        self.show_status()

    def _entered(self) -> None:
        self.look_up()
        if self.known is False or (self.known and not self.expires.text().strip()):
            self.expires.setFocus()  # a lot without a recorded expiry: type it next

    def look_up(self) -> None:
        """Show the lot as the record knows it: a known lot's stored expiry (not editable here), or a new lot whose
        expiry is to be entered; an empty box records no lot."""
        number = self.number.text().strip()
        if not number:
            self.known = None
            self.expires.set_value(None)
            self.expires.setEnabled(False)
            self.show_status()
            return
        try:
            lot = self._find(number)
        except DomainError as exc:
            self.status.setText(f"cannot look up the lot: {exc}")
            return
        if lot is None:
            self.known = False
            self.expires.setEnabled(True)
            self.show_status()
            return
        self.show_known(lot.expires_on)

    def show_known(self, expires: date | None) -> None:
        """A lot on record: its stored expiry, which the form shows and never lets differ."""
        self.known = True
        self.expires.set_value(expires)
        self.expires.setEnabled(expires is None)
        self.show_status()

    def show_status(self) -> None:
        number = self.number.text().strip()
        expires = self.expires.value()
        started = self._session_start()
        if not number:
            text, style = "no lot recorded", "color: palette(mid);"
            self.expires.setEnabled(False)
        elif self.known is None:
            text, style = "press Enter to look up the lot", ""
        elif not self.expires.text().strip():
            text = "new lot: enter its expiry" if self.known is False else "expiry not recorded: enter it"
            style = RED
        elif expires is None:
            text, style = "expiry cannot be read: see Checks", RED
        elif started is not None and expires < started.date():
            text, style = "EXPIRED", RED
        else:
            text = f"expires {expires.isoformat()}" + ("" if self.known else " (new lot)")
            style = ""
        self.status.setText(text)
        self.status.setStyleSheet(style)
