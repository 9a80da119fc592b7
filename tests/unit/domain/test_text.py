"""A name as its culture writes it (family name first without a space in Chinese, Japanese and Korean scripts), and
the folding that makes search case- and accent-insensitive in any script."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_log.domain.text import fold, name_text

# The first and last code point of each CJK block the rule knows, and the code points just outside them.
CJK_EDGES = [0x1100, 0x11FF, 0x2E80, 0x9FFF, 0xAC00, 0xD7AF, 0xF900, 0xFAFF, 0x20000, 0x3FFFF]
OUTSIDE = [0x10FF, 0x1200, 0x2E7F, 0xA000, 0xABFF, 0xD7B0, 0xF8FF, 0xFB00, 0x1FFFF, 0x40000]


@pytest.mark.parametrize("point", CJK_EDGES, ids=hex)
def test_a_name_in_any_cjk_block_is_family_name_first_without_a_space(point: int) -> None:
    assert name_text(chr(point), "李") == "李" + chr(point)
    assert name_text("娜", chr(point)) == chr(point) + "娜"


@pytest.mark.parametrize("point", OUTSIDE, ids=hex)
def test_a_character_just_outside_the_cjk_blocks_keeps_given_name_first(point: int) -> None:
    assert name_text(chr(point), "李") == f"{chr(point)} 李"
    assert name_text("娜", chr(point)) == f"娜 {chr(point)}"


@pytest.mark.parametrize(("given", "family", "shown"), [
    ("娜", "李", "李娜"),
    ("민준", "김", "김민준"),
    (" 娜 ", " 李 ", "李娜"),             # spaces around the parts do not count
    ("Zofia", "Łukasiewicz", "Zofia Łukasiewicz"),
    ("娜", "Li", "娜 Li"),               # only a name wholly in CJK script is turned round
    ("Na", "李", "Na 李"),
    ("", "李", "李"),                    # an empty part leaves no stray space
    ("Zofia", "", "Zofia"),
    ("", "", ""),
    ("李娜x", "王", "李娜x 王"),          # one Latin letter in the part: given name first
])
def test_names_print_in_their_own_order(given: str, family: str, shown: str) -> None:
    assert name_text(given, family) == shown


@pytest.mark.parametrize(("typed", "stored"), [("zofia", "Zófia"), ("lukasiewicz", "Łukasiewicz"),
                                               ("李", "李娜"), ("арина", "Арина"), ("sukru", "Şükrü")])
def test_fold_matches_accented_and_other_scripts(typed: str, stored: str) -> None:
    assert fold(typed) in fold(stored)


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12))
def test_fold_ignores_case_and_accents_of_latin_names(name: str) -> None:
    accented = name.upper().replace("E", "É").replace("O", "Ö").replace("L", "Ł")
    assert fold(accented) == name


@pytest.mark.parametrize(("stored", "folded"), [
    ("Søren Ærø", "soren aero"), ("Đặng Thị", "dang thi"), ("Þóra Ðuríður", "thora duridur"),
    ("Œuvre Ħal", "oeuvre hal"), ("  Anna \t  Maria  ", "anna maria"),  # runs of spaces read as one
])
def test_letters_without_a_separate_accent_and_extra_spaces_fold_to_what_is_typed(stored: str, folded: str) -> None:
    assert fold(stored) == folded
