"""Comparing two photos of a view: the first and the newest by default, either side changeable; the wipe shows the
before image left of the split and the after image right of it; zooming or panning one side does the same to the
other; the comparison
saved as the PNG on screen or the client's PDF, owner-only and audited; that PDF's page printed, audited."""

from __future__ import annotations

import io
import json
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QKeySequence, QMouseEvent, QWheelEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import PhotoView
from clinic_log.services.photos.comparison import comparison_pdf
from clinic_log.services.photos.photo_page import client_photos
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.photos.compare_dialog import CompareDialog
from tests.ui.photos.photo_helpers import add, clinic_with_photo_consent, day, image_file
from tests.unit.services.helpers import Clinic

RED, BLUE = (210, 20, 20), (20, 20, 210)


@pytest.fixture
def clinic(db: Database, owner: Actor) -> Clinic:
    return clinic_with_photo_consent(db, owner)


def framed(path: Path, taken_day: int) -> Path:
    """A wide white photo with a black frame a fifth of its width thick on the left and right."""
    image = Image.new("RGB", (400, 100), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 79, 99), fill=(0, 0, 0))
    draw.rectangle((320, 0, 399, 99), fill=(0, 0, 0))
    draw.point((200, 0), fill=(taken_day, taken_day, taken_day))  # two photos, not one image stored twice
    image.save(path, "PNG")
    return path


def open_dialog(qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic) -> CompareDialog:
    found = client_photos(db, clinic.derm, "P-1", day(28).date())
    dialog = CompareDialog(db, user, "P-1", "Zofia Łukasiewicz", found.photos, found.session_numbers, PhotoView.FRONT)
    qtbot.addWidget(dialog)
    dialog.resize(1000, 600)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.shown is not None)
    return dialog


def rgb(image: QImage, x: float, y: float) -> tuple[int, int, int]:
    colour = QColor(image.pixel(int(image.width() * x), int(image.height() * y)))
    return colour.red(), colour.green(), colour.blue()


def near(found: tuple[int, int, int], wanted: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 40 for a, b in zip(found, wanted, strict=True))


def test_the_first_and_the_newest_are_compared_and_either_side_can_be_changed(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, tmp_path: Path) -> None:
    first, middle, newest = add(db, clinic.derm, [image_file(tmp_path / "a.jpg", RED, day(1)),
                                                  image_file(tmp_path / "b.jpg", BLUE, day(5)),
                                                  image_file(tmp_path / "c.jpg", RED, day(9), size=(50, 50))])
    dialog = open_dialog(qtbot, user, db, clinic)
    assert dialog.shown is not None
    assert (dialog.shown.before.photo_id, dialog.shown.after.photo_id) == (first, newest)
    assert dialog.before_pane.labels[0] == "Before · 2026-03-01"
    assert dialog.after_pane.labels[0] == "After · 2026-03-09"
    dialog.after_combo.setCurrentIndex(dialog.after_combo.findData(middle))
    qtbot.waitUntil(lambda: dialog.shown is not None and dialog.shown.after.photo_id == middle)
    assert dialog.after_pane.labels[0] == "After · 2026-03-05"


def test_the_wipe_at_30_percent_shows_before_left_of_the_split_and_after_right_of_it(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, tmp_path: Path) -> None:
    add(db, clinic.derm, [image_file(tmp_path / "a.jpg", RED, day(1), size=(400, 100)),
                          image_file(tmp_path / "b.jpg", BLUE, day(9), size=(400, 100))])
    dialog = open_dialog(qtbot, user, db, clinic)
    dialog.wipe_radio.click()
    dialog.wipe_slider.setValue(30)
    shot = dialog.wipe_pane.grab().toImage()
    for x in (0.05, 0.15, 0.27):
        assert near(rgb(shot, x, 0.4), RED), x
    for x in (0.33, 0.6, 0.95):
        assert near(rgb(shot, x, 0.4), BLUE), x
    dialog.wipe_slider.setValue(80)
    assert near(rgb(dialog.wipe_pane.grab().toImage(), 0.6, 0.4), RED)


def test_zooming_or_panning_one_side_zooms_or_pans_the_other(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, tmp_path: Path) -> None:
    add(db, clinic.derm, [framed(tmp_path / "a.png", 1)], taken=day(1))
    add(db, clinic.derm, [framed(tmp_path / "b.png", 9)], taken=day(9))
    dialog = open_dialog(qtbot, user, db, clinic)
    assert near(rgb(dialog.after_pane.grab().toImage(), 0.1, 0.5), (0, 0, 0))  # the frame, whole photo fitted
    pane = dialog.before_pane
    for _ in range(4):  # four notches of the wheel over the before photo
        QApplication.sendEvent(pane, QWheelEvent(QPointF(pane.width() / 2, pane.height() / 2),
                                                 QPointF(pane.mapToGlobal(QPoint(10, 10))), QPoint(0, 0),
                                                 QPoint(0, 120), Qt.MouseButton.NoButton,
                                                 Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                                                 False))
    assert dialog.zoom_label.text() == "Zoom 244 %"
    assert near(rgb(dialog.after_pane.grab().toImage(), 0.1, 0.5), (255, 255, 255))  # the after side is zoomed
    assert near(rgb(pane.grab().toImage(), 0.1, 0.5), (255, 255, 255))
    # dragging the after photo to the right pans the before photo with it: its left frame comes back into view
    after = dialog.after_pane
    for kind, x in ((QEvent.Type.MouseButtonPress, 100), (QEvent.Type.MouseMove, 300),
                    (QEvent.Type.MouseButtonRelease, 300)):
        held = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else Qt.MouseButton.LeftButton
        QApplication.sendEvent(after, QMouseEvent(kind, QPointF(x, 100), QPointF(x, 100), Qt.MouseButton.LeftButton,
                                                  held, Qt.KeyboardModifier.NoModifier))
    assert near(rgb(pane.grab().toImage(), 0.1, 0.5), (0, 0, 0))
    qtbot.keyClick(dialog, Qt.Key.Key_0)  # back to the whole photos
    assert near(rgb(dialog.after_pane.grab().toImage(), 0.1, 0.5), (0, 0, 0))
    assert near(rgb(dialog.after_pane.grab().toImage(), 0.5, 0.5), (255, 255, 255))


def choose_file(monkeypatch: pytest.MonkeyPatch, target: Path, offered: list[str]) -> None:
    def choose(_parent: object, _caption: str, name: str, _kinds: str) -> tuple[str, str]:
        offered.append(name)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))


def client_audit(raw: sqlite3.Connection, action: str) -> list[dict[str, object]]:
    """The details of the audit rows of this action on a client ('saved', 'printed'), oldest first."""
    rows = raw.execute("SELECT detail FROM audit_log WHERE action = ? AND entity = 'client' ORDER BY id", (action,))
    return [json.loads(detail) for (detail,) in rows]


def test_the_comparison_is_saved_as_the_client_pdf_and_as_the_png_on_screen_owner_only_and_audited(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, tmp_path: Path, raw: sqlite3.Connection,
        monkeypatch: pytest.MonkeyPatch) -> None:
    first, newest = add(db, clinic.derm, [image_file(tmp_path / "a.jpg", RED, day(1), size=(400, 100)),
                                          image_file(tmp_path / "b.jpg", BLUE, day(9), size=(400, 100))])
    dialog = open_dialog(qtbot, user, db, clinic)
    offered: list[str] = []
    choose_file(monkeypatch, tmp_path / "for the client.pdf", offered)
    dialog.pdf_button.click()
    qtbot.waitUntil(lambda: dialog.saved_label.text() != "")
    assert offered == ["comparison-P-1-front-2026-03-09.pdf"]
    pdf = tmp_path / "for the client.pdf"
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    text = " ".join(pypdf.PdfReader(pdf).pages[0].extract_text().split())
    for expected in ("Zofia Łukasiewicz", "Front", "Before · 1 March 2026", "After · 9 March 2026"):
        assert expected in text, expected

    dialog.wipe_radio.click()
    choose_file(monkeypatch, tmp_path / "wipe.png", offered)
    dialog.png_button.click()
    qtbot.waitUntil(lambda: dialog.saved_label.text().endswith("wipe.png"))
    png = tmp_path / "wipe.png"
    assert stat.S_IMODE(png.stat().st_mode) == 0o600
    with Image.open(io.BytesIO(png.read_bytes())) as image:
        assert image.size == (dialog.stack.width(), dialog.stack.height())
    assert [(d["kind"], d["format"], d["photo_ids"]) for d in client_audit(raw, "saved")] == [
        ("photo comparison", "pdf", [first, newest]), ("photo comparison", "png", [first, newest])]


def test_print_puts_the_client_pdf_page_on_the_printer_and_records_one_print(
        qtbot: QtBot, user: UserSession, db: Database, clinic: Clinic, tmp_path: Path, raw: sqlite3.Connection,
        monkeypatch: pytest.MonkeyPatch) -> None:
    first, newest = add(db, clinic.derm, [image_file(tmp_path / "a.jpg", RED, day(1), size=(400, 100)),
                                          image_file(tmp_path / "b.jpg", BLUE, day(9), size=(400, 100))])
    dialog = open_dialog(qtbot, user, db, clinic)
    assert dialog.print_button.shortcut() == QKeySequence(QKeySequence.StandardKey.Print)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # the device: a PDF file instead of paper
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    printer.setResolution(60)  # a coarse page keeps the test quick; the paper is the same
    dialog.printer = printer
    asked: list[str] = []

    def answer(reply: int) -> Callable[[QPrintDialog], int]:
        def exec_(box: QPrintDialog) -> int:
            asked.append(box.windowTitle())
            return reply
        return exec_

    monkeypatch.setattr(QPrintDialog, "exec", answer(0))  # Cancel
    dialog.print_button.click()
    qtbot.waitUntil(lambda: len(asked) == 1)
    assert not printed.exists() and client_audit(raw, "printed") == []

    monkeypatch.setattr(QPrintDialog, "exec", answer(1))  # Print
    dialog.print_button.click()
    qtbot.waitUntil(lambda: dialog.saved_label.text() == f"Sent to {printed}")
    assert asked == ["Print comparison", "Print comparison"]
    [page] = pypdf.PdfReader(printed).pages
    assert dialog.shown is not None
    own = pypdf.PdfReader(io.BytesIO(comparison_pdf(dialog.shown))).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == \
        (round(float(own.mediabox.width)), round(float(own.mediabox.height)))  # the PDF's paper
    [picture] = page.images  # the PDF's page, rendered: the before photo's red left of the after photo's blue
    with picture.image as image:
        small = image.convert("RGB").resize((image.width // 4, image.height // 4))
    rows = [[small.getpixel((x, y)) for x in range(small.width)] for y in range(small.height)]
    both = [row for row in rows if any(near(c, RED) for c in row) and any(near(c, BLUE) for c in row)]
    assert both, "no row of the printed page shows both photos"
    reds = [x for x, c in enumerate(both[0]) if near(c, RED)]
    blues = [x for x, c in enumerate(both[0]) if near(c, BLUE)]
    assert max(reds) < min(blues)
    assert [(d["kind"], d["format"], d["photo_ids"]) for d in client_audit(raw, "printed")] == [
        ("photo comparison", "pdf", [first, newest])]
