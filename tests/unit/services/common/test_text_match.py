"""What a typed search matches: every folded word somewhere in a folded column, `%` and `_` as typed."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, MetaData, String, Table, create_engine, insert, select

from clinic_log.services.common.text_match import contains, like_escaped, words_in

_table = Table("keys", MetaData(), Column("key", String))
ROWS = ("zofia lukasiewicz p-1", "arina petrova d-0000021", "ola nowak 50% off_list")


def matching(typed: str) -> list[str]:
    engine = create_engine("sqlite://")
    _table.create(engine)
    with engine.begin() as conn:
        conn.execute(insert(_table), [{"key": k} for k in ROWS])
        condition = words_in(_table.c.key, typed)
        stmt = select(_table.c.key).order_by(_table.c.key)
        return list(conn.scalars(stmt if condition is None else stmt.where(condition)))


@pytest.mark.parametrize(("typed", "found"), [
    ("ŁUKASIEWICZ", ["zofia lukasiewicz p-1"]),  # folded: any case, accents or not
    ("petrova  ARINA", ["arina petrova d-0000021"]),  # each word anywhere, any order
    ("d-00000", ["arina petrova d-0000021"]),
    ("50%", ["ola nowak 50% off_list"]),  # the percent sign as typed, not "anything"
    ("a_l", []),  # the underscore as typed, not "any one character" (which "zofia lukasiewicz" would match)
    ("f_l", ["ola nowak 50% off_list"]),
    ("a nowak", ["ola nowak 50% off_list"]),
    ("xyz", []),
])
def test_every_typed_word_must_be_somewhere_in_the_key(typed: str, found: list[str]) -> None:
    assert matching(typed) == found


def test_nothing_typed_is_no_condition() -> None:
    assert words_in(_table.c.key, "   ") is None
    assert len(matching("")) == len(ROWS)


def test_wildcards_and_the_escape_character_are_escaped() -> None:
    assert like_escaped(r"50%_a\b") == r"50\%\_a\\b"
    assert str(contains(_table.c.key, "x").compile()) == "keys.key LIKE :key_1 ESCAPE '\\'"
