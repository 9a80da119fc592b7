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

Arabic and Devanagari need shaping (joined letter forms, conjuncts, vowel signs placed
before their consonant): DejaVu Sans's unjoined Arabic letters would print the name
letter by letter, and it has no Devanagari at all. A word in either script is set in Noto
Naskh Arabic or Noto Sans Devanagari, and a paragraph holding one is shaped by HarfBuzz
(reportlab's ``shaping`` with ``uharfbuzz``): `style_for` turns shaping on for those
paragraphs only, so Latin text keeps the fast unshaped path. HarfBuzz orders the glyphs
inside a right-to-left word; `markup` puts the words of a right-to-left run (an Arabic or
Hebrew name) in right-to-left order on the otherwise left-to-right line.

The fonts are registered with reportlab once, lazily, on first use; the parsed TTF files
stay cached by reportlab for the life of the process, so building many sheets does not
re-read them.

Fonts live in ``<resources>/fonts``; ``<resources>`` is the folder `clinic_log.paths.resources_dir` finds (the
checkout's ``resources``, the installed package's, or the one ``CLINIC_LOG_RESOURCES`` names).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped, unused-ignore]

from clinic_log.paths import resources_dir

__all__ = [
    "ARABIC",
    "BOLD",
    "CJK",
    "DEVANAGARI",
    "FALLBACKS",
    "REGULAR",
    "SC",
    "RegisteredFonts",
    "covers",
    "ensure_registered",
    "fallback_font_for",
    "is_covered",
    "markup",
    "needs_shaping",
    "resources_dir",
    "style_for",
    "visual_order",
]

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
CJK = "IPAexGothic"
SC = "WenQuanYiMicroHei"
FALLBACKS = (CJK, SC)  # in order of preference for a run DejaVu Sans lacks
ARABIC = "NotoNaskhArabic"
ARABIC_BOLD = "NotoNaskhArabic-Bold"
DEVANAGARI = "NotoSansDevanagari"
DEVANAGARI_BOLD = "NotoSansDevanagari-Bold"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    CJK: "ipaexg.ttf",
    SC: "wqy-microhei.ttc",  # a TrueType collection: face 0 is the proportional Micro Hei
    ARABIC: "NotoNaskhArabic-Regular.ttf",
    ARABIC_BOLD: "NotoNaskhArabic-Bold.ttf",
    DEVANAGARI: "NotoSansDevanagari-Regular.ttf",
    DEVANAGARI_BOLD: "NotoSansDevanagari-Bold.ttf",
}
_BOLD_OF = {REGULAR: BOLD, ARABIC: ARABIC_BOLD, DEVANAGARI: DEVANAGARI_BOLD}

# Scripts that need shaping, each with the font that sets its words. Arabic: the Arabic blocks and the
# presentation forms; Devanagari: its block, the extended block and the Vedic extensions.
_ARABIC_TEXT = "\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_DEVANAGARI_TEXT = "\u0900-\u097f\ua8e0-\ua8ff\u1cd0-\u1cff"
_SCRIPT_FONT = ((re.compile(f"[{_ARABIC_TEXT}]"), ARABIC), (re.compile(f"[{_DEVANAGARI_TEXT}]"), DEVANAGARI))
_SHAPED_TEXT = re.compile(f"[{_ARABIC_TEXT}{_DEVANAGARI_TEXT}\u0590-\u05ff\ufb1d-\ufb4f]")
# Strong right-to-left letters (Hebrew, Arabic and their presentation forms) and strong left-to-right ones.
_RTL_LETTER = re.compile(f"[\u0590-\u05ff{_ARABIC_TEXT}\ufb1d-\ufb4f]")
_ZWSP = "\u200b"  # reportlab breaks words here without drawing anything: one font per shaped word

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


_shaped_styles: dict[int, ParagraphStyle] = {}
_shaped_cjk_styles: dict[int, ParagraphStyle] = {}


def needs_shaping(text: str) -> bool:
    """True if ``text`` has Arabic, Hebrew or Devanagari letters: it prints right only shaped."""
    return _SHAPED_TEXT.search(text) is not None


def style_for(text: str, style: ParagraphStyle) -> ParagraphStyle:
    """`style`; for text with CJK characters its twin that breaks lines between them; for text in a script that
    needs shaping (`needs_shaping`), its twin that HarfBuzz shapes."""
    cjk = _CJK_TEXT.search(text) is not None
    extra: dict[str, object] = {"wordWrap": "CJK"} if cjk else {}
    if needs_shaping(text):
        twins, suffix = (_shaped_cjk_styles, "shaped-cjk") if cjk else (_shaped_styles, "shaped")
        extra["shaping"] = 1
    elif cjk:
        twins, suffix = _cjk_styles, "cjk"
    else:
        return style
    twin = twins.get(id(style))
    if twin is None or twin.parent is not style:
        twin = ParagraphStyle(f"{style.name}-{suffix}", parent=style, **extra)
        twins[id(style)] = twin
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
    script_code_points: dict[str, frozenset[int]]  # Noto Naskh Arabic, Noto Sans Devanagari


_lock = threading.Lock()
_registered: RegisteredFonts | None = None


def ensure_registered() -> RegisteredFonts:
    """Register DejaVu Sans (regular, bold), IPAexGothic, WenQuanYi Micro Hei, Noto Naskh Arabic and Noto Sans
    Devanagari (regular, bold) with reportlab (once).

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
                for regular, bold_face in _BOLD_OF.items():
                    addMapping(regular, bold, italic, bold_face if bold else regular)
                    addMapping(bold_face, bold, italic, bold_face if bold else regular)
                for fallback in FALLBACKS:
                    addMapping(fallback, bold, italic, fallback)
        _keep_closing_punctuation_off_line_starts()
        _registered = RegisteredFonts(
            fonts_dir=fonts_dir,
            body_code_points=frozenset(faces[REGULAR].face.charToGlyph),
            fallback_code_points={name: frozenset(faces[name].face.charToGlyph) for name in FALLBACKS},
            script_code_points={name: frozenset(faces[name].face.charToGlyph) for name in (ARABIC, DEVANAGARI)},
        )
        return _registered


def is_covered(char: str) -> bool:
    """True if DejaVu Sans has a glyph for this character (its code point is in the cmap)."""
    return ord(char) in ensure_registered().body_code_points


def covers(text: str) -> bool:
    """True if DejaVu Sans prints ``text`` as it is: it has a glyph for every character, and none needs shaping."""
    return ensure_registered().body_code_points.issuperset(map(ord, text)) and not needs_shaping(text)


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
    if needs_shaping(clean):
        body = _shaped_markup(visual_order(clean))
        return f"<b>{body}</b>" if bold and body else body
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


def visual_order(text: str) -> str:
    """``text`` with each run of right-to-left words in right-to-left order, for a left-to-right line.

    "Name: فاطمة الزهراء" becomes "Name: الزهراء فاطمة": on the page the given name is then the rightmost
    word, where a reader of Arabic starts. A word is right-to-left when it has a Hebrew or Arabic letter and no
    Latin, Greek, Cyrillic or CJK letter; the spaces between two such words belong to the run. The letters
    inside a word stay in reading order: HarfBuzz lays them out right to left when it shapes the word. (This
    is the Unicode bidirectional algorithm for what a name or a label holds: a left-to-right paragraph with
    right-to-left words; numbers and brackets inside a right-to-left run are not mirrored.)
    """
    if not _RTL_LETTER.search(text):
        return text
    tokens = re.split(r"(\s+)", text)
    out: list[str] = []
    run: list[str] = []  # a right-to-left run: word, space, word, …

    def flush() -> None:
        trailing = []
        while run and not run[-1].strip():
            trailing.append(run.pop())
        out.extend(reversed(run))
        out.extend(trailing)
        run.clear()

    for token in tokens:
        if not token:
            continue
        if not token.strip():
            (run if run else out).append(token)
        elif _is_rtl_word(token):
            run.append(token)
        else:
            flush()
            out.append(token)
    flush()
    return "".join(out)


def _is_rtl_word(word: str) -> bool:
    return _RTL_LETTER.search(word) is not None and not any(
        ch.isalpha() and not _RTL_LETTER.match(ch) for ch in word)


def _font_of(char: str, covered: frozenset[int]) -> str:
    for pattern, font in _SCRIPT_FONT:
        if pattern.match(char):
            return font
    return REGULAR if ord(char) in covered else fallback_font_for(char)


def _shaped_markup(text: str) -> str:
    """Markup for a paragraph HarfBuzz shapes: each word in one font.

    reportlab shapes a word (text between spaces) with the font of its first run, so a word must not mix
    fonts: an Arabic or Devanagari word is set wholly in its script's font when that font has all its
    characters (the space, digits and most punctuation); a word that still needs two fonts is cut into
    one-font pieces at zero-width spaces.
    """
    registered = ensure_registered()
    covered = registered.body_code_points
    parts: list[str] = []
    for token in re.split(r"(\s+)", text):
        if not token:
            continue
        fonts_of = [_font_of(char, covered) for char in token]
        script = next((f for f in fonts_of if f in registered.script_code_points), None)
        if script is not None and registered.script_code_points[script].issuperset(map(ord, token)):
            parts.append(_font_run(token, script))
            continue
        pieces: list[str] = []
        start = 0
        for i in range(1, len(token) + 1):
            if i == len(token) or fonts_of[i] != fonts_of[start]:
                pieces.append(_font_run(token[start:i], fonts_of[start]))
                start = i
        parts.append(_ZWSP.join(pieces))
    return "".join(parts)


def _font_run(run: str, font: str) -> str:
    escaped = escape(run)
    return escaped if font == REGULAR else f'<font name="{font}">{escaped}</font>'
