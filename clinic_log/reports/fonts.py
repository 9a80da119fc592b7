"""Bundled fonts for the PDF reports, and markup that picks a font per character.

DejaVu Sans (regular and bold) is the body font: it covers Latin, Greek and Cyrillic,
so names such as "Zofia Łukasiewicz", "Şükrü Öztürk" or "Арина Соколова" print as they
are. DejaVu Sans has no Han/Kana glyphs, so each run of characters that it lacks is set in
a fallback font chosen for the whole run: IPAexGothic (Japanese; also the common Han
characters, e.g. "李娜") when it has every character of the run, else WenQuanYi Micro Hei
(simplified Chinese: "张设备", "护理"), so one name is never set in two CJK designs.

Text with Chinese or Japanese characters is broken into lines between any two of them (reportlab's CJK
mode; Latin words in it still break at spaces), never before closing punctuation such as "，" or "。":
`style_for` picks that line breaking per paragraph.

The fonts are registered with reportlab once, lazily, on first use; the parsed TTF files
stay cached by reportlab for the life of the process, so building many sheets does not
re-read them.

Fonts live in ``<resources>/fonts``; ``<resources>`` is the repository's ``resources``
folder unless the environment variable ``CLINIC_LOG_RESOURCES`` names another one.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "BOLD",
    "CJK",
    "FALLBACKS",
    "REGULAR",
    "SC",
    "RegisteredFonts",
    "covers",
    "ensure_registered",
    "fallback_font_for",
    "is_covered",
    "markup",
    "resources_dir",
    "style_for",
]

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
CJK = "IPAexGothic"
SC = "WenQuanYiMicroHei"
FALLBACKS = (CJK, SC)  # in order of preference for a run DejaVu Sans lacks

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    CJK: "ipaexg.ttf",
    SC: "wqy-microhei.ttc",  # a TrueType collection: face 0 is the proportional Micro Hei
}

# Control characters (other than tab and newline) are not allowed in XML and would
# make reportlab's paragraph parser fail, so markup() drops them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Han, kana, hangul, CJK punctuation and full-width forms: text with any of these has no spaces to break at.
_CJK_TEXT = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
# Closing punctuation that must not start a line. reportlab's CJK mode keeps its list in
# textsplit.ALL_CANNOT_START, which has "、" and "。" but not the full-width
# comma, colon, semicolon, marks and closing brackets that Chinese text uses.
_CANNOT_START_TOO = "\uff0c\uff0e\uff1a\uff1b\uff01\uff1f\uff09\uff3d\uff5d\u3009\u300b\u3011\u3015\u3017\u3019\u301b"
_cjk_styles: dict[int, ParagraphStyle] = {}


def style_for(text: str, style: ParagraphStyle) -> ParagraphStyle:
    """`style`, or for text with CJK characters its twin that breaks lines between them."""
    if not _CJK_TEXT.search(text):
        return style
    twin = _cjk_styles.get(id(style))
    if twin is None or twin.parent is not style:
        twin = ParagraphStyle(f"{style.name}-cjk", parent=style, wordWrap="CJK")
        _cjk_styles[id(style)] = twin
    return twin


def _keep_closing_punctuation_off_line_starts() -> None:
    # Both modules read their own copy of the list: textsplit for a paragraph in one font, paragraph for a
    # paragraph with several font runs.
    from reportlab.lib import textsplit  # type: ignore[import-untyped, unused-ignore]
    from reportlab.platypus import paragraph  # type: ignore[import-untyped, unused-ignore]

    for module in (textsplit, paragraph):
        module.ALL_CANNOT_START += "".join(c for c in _CANNOT_START_TOO if c not in module.ALL_CANNOT_START)


@dataclass(frozen=True)
class RegisteredFonts:
    """What ensure_registered() set up: the folder used and each font's code points."""

    fonts_dir: Path
    body_code_points: frozenset[int]
    fallback_code_points: dict[str, frozenset[int]]


_lock = threading.Lock()
_registered: RegisteredFonts | None = None


def resources_dir() -> Path:
    """The resources folder: ``$CLINIC_LOG_RESOURCES`` if set, else the repository's."""
    override = os.environ.get("CLINIC_LOG_RESOURCES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "resources"


def ensure_registered() -> RegisteredFonts:
    """Register DejaVu Sans, DejaVu Sans Bold, IPAexGothic and WenQuanYi Micro Hei with reportlab (once).

    Raises FileNotFoundError naming the missing file if a bundled font is absent.
    """
    global _registered
    done = _registered
    if done is not None:
        return done
    with _lock:
        if _registered is not None:
            return _registered
        fonts_dir = resources_dir() / "fonts"
        faces: dict[str, TTFont] = {}
        for name, file_name in _FILES.items():
            path = fonts_dir / file_name
            if not path.is_file():
                raise FileNotFoundError(f"bundled font {name} not found at {path}")
            face = TTFont(name, str(path), asciiReadable=False, subfontIndex=0)
            pdfmetrics.registerFont(face)
            faces[name] = face
        # Family mappings let <b> inside a paragraph pick the bold face, and let a
        # <font name="IPAexGothic"> run inside bold text resolve (IPAexGothic has no bold).
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(REGULAR, bold, italic, BOLD if bold else REGULAR)
                addMapping(BOLD, bold, italic, BOLD if bold else REGULAR)
                for fallback in FALLBACKS:
                    addMapping(fallback, bold, italic, fallback)
        _keep_closing_punctuation_off_line_starts()
        _registered = RegisteredFonts(
            fonts_dir=fonts_dir,
            body_code_points=frozenset(faces[REGULAR].face.charToGlyph),
            fallback_code_points={name: frozenset(faces[name].face.charToGlyph) for name in FALLBACKS},
        )
        return _registered


def is_covered(char: str) -> bool:
    """True if DejaVu Sans has a glyph for this character (its code point is in the cmap)."""
    return ord(char) in ensure_registered().body_code_points


def covers(text: str) -> bool:
    """True if DejaVu Sans has a glyph for every character of ``text``."""
    return ensure_registered().body_code_points.issuperset(map(ord, text))


def fallback_font_for(run: str) -> str:
    """The fallback font for a run of characters DejaVu Sans lacks: the first of FALLBACKS that has them all.

    If none has them all, the one that has the most (the others print as empty boxes either way).
    """
    fallbacks = ensure_registered().fallback_code_points
    points = set(map(ord, run))
    for name in FALLBACKS:
        if fallbacks[name].issuperset(points):
            return name
    return max(FALLBACKS, key=lambda name: len(points & fallbacks[name]))


def markup(text: str, bold: bool = False) -> str:
    """Paragraph markup for plain ``text``: XML-escaped, with fallback-font runs.

    Each run of characters that DejaVu Sans lacks is wrapped in ``<font name="…">…</font>``
    with the font :func:`fallback_font_for` picks for the run, so "李娜 Li" becomes one
    IPAexGothic run followed by one DejaVu run, and "张设备" one WenQuanYi run. With
    ``bold`` the whole text is wrapped in ``<b>…</b>`` (the fallback fonts have no bold
    face and stay regular).
    """
    covered = ensure_registered().body_code_points
    clean = _CONTROL.sub("", text)
    if covered.issuperset(map(ord, clean)):  # the usual case: no fallback runs
        body = escape(clean)
        return f"<b>{body}</b>" if bold and body else body
    parts: list[str] = []
    run: list[str] = []
    run_is_fallback = False
    for char in clean:
        fallback = ord(char) not in covered
        if fallback != run_is_fallback and run:
            parts.append(_wrap("".join(run), run_is_fallback))
            run = []
        run_is_fallback = fallback
        run.append(char)
    if run:
        parts.append(_wrap("".join(run), run_is_fallback))
    body = "".join(parts)
    return f"<b>{body}</b>" if bold and body else body


def _wrap(run: str, fallback: bool) -> str:
    escaped = escape(run)
    return f'<font name="{fallback_font_for(run)}">{escaped}</font>' if fallback else escaped
