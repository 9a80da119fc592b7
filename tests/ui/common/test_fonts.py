"""The app can show simplified-Chinese and Japanese names even on a system without such fonts."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QRawFont
from pytestqt.qtbot import QtBot

from clinic_log.ui.common.fonts import add_fallback_fonts


def test_simplified_chinese_and_japanese_have_a_font_with_every_glyph(qtbot: QtBot) -> None:
    add_fallback_fonts()
    for system, text in ((QFontDatabase.WritingSystem.SimplifiedChinese, "张设备护理"),
                         (QFontDatabase.WritingSystem.Japanese, "李娜 術後ケア")):
        families = QFontDatabase.families(system)
        assert families, f"no font for {system.name}"
        raw = QRawFont.fromFont(QFont(families[0]))
        missing = [c for c in text if not c.isspace() and not raw.supportsCharacter(ord(c))]
        assert not missing, f"{families[0]} lacks {missing}"


def test_adding_the_fallbacks_twice_adds_nothing_more(qtbot: QtBot) -> None:
    add_fallback_fonts()
    assert add_fallback_fonts() == []
