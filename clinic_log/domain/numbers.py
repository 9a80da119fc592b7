"""Clinical numbers as typed: a decimal comma or point, nothing rounded, anything else refused with the reason.

One parser for every place a number is typed or read from a file (the session form, the amend dialog, imports), so
"0,5" is 0.5 everywhere and "nan", "1e309" or "2.5.1" are refused the same way everywhere.
"""

from __future__ import annotations

import math
import re

from clinic_log.domain.errors import InvalidValue

# Digits with at most one decimal separator (point or comma) and no exponent, sign or thousands separator:
# a depth of "1,000" is refused rather than read as a thousand or as one.
_DECIMAL = re.compile(r"\d+(?:[.,]\d*)?|[.,]\d+")
_WHOLE = re.compile(r"\d+")
MAX_DIGITS = 12  # longer than any real value; refuses a pasted essay before float() sees it


def decimal_text(text: str) -> str:
    """The typed text with a decimal comma read as a point ("0,5" → "0.5"), surrounding spaces removed."""
    return text.strip().replace(",", ".")


def parse_decimal(text: str, field: str, what: str) -> float:
    """The number typed in `text`, exactly (a decimal comma is a decimal point), or InvalidValue naming `field`.

    `what` says what is allowed, e.g. "a depth in mm such as 0.75".
    """
    typed = text.strip()
    if not typed:
        raise InvalidValue(field, text, f"enter {what}")
    if len(typed) > MAX_DIGITS or not _DECIMAL.fullmatch(typed):
        raise InvalidValue(field, text, f"{what}, written with digits and one decimal point or comma")
    value = float(decimal_text(typed))
    if not math.isfinite(value):  # unreachable through the pattern; kept so the guarantee is local
        raise InvalidValue(field, text, what)
    return value


def parse_whole(text: str, field: str, what: str) -> int:
    """A whole number typed in `text` (digits only), or InvalidValue naming `field`."""
    typed = text.strip()
    if not typed:
        raise InvalidValue(field, text, f"enter {what}")
    if len(typed) > MAX_DIGITS or not _WHOLE.fullmatch(typed):
        raise InvalidValue(field, text, f"{what}, written with digits only")
    return int(typed)


def is_finite_number(value: object) -> bool:
    """Whether `value` is an int or float that is neither NaN nor infinite (bool is not a number here)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
