"""Look-back windows such as "6m" or "14d" used by time-bound contraindications."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import lru_cache

from clinic_log.domain.errors import InvalidValue

_WINDOW = re.compile(r"^\s*(\d+)\s*([dwm])\s*$")
_UNIT_WORDS = {"d": "day", "w": "week", "m": "month"}


@lru_cache(maxsize=64)  # a handful of distinct windows, checked for every session
def parse_window(text: str) -> tuple[int, str]:
    match = _WINDOW.match(text)
    if not match:
        raise InvalidValue("window", text, "a number followed by d, w or m, e.g. 14d, 2w, 6m")
    return int(match.group(1)), match.group(2)


def add_window(start: date, window: str) -> date:
    """`start` plus the window; months keep the day of month (clamped to the month's end)."""
    count, unit = parse_window(window)
    if unit == "d":
        return start + timedelta(days=count)
    if unit == "w":
        return start + timedelta(weeks=count)
    month_index = start.month - 1 + count
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def window_words(window: str) -> str:
    count, unit = parse_window(window)
    return f"{count}-{_UNIT_WORDS[unit]}"
