"""The report fonts: which font sets each run of a name (DejaVu Sans, a CJK fallback, a shaping script's font),
right-to-left words in their visual order, markup that always parses, and a missing font named when it is absent."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from clinic_log.reports import fonts


def test_markup_wraps_only_uncovered_runs() -> None:
    assert fonts.markup("Арина Соколова") == "Арина Соколова"
    assert fonts.markup("Şükrü Öztürk") == "Şükrü Öztürk"
    assert fonts.markup("李娜 Li") == '<font name="IPAexGothic">李娜</font> Li'
    assert fonts.markup("Ms 李娜") == 'Ms <font name="IPAexGothic">李娜</font>'


def test_simplified_chinese_runs_use_wenquanyi_and_japanese_runs_ipaexgothic() -> None:
    assert fonts.markup("张设备") == '<font name="WenQuanYiMicroHei">张设备</font>'
    assert fonts.markup("李娜 张设备") == ('<font name="IPAexGothic">李娜</font> '
                                       '<font name="WenQuanYiMicroHei">张设备</font>')
    assert fonts.markup("術後ケア") == '<font name="IPAexGothic">術後ケア</font>'


def test_markup_escapes_and_bolds() -> None:
    assert fonts.markup("a<b & c>") == "a&lt;b &amp; c&gt;"
    assert fonts.markup("x", bold=True) == "<b>x</b>"
    assert fonts.markup("") == ""


def test_coverage_comes_from_dejavu_cmap() -> None:
    assert fonts.is_covered("Ł")
    assert fonts.is_covered("Я")
    assert not fonts.is_covered("李")


_FONTS = "IPAexGothic|WenQuanYiMicroHei|NotoNaskhArabic|NotoSansDevanagari"
_TAG = re.compile(rf"</?(?:b|font)(?: name=\"(?:{_FONTS})\")?>")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40), st.booleans())
def test_markup_round_trips_and_parses(text: str, bold: bool) -> None:
    """The text comes back whole (right-to-left words in their visual order; a zero-width space only between two
    fonts inside a shaped word)."""
    marked = fonts.markup(text, bold=bold)
    expected = fonts.visual_order(re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text))
    unmarked = html.unescape(_TAG.sub("", marked))
    if fonts.needs_shaping(expected) and "\u200b" not in expected:
        unmarked = unmarked.replace("\u200b", "")
    assert unmarked == expected
    Paragraph(marked, ParagraphStyle("t", fontName=fonts.REGULAR)).wrap(300, 1000)


def test_right_to_left_words_are_put_in_right_to_left_order_on_a_left_to_right_line() -> None:
    assert fonts.visual_order("فاطمة الزهراء") == "الزهراء فاطمة"
    assert fonts.visual_order("Client: فاطمة الزهراء (2)") == "Client: الزهراء فاطمة (2)"
    assert fonts.visual_order("Zofia Łukasiewicz") == "Zofia Łukasiewicz"


def test_arabic_and_devanagari_words_get_their_fonts_and_a_shaped_style() -> None:
    style = ParagraphStyle("t", fontName=fonts.REGULAR)
    deva = '<font name="NotoSansDevanagari">{}</font>'
    assert fonts.markup("प्रिया शर्मा") == f"{deva.format('प्रिया')} {deva.format('शर्मा')}"
    assert fonts.style_for("فاطمة", style).shaping == 1
    assert not getattr(fonts.style_for("Zofia Łukasiewicz", style), "shaping", 0)
    assert not fonts.covers("فاطمة")  # DejaVu has unjoined Arabic letters: not good enough for a name


def test_a_run_no_fallback_font_has_whole_goes_to_the_one_with_most_of_it() -> None:
    # 设 and 备 are only in WenQuanYi, ヸ and ヹ only in IPAexGothic: neither has a mixed run, the one with more wins.
    assert fonts.fallback_font_for("设备ヸ") == fonts.SC
    assert fonts.fallback_font_for("ヸヹ设") == fonts.CJK


def test_chinese_text_gets_a_style_that_breaks_between_characters_and_latin_text_keeps_its_own() -> None:
    style = ParagraphStyle("body", fontName=fonts.REGULAR)
    twin = fonts.style_for("请每天涂抹防晒霜", style)
    assert twin.wordWrap == "CJK" and twin.parent is style
    assert fonts.style_for("请每天", style) is twin  # one twin per style, not one per paragraph
    assert fonts.style_for("Apply SPF daily", style) is style


def test_a_missing_bundled_font_is_named_with_its_path(tmp_path: Path) -> None:
    (tmp_path / "fonts").mkdir()
    code = "from clinic_log.reports import fonts\nfonts.ensure_registered()\n"
    env = {**os.environ, "CLINIC_LOG_RESOURCES": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last == f"FileNotFoundError: bundled font DejaVuSans not found at {tmp_path / 'fonts' / 'DejaVuSans.ttf'}"
