"""The signature pad: a stroke drawn with the left button (or a tap) becomes dark ink on a white PNG the size of
the pad, each stroke says it changed, another button draws nothing, and Clear forgets the drawing."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from clinic_log.services.clients.consents import PNG_MAGIC
from clinic_log.ui.clients.signature_pad import SignaturePad
from tests.ui.clients.drawing import drag


def make_pad(qtbot: QtBot) -> SignaturePad:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(300, 120)
    pad.show()
    qtbot.waitExposed(pad)
    return pad


def stored_image(pad: SignaturePad) -> QImage:
    png = pad.png_bytes()
    assert png is not None and png.startswith(PNG_MAGIC)
    image = QImage.fromData(png, "PNG")
    assert not image.isNull()
    return image


def inked(image: QImage, x: int, y: int, ratio: float = 1.0) -> bool:
    """Whether the pixel at pad point (x, y) is ink (dark), not the white page."""
    return image.pixelColor(round(x * ratio), round(y * ratio)).lightness() < 128


def test_clearing_the_pad_forgets_the_drawing(qtbot: QtBot) -> None:
    pad = make_pad(qtbot)
    drag(pad, [(10, 10), (100, 50)])
    assert pad.png_bytes() is not None
    pad.clear()
    assert pad.is_empty() and pad.png_bytes() is None


def test_nothing_is_signed_until_something_is_drawn(qtbot: QtBot) -> None:
    pad = make_pad(qtbot)
    assert pad.is_empty() and pad.png_bytes() is None


def test_a_stroke_is_dark_ink_on_white_at_the_pads_size_and_says_it_changed(qtbot: QtBot) -> None:
    pad = make_pad(qtbot)
    changes: list[None] = []
    pad.changed.connect(lambda: changes.append(None))
    drag(pad, [(20, 60), (150, 60), (280, 60)])
    assert len(changes) == 1  # once per stroke, not per move
    image = stored_image(pad)
    ratio = pad.devicePixelRatioF()
    assert (image.width(), image.height()) == (round(300 * ratio), round(120 * ratio))
    assert inked(image, 150, 60, ratio) and inked(image, 280, 60, ratio)
    assert not inked(image, 150, 20, ratio) and not inked(image, 5, 5, ratio)  # white around it, no guide line


def test_a_tap_leaves_a_dot(qtbot: QtBot) -> None:
    pad = make_pad(qtbot)
    QTest.mouseClick(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(40, 40))
    assert not pad.is_empty()
    assert inked(stored_image(pad), 40, 40, pad.devicePixelRatioF())


def test_the_right_button_draws_nothing(qtbot: QtBot) -> None:
    pad = make_pad(qtbot)
    changes: list[None] = []
    pad.changed.connect(lambda: changes.append(None))
    drag(pad, [(20, 60), (150, 60)], button=Qt.MouseButton.RightButton)
    assert pad.is_empty() and changes == []


def test_a_finger_draws_like_the_mouse(qtbot: QtBot) -> None:
    pad = make_pad(qtbot)
    changes: list[None] = []
    pad.changed.connect(lambda: changes.append(None))
    finger = QTest.createTouchDevice()
    QTest.touchEvent(pad, finger).press(0, QPoint(20, 80)).commit()
    QTest.touchEvent(pad, finger).move(0, QPoint(200, 80)).commit()
    QTest.touchEvent(pad, finger).release(0, QPoint(200, 80)).commit()
    assert len(changes) == 1
    image, ratio = stored_image(pad), pad.devicePixelRatioF()

    def column_inked(x: int) -> bool:  # touch points may land a pixel or two off where they were sent
        return any(inked(image, x, y, ratio) for y in range(70, 91))

    assert column_inked(110) and column_inked(190)
    assert not column_inked(10) and not column_inked(250)
