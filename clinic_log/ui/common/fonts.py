"""Fonts for the interface: bundled fallbacks for Japanese and simplified Chinese when the system has none.

The same files print the PDF reports: IPAexGothic (Japanese, and the common Han characters) and WenQuanYi Micro
Hei (simplified Chinese: 设, 备, 护 … that IPAexGothic lacks).
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

from clinic_log.paths import resources_dir

CJK_FALLBACK = "ipaexg.ttf"  # IPAexGothic
SC_FALLBACK = "wqy-microhei.ttc"  # WenQuanYi Micro Hei (a collection: Micro Hei and Micro Hei Mono)

_FALLBACKS = (
    (QFontDatabase.WritingSystem.Japanese, CJK_FALLBACK),
    (QFontDatabase.WritingSystem.SimplifiedChinese, SC_FALLBACK),
)


def add_fallback_fonts() -> list[str]:
    """Register each bundled font whose writing system no installed font covers; returns the families added.

    Needs a QGuiApplication. Cheap when the system already has such fonts (nothing is loaded).
    """
    added: list[str] = []
    for system, file_name in _FALLBACKS:
        if QFontDatabase.families(system):
            continue
        path = resources_dir() / "fonts" / file_name
        if not path.is_file():
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            added += QFontDatabase.applicationFontFamilies(font_id)
    return added
