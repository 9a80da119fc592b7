"""Clinical dates as typed: ISO (2027-03-31, also 2027-3-1) or day first with dots (31.3.2027), a time as 09:30;
nothing corrected, anything else refused with the reason ("2027-02-30 is not a date (February 2027 has 28 days)").

One parser for every place a date is typed (the session form, the amend dialog), so a date that does not exist is
never moved to one that does and a month 13 is never read as January.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time

from clinic_log.domain.errors import InvalidValue

# ASCII digits only (`\d` would take Arabic-Indic digits too); at most two digits for a month or day and exactly
# four for a year, so a pasted essay or "20270-1-1" is refused by the shape before any number is read.
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DOTTED = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
_SHORT_YEAR = re.compile(r"[0-9]{1,2}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,3}")
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")
_TIME_SHAPE = re.compile(r"[0-9]+:[0-9]+(?::[0-9]+)?")
SHAPES = "written yyyy-mm-dd or d.m.yyyy"
TIME_SHAPE = "the time written HH:MM"
MAX_CHARS = 40  # longer than any date and time; refuses a pasted essay before the patterns see it


def _refuse(text: str, field: str, reason: str, what: str) -> InvalidValue:
    return InvalidValue(field, text, f"{reason}; enter {what}" if reason else f"enter {what}")


def _day(text: str, typed: str, field: str, what: str) -> date:
    """The date in `typed` (already stripped), or InvalidValue for `text` (what the user typed) naming `field`."""
    if not typed:
        raise _refuse(text, field, "", what)
    if iso := _ISO.fullmatch(typed):
        year, month, day = (int(part) for part in iso.groups())
    elif dotted := _DOTTED.fullmatch(typed):
        day, month, year = (int(part) for part in dotted.groups())
    elif _SHORT_YEAR.fullmatch(typed):
        raise _refuse(text, field, "write the year with all four digits", f"{what}, {SHAPES}")
    else:
        raise _refuse(text, field, f"{typed} is not a date", f"{what}, {SHAPES}")
    if year < 1:
        raise _refuse(text, field, "year 0 does not exist", what)
    if not 1 <= month <= 12:
        raise _refuse(text, field, f"month {month} does not exist (months run 1–12)", what)
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        month_name = calendar.month_name[month]
        raise _refuse(text, field, f"{typed} is not a date ({month_name} {year} has {last} days)", what)
    return date(year, month, day)


def parse_day(text: str, field: str, what: str) -> date:
    """The date typed in `text`, exactly, or InvalidValue naming `field` with the reason.

    Accepted: yyyy-mm-dd (month and day may have one digit: 2027-2-8) and d.m.yyyy (8.2.2027), surrounding spaces
    ignored. Refused: a day or month that does not exist (2027-02-30, month 13), a year of fewer than four digits,
    anything else. `what` says what is allowed, e.g. "a date such as 2027-03-31".
    """
    if len(text) > MAX_CHARS:
        raise _refuse(text, field, "too long for a date", f"{what}, {SHAPES}")
    return _day(text, text.strip(), field, what)


def parse_moment(text: str, field: str, what: str) -> datetime:
    """The date and time typed in `text` as a naive local wall-clock datetime, or InvalidValue naming `field`.

    Accepted: a date as `parse_day` takes it, one or more spaces, then HH:MM or H:MM (seconds, HH:MM:SS, are read
    too, for times stored with them). Refused: a missing time, hour 24 or more, minute or second 60 or more.
    `what` says what is allowed, e.g. "a date and time such as 2027-03-31 09:30".
    """
    if len(text) > MAX_CHARS:
        raise _refuse(text, field, "too long for a date and time", what)
    parts = text.split()
    if not parts:
        raise _refuse(text, field, "", what)
    if len(parts) == 1:
        if _TIME_SHAPE.fullmatch(parts[0]):
            raise _refuse(text, field, "the date is missing", what)
        day = _day(text, parts[0], field, what)
        raise _refuse(text, field, f"the time is missing (such as {day.isoformat()} 09:30)", what)
    if len(parts) > 2:
        raise _refuse(text, field, "write one date and one time", what)
    typed_day, typed_time = parts
    day = _day(text, typed_day, field, what)
    clock = _TIME.fullmatch(typed_time)
    if clock is None:
        raise _refuse(text, field, f"{typed_time} is not a time", f"{what}, {TIME_SHAPE}")
    hour, minute = int(clock.group(1)), int(clock.group(2))
    second = int(clock.group(3)) if clock.group(3) is not None else 0
    if hour >= 24:
        raise _refuse(text, field, f"hour {hour} does not exist (hours run 0–23)", what)
    if minute >= 60:
        raise _refuse(text, field, f"minute {minute} does not exist (minutes run 00–59)", what)
    if second >= 60:
        raise _refuse(text, field, f"second {second} does not exist (seconds run 00–59)", what)
    return datetime.combine(day, time(hour, minute, second))


def day_text(day: date) -> str:
    """`day` as the app writes it: 2027-03-31."""
    return day.isoformat()


def moment_text(moment: datetime) -> str:
    """`moment` (naive, local wall-clock) as the app writes it: 2027-03-31 09:30, with the seconds only when it has
    some (a time stored with seconds is shown with them, never cut; fractions of a second are not shown)."""
    text = f"{day_text(moment.date())} {moment.hour:02d}:{moment.minute:02d}"
    return f"{text}:{moment.second:02d}" if moment.second else text
