"""What a typed search matches: each folded word (any case, accents or not) anywhere in a folded column, with
`%` and `_` taken as typed, not as SQL wildcards. The client search and the history's client filter use it on
`clients.search_key` ("first last ref", folded)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_

from clinic_log.domain.text import fold


def like_escaped(needle: str) -> str:
    return needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column: Any, needle: str) -> Any:
    """`column` holds `needle` somewhere (LIKE with the wildcards of `needle` escaped)."""
    return column.like(f"%{like_escaped(needle)}%", escape="\\")


def words_in(column: Any, typed: str) -> ColumnElement[bool] | None:
    """Every word of `typed`, folded, somewhere in the already folded `column`; None when nothing was typed."""
    words = fold(typed).split()
    return and_(*(contains(column, word) for word in words)) if words else None
