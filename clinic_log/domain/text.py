"""Text rules for people's names and for search: a name in the order of its script (李娜, Zofia Łukasiewicz), and
folding that makes search case- and accent-insensitive in any script ("zofia" finds "Zófia")."""

from __future__ import annotations

import unicodedata

# Letters (after casefold) that do not decompose into base + accent in Unicode.
_SPECIAL = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d",
                          "ħ": "h", "ŀ": "l"})


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(unicodedata.normalize("NFKC", stripped).casefold().translate(_SPECIAL).split())


def _is_cjk(text: str) -> bool:
    return bool(text) and all(
        0x1100 <= ord(ch) <= 0x11FF or 0x2E80 <= ord(ch) <= 0x9FFF or 0xAC00 <= ord(ch) <= 0xD7AF
        or 0xF900 <= ord(ch) <= 0xFAFF or 0x20000 <= ord(ch) <= 0x3FFFF for ch in text)


def name_text(given: str, family: str) -> str:
    """The name as its culture writes it: family name first without a space when both parts are in a Chinese,
    Japanese or Korean script (李娜), else given name first (Zofia Łukasiewicz, فاطمة الزهراء)."""
    given, family = given.strip(), family.strip()
    if _is_cjk(given) and _is_cjk(family):
        return family + given
    return " ".join(part for part in (given, family) if part)
