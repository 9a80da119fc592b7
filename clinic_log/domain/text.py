"""Text folding for search: case- and accent-insensitive in any script ("zofia" finds "Zófia")."""

from __future__ import annotations

import unicodedata

# Letters (after casefold) that do not decompose into base + accent in Unicode.
_SPECIAL = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d",
                          "ħ": "h", "ŀ": "l"})


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(unicodedata.normalize("NFKC", stripped).casefold().translate(_SPECIAL).split())
