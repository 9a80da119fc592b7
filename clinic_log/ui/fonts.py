"""Fonts for the interface: a bundled fallback for Han/Kana when the system has none (e.g. a bare Linux box)."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

from clinic_log.paths import resources_dir

CJK_FALLBACK = "ipaexg.ttf"  # IPAexGothic, also used by the PDF reports


def add_fallback_fonts() -> list[str]:
    """Register the bundled CJK font if no installed font writes Chinese or Japanese; returns the families added.

    Needs a QGuiApplication. Cheap when the system already has such a font (nothing is loaded).
    """
    systems = (QFontDatabase.WritingSystem.SimplifiedChinese, QFontDatabase.WritingSystem.Japanese)
    if any(QFontDatabase.families(system) for system in systems):
        return []
    path = resources_dir() / "fonts" / CJK_FALLBACK
    if not path.is_file():
        return []
    font_id = QFontDatabase.addApplicationFont(str(path))
    return QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
