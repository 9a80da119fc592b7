"""Screenshots of Clinic Log's screens for the docs: `python -m tools.screenshots` writes docs/screenshots/*.png.

Runs headless (Qt's offscreen platform) on a temporary database holding the sample CSVs plus demo data, at
1366×768. Each screen is a (name, builder) pair in SCREENS: a builder gets the prepared scene and returns the
widget to grab, so a new screen is one function and one line. `QT_SCALE_FACTOR=2 python -m tools.screenshots
--out /tmp/shots@2x` checks the layout at 200 %.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from PIL import Image, ImageDraw, ImageFilter
from PySide6.QtCore import QEvent, QEventLoop, QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from clinic_log import paths
from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import ConsentPurpose, UserRole
from clinic_log.services.backup.database import prepare_database
from clinic_log.services.clients.clients import (
    ClientDetails,
    add_finding,
    add_history,
    create_client,
    find_clients,
    set_fitzpatrick,
)
from clinic_log.services.clients.consents import consents_of, record_consent
from clinic_log.services.exchange.demo import generate_demo
from clinic_log.services.exchange.importer import import_clients, import_practitioners, import_sessions
from clinic_log.services.photos.photos import add_photos, list_photos
from clinic_log.services.sessions.amendments import amend_session_field
from clinic_log.services.sessions.decisions import DecisionInput, close_decision, open_decisions, record_decision
from clinic_log.services.sessions.session_filter import SessionFilter
from clinic_log.services.sessions.session_queries import get_session, list_sessions
from clinic_log.ui.clients.clients_page import ClientsPage
from clinic_log.ui.common import form_autosave
from clinic_log.ui.common.fonts import add_fallback_fonts
from clinic_log.ui.common.icons import app_icon
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.photos.camera_source import CameraSource
from clinic_log.ui.photos.capture_dialog import CaptureDialog
from clinic_log.ui.sessions.form.session_form import SessionFormDialog
from clinic_log.ui.sessions.history_page import SessionHistoryPage
from clinic_log.ui.sessions.session_detail_dialog import SessionDetailDialog
from clinic_log.ui.shell.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
SIZE = (1366, 768)
ACTOR = Actor("owner", UserRole.OWNER)


def samples_dir() -> Path:
    shared = ROOT.parent / "shared" / "samples"
    return shared if shared.is_dir() else ROOT / "tests" / "samples"


@dataclass
class Scene:
    """What the builders share: the app, a filled database and the main window showing it."""

    app: QApplication
    db: Database
    location: str
    window: MainWindow
    user: UserSession  # who the window acts as (a builder may sign someone else in, then the owner back)


def build_database(folder: Path) -> tuple[Database, str]:
    location = str(folder / "clinic.sqlite3")
    db = prepare_database(location)
    samples = samples_dir()
    import_practitioners(db, ACTOR, samples / "practitioners.csv")
    import_clients(db, ACTOR, samples / "clients.csv")
    import_sessions(db, ACTOR, samples / "sessions.csv")
    import_sessions(db, ACTOR, todays_sessions(samples / "sessions.csv", folder / "today.csv"))
    generate_demo(db, ACTOR, clients=40, sessions=400, seed=7, allow_existing=True)  # beside the samples
    return db, location


def todays_sessions(sessions_csv: Path, out: Path) -> Path:
    """The sample sessions again, as if treated this morning (for the Today filter and the aftercare preview)."""
    with sessions_csv.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    starts = sorted({row["started_at"] for row in rows})
    now = datetime.now().replace(second=0, microsecond=0)
    midnight = now.replace(hour=0, minute=0)
    moved = {start: max(now - timedelta(minutes=40 * (len(starts) - n)), midnight + timedelta(minutes=n))
             for n, start in enumerate(starts)}
    with out.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "started_at": moved[row["started_at"]].isoformat(timespec="minutes")})
    return out


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def wait_until(app: QApplication, done: Callable[[], bool], what: str, timeout_s: float = 30.0) -> None:
    """Run the event loop until `done()` (background work, QtPdf rendering) or fail after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def counted(page: SessionHistoryPage) -> bool:
    return bool(page.summary) and not page.summary.startswith("Counting")


def has_dark_pixels(widget: QWidget) -> bool:
    """True once `widget` shows some text (dark pixels): the PDF view paints its pages in the background."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    return min(bytes(image.constBits()), default=255) < 80


# --- screens -------------------------------------------------------------------------------------


def main_window(scene: Scene) -> QWidget:
    wait_until(scene.app, lambda: counted(scene.window.page), "the session count")
    return scene.window


def about_box(scene: Scene) -> QWidget:
    """Help → About Clinic Log… over the main window (the shot is the window with the box on it, centred as a
    window manager would put it): the icon, the version, the database and the data folder."""
    wait_until(scene.app, lambda: counted(scene.window.page), "the session count")
    before = os.environ.get(paths.DATA_DIR_ENV)
    os.environ[paths.DATA_DIR_ENV] = str(Path(scene.location).parent)  # the shots' folder, not this user's own
    try:
        dialog = scene.window.open_about()
    finally:
        if before is None:
            os.environ.pop(paths.DATA_DIR_ENV)
        else:
            os.environ[paths.DATA_DIR_ENV] = before
    settle(scene.app)
    return _over_window(scene, dialog)


def _over_window(scene: Scene, dialog: QWidget) -> QWidget:
    """The main window with `dialog` painted on it, centred, with a frame (offscreen windows have none); the dialog
    is closed, the picture returned as a label."""
    shot = scene.window.grab()
    box = dialog.grab()
    dialog.close()
    window_size, box_size = shot.deviceIndependentSize().toSize(), box.deviceIndependentSize().toSize()  # at 200 %
    painter = QPainter(shot)
    x, y = (window_size.width() - box_size.width()) // 2, (window_size.height() - box_size.height()) // 3
    painter.fillRect(x + 5, y + 5, box_size.width() + 2, box_size.height() + 2, QColor(0, 0, 0, 60))  # a shadow
    painter.setPen(QPen(QColor("#5f6b75"), 1))
    painter.drawRect(x - 1, y - 1, box_size.width() + 1, box_size.height() + 1)
    painter.drawPixmap(x, y, box)
    painter.end()
    label = QLabel()
    label.setPixmap(shot)
    label.resize(window_size)
    label.show()
    return label


def main_window_today(scene: Scene) -> QWidget:
    """Reception's view: Today pressed, the session of the client at the desk selected."""
    page = scene.window.page
    page.filter_bar.today_button.click()
    wait_until(scene.app, lambda: counted(page), "the session count")
    page.view.selectRow(min(2, page.model.rowCount() - 1))
    return scene.window


def aftercare_preview(scene: Scene) -> QWidget:
    """The sheet of today's session with a complication (its instructions print on the sheet)."""
    page = scene.window.page
    if not page.filter_bar.today_button.isChecked():
        page.filter_bar.today_button.click()
    rows = [page.model.session_row(r) for r in range(page.model.rowCount())]
    chosen = next((row for row in rows if row.complications), rows[0])
    dialog = scene.window.open_aftercare(chosen)
    wait_until(scene.app, lambda: dialog.is_ready, "the aftercare sheet")
    wait_until(scene.app, lambda: has_dark_pixels(dialog.view.viewport()), "the PDF view to paint the sheet")
    return dialog


def aftercare_template(scene: Scene) -> QWidget:
    dialog = scene.window.open_template_editor()
    if dialog is None:
        raise RuntimeError("the aftercare template dialog could not be opened")
    return dialog


def aftercare_template_complications(scene: Scene) -> QWidget:
    """The template dialog on its Complications tab: the paragraph each complication type prints."""
    dialog = scene.window.open_template_editor()
    if dialog is None:
        raise RuntimeError("the aftercare template dialog could not be opened")
    dialog.tabs.setCurrentWidget(dialog.complications)
    return dialog


def session_detail(scene: Scene) -> QWidget:
    """The detail dialog of a session with a complication: the newest one before today that also has a warning
    (a sample session), amended once so the amendment table shows."""
    today = datetime.now().astimezone().date()  # this morning's copies of the samples are for the Today screens
    rows = [row for row in list_sessions(scene.db, SessionFilter(), limit=5000)
            if row.complications and row.started_at.astimezone().date() < today]
    details = (get_session(scene.db, row.id) for row in rows)
    chosen = next((d for d in details if d.warnings), None) or get_session(scene.db, rows[0].id)
    if chosen.status == "signed":
        notes = f"{chosen.notes or ''}; resolved by day 10".lstrip("; ")
        amend_session_field(scene.db, ACTOR, chosen.id, "notes", notes, "follow-up call on day 10")
    dialog = scene.window.open_session(chosen.id)
    if dialog is None:
        raise RuntimeError(f"session {chosen.id} could not be opened")
    return dialog


def _session_form(scene: Scene, client_ref: str, practitioner: str) -> SessionFormDialog:
    """A new-session form for a sample client, the practitioner chosen by username."""
    client = next(c for c in find_clients(scene.db, client_ref) if c.client_ref == client_ref)
    form = scene.window.new_session(client.id)
    if not isinstance(form, SessionFormDialog):
        raise RuntimeError(f"no session form for {client_ref}")
    form.resize(*SIZE)
    chosen = next(p for p in form.choices.practitioners if p.username == practitioner)
    form.practitioner.setCurrentIndex(form.practitioner.findData(chosen.id))
    if form.device.currentData() is None:
        form.device.setCurrentIndex(1)
    return form


def _checked(scene: Scene, form: SessionFormDialog) -> None:
    """Check now and wait for the services' answer (a new assessment, or an error line when it could not run)."""
    before, first_line = form.assessment, form.panel.list.item(0)

    def answered() -> bool:
        if form.assessment is not None:
            return form.assessment is not before
        line = form.panel.list.item(0)
        return line is not None and line is not first_line and line.text().startswith("Error: ")

    form.check_now()
    if form.entry() is not None:  # otherwise check_now showed what is wrong at once
        wait_until(scene.app, answered, "the session check")


def session_form_warnings(scene: Scene) -> QWidget:
    """A nurse logging three areas for a Fitzpatrick VI client without naming her supervisor: the checks warn."""
    form = _session_form(scene, "P-1003", "jdoyle")
    form.supervisor.setCurrentIndex(0)  # not chosen yet
    for code, depth in (("forehead", 0.4), ("cheeks", 1.5), ("chin_jaw", 0.75)):
        form.toggle_area(code)
        form.area_rows.rows[-1].depth.setText(f"{depth:g}")
    form.products.numbing.setChecked(True)
    form.panel.reason.setPlainText("test patch on 1 Oct tolerated; Dr Brandt reachable by phone")
    _checked(scene, form)
    return form


_ON_ISOTRETINOIN: set[str] = set()


def _isotretinoin_client(scene: Scene, client_ref: str) -> None:
    """The client stopped isotretinoin a month ago: an absolute contraindication for six months (a stop)."""
    if client_ref in _ON_ISOTRETINOIN:
        return
    _ON_ISOTRETINOIN.add(client_ref)
    client = next(c for c in find_clients(scene.db, client_ref) if c.client_ref == client_ref)
    today = date.today()
    add_finding(scene.db, ACTOR, client.id, "isotretinoin", today - timedelta(days=200),
                ends_on=today - timedelta(days=30))


def session_form_stop(scene: Scene) -> QWidget:
    """A nurse at the chair: the client's isotretinoin is a red STOP she cannot override, and the new lot she
    scanned has no expiry yet."""
    _isotretinoin_client(scene, "P-1002")
    form = _session_form(scene, "P-1002", "jdoyle")
    form.supervisor.setCurrentIndex(1)
    scene.user.sign_in(Actor("jdoyle", UserRole.PRACTITIONER, form.practitioner.currentData()))
    for code, depth in (("forehead", "0.4"), ("cheeks", "0.8")):
        form.toggle_area(code)
        form.area_rows.rows[-1].depth.setText(depth)
    form.lot.setText("DP16-250301")
    form.cartridge.typed()
    form.cartridge.look_up()
    _checked(scene, form)
    scene.user.sign_in(ACTOR)
    return form


def session_form_override(scene: Scene) -> QWidget:
    """The dermatologist's own session for a client on isotretinoin: she may override the stop, with a reason."""
    _isotretinoin_client(scene, "P-1003")
    form = _session_form(scene, "P-1003", "mbrandt")
    scene.user.sign_in(Actor("mbrandt", UserRole.PRACTITIONER, form.practitioner.currentData()))
    form.toggle_area("forehead")
    form.area_rows.rows[-1].depth.setText("0,45")
    form.panel.override.setPlainText("stopped after 4 weeks at 10 mg; letter from Dr Osei on file")
    _checked(scene, form)
    scene.user.sign_in(ACTOR)
    return form


def session_draft_override(scene: Scene) -> QWidget:
    """A nurse's draft for the client on isotretinoin, viewed by the dermatologist after she overrode the stop."""
    from clinic_log.domain.values import AreaInput, SessionInput
    from clinic_log.services.devices.devices import list_devices
    from clinic_log.services.people.people import list_practitioners
    from clinic_log.services.sessions.sessions import override_stops, save_draft

    _isotretinoin_client(scene, "P-1003")
    client = next(c for c in find_clients(scene.db, "P-1003") if c.client_ref == "P-1003")
    people = {p.username: p for p in list_practitioners(scene.db)}
    nurse, derm = people["jdoyle"], people["mbrandt"]
    device = list_devices(scene.db)[0]
    entry = SessionInput(client.id, nurse.id, datetime.now().astimezone().replace(second=0, microsecond=0),
                         device_id=device.id, supervisor_id=derm.id, supervisor_presence="on_site",
                         areas=(AreaInput("forehead", 0.4, 2), AreaInput("cheeks", 0.8, 2)))
    draft = save_draft(scene.db, Actor("jdoyle", UserRole.PRACTITIONER, nurse.id), entry)
    maria = Actor("mbrandt", UserRole.PRACTITIONER, derm.id)
    override_stops(scene.db, maria, draft.id, "stopped after 4 weeks at 10 mg; reviewed the letter with her",
                   version=draft.version)
    scene.user.sign_in(maria)
    dialog = scene.window.open_session(draft.id)
    scene.user.sign_in(ACTOR)
    if dialog is None:
        raise RuntimeError(f"session {draft.id} could not be opened")
    return dialog


def session_form_face_map(scene: Scene) -> QWidget:
    """The areas part of the form: four face areas and the abdomen chosen on the map, each with its row."""
    form = _session_form(scene, "P-1001", "mbrandt")
    for code in ("forehead", "periorbital", "cheeks", "perioral", "abdomen"):
        form.toggle_area(code)
    _checked(scene, form)
    form.form_scroll.ensureWidgetVisible(form.areas_box, 0, 0)
    form.form_scroll.verticalScrollBar().setValue(form.areas_box.y())
    return form


def _morpheus8(scene: Scene) -> int:
    """A Morpheus8 in service (the samples have none): an RF device with tips and an energy level."""
    from clinic_log.services.devices.devices import add_device, list_devices

    existing = next((d for d in list_devices(scene.db) if d.model == "Morpheus8"), None)
    return existing.id if existing is not None else add_device(scene.db, ACTOR, "Morpheus8", "M8-20417").id


def session_form_rf(scene: Scene) -> QWidget:
    """An RF session: each area's indication and tip, the energy in the Morpheus8's "level"; the face area treated
    with the body tip is warned at its row."""
    device_id = _morpheus8(scene)
    form = _session_form(scene, "P-1005", "mbrandt")
    form.device.setCurrentIndex(form.device.findData(device_id))
    rows = (("cheeks", "acne_scars", "facial", "2.5", "25"), ("perioral", None, "prime", "1", "15"),
            ("chin_jaw", None, "body", "2", "30"), ("abdomen", "stretch_marks", "body", "4", "40"))
    for code, indication, tip, depth, energy in rows:
        form.toggle_area(code)
        row = form.area_rows.rows[-1]
        row.indication.setCurrentIndex(row.indication.findData(indication))
        row.tip.setCurrentIndex(row.tip.findData(tip))
        row.depth.setText(depth)
        row.rf_energy.setText(energy)
    _checked(scene, form)
    form.form_scroll.ensureWidgetVisible(form.areas_box, 0, 0)
    form.form_scroll.verticalScrollBar().setValue(form.areas_box.y())
    return form


def session_signed(scene: Scene) -> QWidget:
    """A session signed from the form opens read-only."""
    form = _session_form(scene, "P-1004", "mbrandt")
    for code in ("forehead", "cheeks", "neck"):
        form.toggle_area(code)
    form.panel.reason.setPlainText("consent signed on paper today, scanned after the session")
    _checked(scene, form)  # the practitioner signs over the checks she was shown
    before = scene.window.findChildren(SessionDetailDialog)
    if not form.sign():
        raise RuntimeError(f"the session could not be signed: {form.panel.status.text()}")

    def opened() -> list[SessionDetailDialog]:
        return [d for d in scene.window.findChildren(SessionDetailDialog)
                if d.isVisible() and not any(d is old for old in before)]

    wait_until(scene.app, lambda: bool(opened()), "the signed session's detail dialog")
    return opened()[0]
def _clients_page(scene: Scene) -> ClientsPage:
    page = scene.window.pages.show_page("clients")
    assert isinstance(page, ClientsPage)
    return page


def client_list(scene: Scene) -> QWidget:
    """The Clients tab with a search typed: accent-free "o" finds names in any script."""
    _consultation_client(scene)
    page = _clients_page(scene)
    page.show_list()
    page.search_edit.setText("zofia")
    return scene.window


def _consultation_client(scene: Scene) -> int:
    """A client with a full consultation: history, an isotretinoin course, keloid history, skin type V."""
    found = find_clients(scene.db, "SHOT-1")
    if found:
        return found[0].id
    client = create_client(scene.db, ACTOR, ClientDetails("SHOT-1", "Zófia", "Łukasiewicz", date(1990, 1, 1),
                                                          "+48 501 234 567", "zofia@example.com"))
    today = date.today()
    set_fitzpatrick(scene.db, ACTOR, client.id, 5)
    for kind, text in (("condition", "Mild asthma"), ("medication", "Isotretinoin 20 mg daily (stopped)"),
                       ("allergy", "Nickel"), ("concern", "Atrophic acne scars on both cheeks"),
                       ("outcome", "Smoother texture before her wedding in spring")):
        add_history(scene.db, ACTOR, client.id, kind, text, today)
    add_finding(scene.db, ACTOR, client.id, "isotretinoin", today - timedelta(days=200),
                today - timedelta(days=40), "20 mg daily")
    add_finding(scene.db, ACTOR, client.id, "keloid_history", today - timedelta(days=30), None, "left ear lobe")
    add_finding(scene.db, ACTOR, client.id, "implanted_device", today - timedelta(days=30), None, "pacemaker")
    record_consent(scene.db, ACTOR, client.id, "Zófia Łukasiewicz", today - timedelta(days=400))
    return client.id


def consultation_form(scene: Scene) -> QWidget:
    page = _clients_page(scene)
    page.open_client(_consultation_client(scene))
    return scene.window


def pretreatment_preview(scene: Scene) -> QWidget:
    """Pre-treatment sheet… on the client page of the consultation client: their findings in the "For you" box."""
    page = _clients_page(scene)
    client_page = page.open_client(_consultation_client(scene))
    dialog = client_page.open_pretreatment()
    if dialog is None:
        raise RuntimeError("the pre-treatment sheet could not be opened")
    from clinic_log.ui.clients.aftercare_preview import SheetPreviewDialog

    assert isinstance(dialog, SheetPreviewDialog)
    wait_until(scene.app, lambda: dialog.is_ready, "the pre-treatment sheet")
    wait_until(scene.app, lambda: has_dark_pixels(dialog.view.viewport()), "the PDF view to paint the sheet")
    return dialog


def suitability_panel(scene: Scene) -> QWidget:
    page = _clients_page(scene)
    page.open_client(_consultation_client(scene))
    return page.client_page.suitability


def client_decisions(scene: Scene) -> QWidget:
    """The consultation client (not suitable today: a pacemaker) with a referral and a deferral open, and an
    alternative closed (listed after them, greyed)."""
    page = _clients_page(scene)
    client_id = _consultation_client(scene)
    today = date.today()
    if not open_decisions(scene.db, client_id, today):
        closed = record_decision(scene.db, ACTOR, client_id, DecisionInput(
            "alternative", "retinoid started last week", alternative="LED therapy until the skin settles"), today)
        close_decision(scene.db, ACTOR, closed, "retinoid stopped; needling possible again")
        record_decision(scene.db, ACTOR, client_id, DecisionInput(
            "referral", "pacemaker: needs the cardiologist's word before any RF treatment",
            referred_to="Dr Ahmed Karim, cardiologist"), today)
        record_decision(scene.db, ACTOR, client_id, DecisionInput(
            "defer", "keloid on the left ear lobe still active", review_on=today + timedelta(days=60)), today)
    page.open_client(client_id)
    return scene.window


def decision_dialog(scene: Scene) -> QWidget:
    """Record decision… on the consultation client's page, a referral being typed."""
    page = _clients_page(scene)
    client_page = page.open_client(_consultation_client(scene))
    dialog = client_page.open_decision()
    if dialog is None:
        raise RuntimeError("the decision dialog could not be opened")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("referral"))
    dialog.reason_edit.setPlainText("Suspicious pigmented lesion on the left cheek, changed in size since spring")
    dialog.referred_edit.setText("dermatologist")
    return dialog


def consent_dialog(scene: Scene) -> QWidget:
    page = _clients_page(scene)
    client_page = page.open_client(_consultation_client(scene))
    dialog = client_page.open_consent()
    if dialog is None:
        raise RuntimeError("the consent dialog could not be opened")
    dialog.show()
    settle(scene.app)
    _draw_signature(dialog.pad)
    return dialog


def _draw_signature(pad: QWidget) -> None:
    """One wavy mouse stroke across the signature pad, as a client would sign."""
    height = pad.height()
    stroke = [(40 + i * 6, int(height * 0.55 + (12 if i % 4 < 2 else -14) * (1 + i % 3) / 2)) for i in range(40)]
    for n, (x, y) in enumerate(stroke):
        kind = QEvent.Type.MouseButtonPress if n == 0 else QEvent.Type.MouseMove
        QApplication.sendEvent(pad, QMouseEvent(kind, QPointF(x, y), QPointF(x, y), Qt.MouseButton.LeftButton,
                                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    QApplication.sendEvent(pad, QMouseEvent(QEvent.Type.MouseButtonRelease, QPointF(*stroke[-1]),
                                            QPointF(*stroke[-1]), Qt.MouseButton.LeftButton,
                                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))


class _StillCamera(CameraSource):
    """The camera of the capture shot: shows one picture as its live image."""

    def __init__(self, picture: QImage) -> None:
        super().__init__()
        self.picture = picture

    def name(self) -> str:
        return "Studio camera"

    def start(self) -> None:
        QTimer.singleShot(0, lambda: self.frame.emit(self.picture))

    def capture(self) -> None:
        QTimer.singleShot(0, lambda: self.captured.emit(self.picture.copy()))

    def stop(self) -> None:
        pass


def _face(dx: int, dy: int, scars: bool) -> QImage:
    """A drawn head and shoulders against a backdrop, moved by (dx, dy): the earlier photo sits a little off."""
    image = QImage(1280, 960, QImage.Format.Format_RGB32)
    image.fill(QColor("#9fb4c7"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(dx, dy)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#3b4a5a"))
    painter.drawEllipse(QPointF(640, 1060), 420, 260)  # shoulders
    painter.setBrush(QColor("#d9a27e"))
    painter.drawRect(580, 640, 120, 200)  # neck
    painter.setBrush(QColor("#3a2418"))
    painter.drawEllipse(QPointF(640, 400), 250, 300)  # hair
    painter.setBrush(QColor("#e2b08c"))
    painter.drawEllipse(QPointF(640, 460), 200, 260)  # face
    painter.setBrush(QColor("#2b1d16"))
    for x in (565, 715):
        painter.drawEllipse(QPointF(x, 420), 22, 13)  # eyes
    painter.setBrush(QColor("#b0645a"))
    painter.drawEllipse(QPointF(640, 610), 55, 18)  # mouth
    painter.setPen(QPen(QColor("#c48a68"), 6))
    painter.drawLine(640, 450, 628, 540)  # nose
    if scars:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#c27f6a"))
        for x, y in ((520, 520), (540, 548), (505, 560), (760, 530), (742, 560), (775, 566), (530, 585)):
            painter.drawEllipse(QPointF(x, y), 9, 7)
    painter.end()
    return image


def photo_capture(scene: Scene) -> QWidget:
    """The camera window with the front photo of six weeks ago as a ghost over the live image, and the grid."""
    found = find_clients(scene.db, "SHOT-2")
    client_id = found[0].id if found else create_client(scene.db, ACTOR, ClientDetails(
        "SHOT-2", "Amara", "Okafor", date(1988, 3, 14), "+44 7700 900123", "amara@example.com")).id
    if not list_photos(scene.db, ACTOR, "SHOT-2"):
        record_consent(scene.db, ACTOR, client_id, "Amara Okafor", date.today() - timedelta(days=50),
                       purpose=ConsentPurpose.PHOTOS_CLINICAL)
        with tempfile.TemporaryDirectory() as folder:
            before = Path(folder) / "before.png"
            _face(38, 22, scars=True).save(str(before))
            add_photos(scene.db, ACTOR, "SHOT-2", [before], view="front",
                       taken=datetime.now(UTC) - timedelta(days=42))
    dialog = CaptureDialog(scene.db, scene.user, "SHOT-2", "Amara Okafor",
                           source=_StillCamera(_face(0, 0, scars=False)))
    dialog.resize(*SIZE)
    dialog.show()
    wait_until(scene.app, lambda: dialog.capture_button.isEnabled() and "Ghost:" in dialog.ghost_label.text(),
               "the live image and its ghost")
    return dialog


def consent_history(scene: Scene) -> QWidget:
    """The consultation client signs again today (drawn); All consents… then lists both consents."""
    page = _clients_page(scene)
    client_page = page.open_client(_consultation_client(scene))
    if len(consents_of(scene.db, client_page.record.client.id if client_page.record else 0)) < 2:
        dialog = client_page.open_consent()
        if dialog is None:
            raise RuntimeError("the consent dialog could not be opened")
        dialog.show()
        settle(scene.app)
        _draw_signature(dialog.pad)
        dialog.sign_button.click()
        settle(scene.app)
    history = client_page.open_consent_history()
    if history is None:
        raise RuntimeError("the consent history could not be opened")
    history.show()
    return history


def _drawn_face(view: str, visit: int, size: tuple[int, int] = (600, 800)) -> Image.Image:
    """A drawn stand-in for a clinic photo (no real client's face in the docs): a head turned as the view says,
    with acne scars that fade visit by visit."""
    rng = random.Random(f"{view}-{visit}")
    image = Image.new("RGB", size, (206, 214, 218))
    draw = ImageDraw.Draw(image)
    width, height = size
    turn = {"front": 0, "left45": -0.12, "right45": 0.12, "left90": -0.22, "right90": 0.22}.get(view, 0)
    if view == "closeup":
        draw.rectangle((0, 0, width, height), fill=(222, 178, 150))
        scars, radius = 90, (6, 14)
    else:
        cx, cy = width * (0.5 + turn), height * 0.46
        draw.rectangle((cx - 70, cy + 170, cx + 70, height), fill=(214, 170, 142))  # neck
        draw.ellipse((cx - 190, cy - 250, cx + 190, cy + 250), fill=(224, 182, 152))
        draw.chord((cx - 200, cy - 290, cx + 200, cy + 40), 180, 360, fill=(86, 60, 44))  # hair
        for side in (-1, 1):
            if turn * side <= 0.15:  # an eye turned away is hidden
                ex = cx + side * 75 + turn * 260
                draw.ellipse((ex - 26, cy - 30, ex + 26, cy - 6), fill=(250, 250, 248))
                draw.ellipse((ex - 10, cy - 28, ex + 10, cy - 8), fill=(70, 52, 40))
        draw.line((cx + turn * 300, cy - 10, cx + turn * 380, cy + 60), fill=(190, 140, 118), width=6)  # nose
        draw.arc((cx - 60 + turn * 260, cy + 80, cx + 60 + turn * 260, cy + 140), 20, 160, fill=(170, 90, 90), width=6)
        scars, radius = 60, (3, 8)
    fade = max(0.15, 1 - 0.28 * visit)
    box = (0, 0, width, height) if view == "closeup" else (width * (0.3 + turn), height * 0.45,
                                                           width * (0.7 + turn), height * 0.72)
    for _ in range(int(scars * fade)):
        x, y = rng.uniform(box[0], box[2]), rng.uniform(box[1], box[3])
        r = rng.uniform(*radius)
        shade = (int(224 - 70 * fade), int(182 - 80 * fade), int(152 - 70 * fade))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=shade)
    return image.filter(ImageFilter.GaussianBlur(1.2))


def _photo_client(scene: Scene) -> tuple[int, str, str]:
    """The consultation client with a course's photos: four visits of the front, three of each 45° view, close-ups
    of the cheeks; (id, ref, name)."""
    from clinic_log.domain.enums import ConsentPurpose
    from clinic_log.services.clients.client_record import client_record
    from clinic_log.services.photos.photos import add_photos, list_photos

    client_id = _consultation_client(scene)
    client = client_record(scene.db, client_id, date.today()).client
    if list_photos(scene.db, ACTOR, client.client_ref):
        return client_id, client.client_ref, client.full_name
    record_consent(scene.db, ACTOR, client_id, client.full_name, date.today() - timedelta(days=130),
                   purpose=ConsentPurpose.PHOTOS_CLINICAL)
    first = datetime.now(UTC).replace(hour=10, minute=5, second=0, microsecond=0) - timedelta(days=120)
    plan = {"front": 4, "left45": 3, "right45": 3, "closeup": 2}
    with tempfile.TemporaryDirectory() as folder:
        for view, visits in plan.items():
            for visit in range(visits):
                path = Path(folder) / f"{view}-{visit}.jpg"
                _drawn_face(view, visit).save(path, "JPEG", quality=88)
                add_photos(scene.db, ACTOR, client.client_ref, [path], view=view,
                           area="cheeks" if view == "closeup" else None,
                           taken=first + timedelta(days=35 * visit + (1 if view == "closeup" else 0)))
    return client_id, client.client_ref, client.full_name


def client_photos(scene: Scene) -> QWidget:
    """The client page of a client four visits into a course: the Photos box's strips, newest first."""
    client_id, _ref, _name = _photo_client(scene)
    page = _clients_page(scene)
    client_page = page.open_client(client_id)
    box = client_page.photos
    wait_until(scene.app, lambda: box.shown is not None and bool(box.shown.photos), "the client's photos")
    wait_until(scene.app, lambda: all(len(m.loaded_ids) == m.rowCount() for m in box.models.values()),
               "the thumbnails")
    return scene.window


def add_photos_other_use(scene: Scene) -> QWidget:
    """Adding a photo for other uses for a client who never signed the consent to them: the dialog says so and
    offers to record it, and the add waits."""
    from clinic_log.domain.enums import PhotoUse
    from clinic_log.ui.photos.add_photos_dialog import AddPhotosDialog

    _client_id, ref, name = _photo_client(scene)
    path = Path(tempfile.mkdtemp(prefix="clinic-log-shot-")) / "IMG_2041.jpg"
    _drawn_face("front", 3).save(path, "JPEG", quality=88)
    dialog = AddPhotosDialog(scene.db, scene.user, ref, name, [path], scene.window)
    dialog.show()
    dialog.use_combo.setCurrentIndex(dialog.use_combo.findData(PhotoUse.OTHER.value))
    wait_until(scene.app, dialog.consent_label.isVisible, "the other-use consent line")
    return dialog


def _compare(scene: Scene) -> QWidget:
    from clinic_log.domain.enums import PhotoView
    from clinic_log.ui.photos.compare_dialog import CompareDialog

    client_id, _ref, _name = _photo_client(scene)
    client_page = _clients_page(scene).open_client(client_id)
    box = client_page.photos
    wait_until(scene.app, lambda: box.shown is not None and bool(box.shown.photos), "the client's photos")
    dialog = box.open_compare(PhotoView.FRONT)
    assert isinstance(dialog, CompareDialog)
    wait_until(scene.app, lambda: dialog.shown is not None, "the photos to compare")
    settle(scene.app)
    return dialog


def photo_compare(scene: Scene) -> QWidget:
    """Compare… on the Photos box: the first front photo of the course beside the newest, zoomed in a little."""
    dialog = _compare(scene)
    dialog.state.zoom_by(1.25)
    return dialog


def photo_compare_wipe(scene: Scene) -> QWidget:
    """The same comparison as a wipe: before left of the split (at 45 %), after right of it."""
    dialog = _compare(scene)
    dialog.wipe_radio.setChecked(True)
    dialog.wipe_slider.setValue(45)
    return dialog


def photo_comparison_pdf(scene: Scene) -> QWidget:
    """The one-page PDF the client takes home, rendered with QtPdf (what "Save PDF for the client…" writes)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtGui import QPixmap
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtWidgets import QLabel

    from clinic_log.domain.enums import PhotoView
    from clinic_log.services.photos.comparison import comparison, comparison_pdf
    from clinic_log.services.photos.photos import comparison_pair

    _id, ref, _name = _photo_client(scene)
    pair = comparison_pair(scene.db, ACTOR, ref, PhotoView.FRONT)
    assert pair.before is not None and pair.after is not None
    pdf = comparison_pdf(comparison(scene.db, ACTOR, pair.before.id, pair.after.id))
    data = QByteArray(pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    points = document.pagePointSize(0)
    image = document.render(0, QSize(round(points.width() * 90 / 72), round(points.height() * 90 / 72)))
    label = QLabel()
    label.setPixmap(QPixmap.fromImage(image))
    label.resize(image.size())
    label.show()
    return label


def _treated_photo_client(scene: Scene) -> tuple[int, list[int]]:
    """The client with the most signed sessions, photographed at four of them (front and a close-up of the
    session's first area, taken as each started; the close-up of the third voided); (client id, those sessions'
    ids, oldest first)."""
    from sqlalchemy import func, select

    from clinic_log.db.models import Client, TreatmentSession
    from clinic_log.services.photos.photos import void_photo

    with scene.db.reading() as session:
        client_id, ref = session.execute(
            select(Client.id, Client.client_ref).join(TreatmentSession, TreatmentSession.client_id == Client.id)
            .where(TreatmentSession.status == "signed", TreatmentSession.voided_at.is_(None))
            .group_by(Client.id).order_by(func.count().desc(), Client.id).limit(1)).one()
    today = datetime.now().astimezone().date()
    signed = [row for row in list_sessions(scene.db, SessionFilter(client_id=client_id, status="signed"), limit=500)
              if row.started_at.astimezone().date() < today]
    chosen = sorted(signed, key=lambda row: row.started_at)[-4:]
    if list_photos(scene.db, ACTOR, ref):
        return client_id, [row.id for row in chosen]
    record_consent(scene.db, ACTOR, client_id, "Client", today - timedelta(days=30),
                   purpose=ConsentPurpose.PHOTOS_CLINICAL)
    with tempfile.TemporaryDirectory() as folder:
        for visit, row in enumerate(chosen):
            area = get_session(scene.db, row.id).areas[0].area_code
            for view, offset in (("front", 2), ("closeup", 4)):
                path = Path(folder) / f"{view}-{visit}.jpg"
                _drawn_face(view, visit).save(path, "JPEG", quality=88)
                added = add_photos(scene.db, ACTOR, ref, [path], session_id=row.id, view=view,
                                   area=area if view == "closeup" else None,
                                   taken=row.started_at + timedelta(minutes=offset))
                if view == "closeup" and visit == 2 and added.stored and added.stored[0].photo_id is not None:
                    void_photo(scene.db, ACTOR, added.stored[0].photo_id, "the wrong cheek", version=1)
    return client_id, [row.id for row in chosen]


def session_photos(scene: Scene) -> QWidget:
    """A signed session's view with the photos taken in it: front and a close-up of the treated area."""
    from clinic_log.ui.photos.session_photos import SessionPhotosBox

    _client_id, sessions = _treated_photo_client(scene)
    dialog = scene.window.open_session(sessions[-1])
    if dialog is None:
        raise RuntimeError(f"session {sessions[-1]} could not be opened")
    box = dialog.findChild(SessionPhotosBox)
    assert box is not None
    wait_until(scene.app, lambda: box.shown is not None, "the session's photos")
    settle(scene.app)
    dialog.body_scroll.ensureWidgetVisible(box)  # below the record: scrolled to, so its thumbnails are painted
    wait_until(scene.app, lambda: all(len(m.loaded_ids) == m.rowCount() for m in box.models.values()),
               "the thumbnails")
    return dialog


def timeline_photos(scene: Scene) -> QWidget:
    """The timeline of that client: a mark for each photo on its day, one shape per view, named in the legend."""
    client_id, _sessions = _treated_photo_client(scene)
    dialog = scene.window.open_client_timeline(client_id=client_id)
    if dialog is None:
        raise RuntimeError("the client timeline could not be opened")
    return dialog


def login(scene: Scene) -> QWidget:
    """The login at start, after five wrong passwords: it says until when the account is locked."""
    from clinic_log.services.clinic.clinic_settings import read_clinic_name
    from clinic_log.services.people.auth import AccountLocked
    from clinic_log.ui.people.login_dialog import LoginDialog, locked_message

    dialog = LoginDialog(scene.db, clinic_name=read_clinic_name(scene.db), username="reception")
    until = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=5)
    dialog.message_label.setText(locked_message(AccountLocked("reception", until)))
    dialog.show()
    return dialog


def first_start_wizard(scene: Scene) -> QWidget:
    """First start on an empty database: the clinic's details (the owner account is the next page)."""
    from clinic_log.ui.clinic.first_start_wizard import FirstStartWizard

    wizard = FirstStartWizard(scene.db)
    page = wizard.clinic_page
    page.name_edit.setText("Harley Skin Studio")
    page.address_edit.setPlainText("12 Harley Street\nLondon W1G 9PF")
    page.phone_edit.setText("+44 20 7946 0000")
    wizard.show()
    return wizard


def practitioners_page(scene: Scene) -> QWidget:
    """The owner's Practitioners tab: reminders on top, a supervised nurse selected with her credentials."""
    from clinic_log.ui.people.practitioners_page import PractitionersPage

    page = scene.window.pages.show_page("practitioners")
    assert isinstance(page, PractitionersPage)
    nurse = next((p for p in page.model.records() if p.needs_supervision), None)
    if nurse is not None:
        page.select_practitioner(nurse.id)
    return scene.window


def practitioners_changed_elsewhere(scene: Scene) -> QWidget:
    """The owner edits a practitioner that another owner changed meanwhile on another workstation: the banner says
    who and when, the typing stays until Reload."""
    from datetime import UTC, datetime

    from clinic_log.services.common.change_feed import Change
    from clinic_log.ui.common import operations
    from clinic_log.ui.people.practitioners_page import PractitionersPage

    page = scene.window.pages.show_page("practitioners")
    assert isinstance(page, PractitionersPage)
    shown = page.selected()
    assert shown is not None
    page.full_name_edit.setText(shown.full_name + " RGN")
    operations.changes.announce_elsewhere((Change(0, "updated", "practitioner", str(shown.id), "owner2",
                                                  datetime.now(UTC)),))  # as the change feed brings it
    return scene.window


def devices_page(scene: Scene) -> QWidget:
    """The owner's Devices and lots tab: a retired pen among the devices, registered lots counted down by sessions
    beside the older lots whose quantity was never recorded."""
    from clinic_log.domain.errors import DomainError
    from clinic_log.services.devices import devices, lots
    from clinic_log.ui.devices.devices_page import DevicesPage

    today = date.today()
    try:  # the scene is shared: a second run of this screen finds them there
        old = devices.add_device(scene.db, ACTOR, "Dermapen 4", "DP4-0815", today - timedelta(days=5 * 365))
        devices.set_in_service(scene.db, ACTOR, old.id, False, seen_version=1)
        for number, days, model, quantity in (("DP16-260105", 400, "Dermapen 4", "100"),
                                              ("SPP-260220", 25, "SkinPen Precision", "40"),
                                              ("M8P-260301", 300, "Morpheus8", "12")):
            lots.add_lot(scene.db, ACTOR, lots.LotInput(number, today + timedelta(days=days), model, quantity))
    except DomainError:
        pass
    page = scene.window.pages.show_page("devices")
    assert isinstance(page, DevicesPage)
    page.refresh()
    return scene.window


def users_page(scene: Scene) -> QWidget:
    scene.window.pages.show_page("users")
    return scene.window


def amendment_history(scene: Scene) -> QWidget:
    """A signed session amended twice (a depth and a late complication), its History panel in view."""
    from clinic_log.domain.values import ComplicationInput
    from clinic_log.services.sessions.amendments import add_late_complication, amend_area_field

    rows = list_sessions(scene.db, SessionFilter(status="signed"), limit=50)
    chosen = next(get_session(scene.db, r.id) for r in rows if r.complications == 0)
    amend_area_field(scene.db, ACTOR, chosen.areas[0].id, "depth_mm", f"{chosen.areas[0].depth_mm + 0.25:.2f}",
                     "depth misread from the pen display",
                     warnings_reason="scarred forehead: deeper on purpose, as planned")
    add_late_complication(scene.db, ACTOR, chosen.id, ComplicationInput("pih", 1), "follow-up call on day 12")
    dialog = scene.window.open_session(chosen.id)
    if dialog is None:
        raise RuntimeError(f"session {chosen.id} could not be opened")
    settle(scene.app)
    bar = dialog.body_scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    return dialog


def _amend_dialog(scene: Scene, depth: str) -> QWidget:
    """The first signed session's Amend dialog with its first area's depth changed to `depth`."""
    from clinic_log.ui.sessions.amend_dialog import AmendDialog

    row = list_sessions(scene.db, SessionFilter(status="signed"), limit=1)[0]
    dialog = AmendDialog(scene.db, scene.user, get_session(scene.db, row.id), scene.window)
    dialog.choose(dialog.field_combo.itemText(4))  # the first area's depth
    dialog.value_edit.setText(depth)
    dialog.reason_edit.setPlainText("depth misread from the pen display")
    dialog.show()
    return dialog


def amend_dialog_warning(scene: Scene) -> QWidget:
    """An amendment that takes a depth beyond the area's usual range asks for a reason for that warning."""
    dialog = _amend_dialog(scene, "2,5")
    dialog.save()  # type: ignore[attr-defined]
    return dialog


def amend_dialog(scene: Scene) -> QWidget:
    return _amend_dialog(scene, "0.75")


def backups(scene: Scene) -> QWidget:
    """File → Backups… with a manual backup made, and the encrypted-copy passphrase question beside it."""
    from clinic_log.services.backup.backup_schedule import backup_now
    from clinic_log.ui.backup.backups_dialog import BackupsDialog

    backup_now(scene.db, ACTOR)
    dialog = BackupsDialog(scene.db, scene.user, parent=scene.window)
    dialog.show()
    settle(scene.app)
    return dialog


def passphrase(scene: Scene) -> QWidget:
    from clinic_log.ui.backup.backups_dialog import PassphraseDialog

    dialog = PassphraseDialog("An encrypted copy for another place (a USB stick, another computer)", True,
                              scene.window)
    dialog.show()
    return dialog


def change_password(scene: Scene) -> QWidget:
    """File → Change password…, refusing a common password."""
    from clinic_log.services.exchange.demo import DEMO_PASSWORDS
    from clinic_log.services.people.auth import login
    from clinic_log.ui.people.change_password_dialog import ChangePasswordDialog

    scene.user.sign_in(login(scene.db, "owner", DEMO_PASSWORDS["owner"]))  # a login's own password
    dialog = ChangePasswordDialog(scene.db, scene.user, scene.window)
    scene.user.sign_in(ACTOR)
    dialog.current_edit.setText("owner-demo-1")
    dialog.new_edit.setText("password1234")
    dialog.confirm_edit.setText("password1234")
    dialog.show()
    dialog.submit()
    wait_until(scene.app, lambda: bool(dialog.error_label.text()), "the password check")
    return dialog


def audit_viewer(scene: Scene) -> QWidget:
    """The owner's Audit tab after Verify."""
    from clinic_log.ui.audit.audit_page import AuditPage

    page = scene.window.pages.show_page("audit")
    assert isinstance(page, AuditPage)
    page.verify()  # Verify is off until the result is shown
    wait_until(scene.app, page.verify_button.isEnabled, "the audit chain check")
    return scene.window


def history_filters(scene: Scene) -> QWidget:
    """The history narrowed by practitioner, area and status."""
    page = scene.window.pages.show_page("sessions")
    assert isinstance(page, SessionHistoryPage)
    bar = page.filter_bar
    bar.clear()
    bar.practitioner_combo.setCurrentIndex(bar.practitioner_combo.findText("Dr Maria Brandt"))
    bar.area_combo.setCurrentIndex(bar.area_combo.findData("cheeks"))
    bar.status_combo.setCurrentIndex(bar.status_combo.findData("signed"))
    wait_until(scene.app, lambda: counted(page), "the session count")
    return scene.window


def dashboard(scene: Scene) -> QWidget:
    from clinic_log.ui.review.dashboard_page import DashboardPage

    page = scene.window.pages.show_page("dashboard")
    assert isinstance(page, DashboardPage)
    wait_until(scene.app, lambda: page.dashboard is not None, "the dashboard figures")
    return scene.window


def client_timeline(scene: Scene) -> QWidget:
    """The timeline of the client with the most sessions, opened from a history row."""
    page = scene.window.pages.show_page("sessions")
    assert isinstance(page, SessionHistoryPage)
    page.filter_bar.clear()
    with scene.db.reading() as session:
        from sqlalchemy import func, select

        from clinic_log.db.models import Client, TreatmentSession

        ref = session.scalar(select(Client.client_ref).join(TreatmentSession, TreatmentSession.client_id == Client.id)
                             .group_by(Client.id).order_by(func.count().desc()).limit(1))
    page.filter_bar.client_edit.setText(ref or "")
    page.filter_bar.client_edit.returnPressed.emit()
    page.view.selectRow(0)
    dialog = scene.window.open_timeline_for_selection()
    if dialog is None:
        raise RuntimeError("the client timeline could not be opened")
    page.filter_bar.clear()
    return dialog


def recall_result(scene: Scene) -> QWidget:
    from clinic_log.ui.review.recall_page import RecallPage

    page = scene.window.pages.show_page("recall")
    assert isinstance(page, RecallPage)
    page.lot_edit.setText("DP16-240117")
    page.search()
    wait_until(scene.app, lambda: page.rows != [], "the recall result")
    return scene.window


def _clinic_settings(scene: Scene, tab: int) -> QWidget:
    from clinic_log.ui.clinic.clinic_settings_dialog import ClinicSettingsDialog

    dialog = ClinicSettingsDialog(scene.db, scene.user, scene.window)
    dialog.tabs.setCurrentIndex(tab)
    dialog.show()
    return dialog


def clinic_settings(scene: Scene) -> QWidget:
    """Settings → Clinic settings…: the clinic's details, idle lock and the FHIR identifier system."""
    return _clinic_settings(scene, 0)


def clinic_settings_privacy(scene: Scene) -> QWidget:
    """Its second tab: the GDPR Art. 15 texts every subject-access copy prints."""
    return _clinic_settings(scene, 1)


def consent_text(scene: Scene) -> QWidget:
    """Settings → Consent text…: the wording as a new version, and how long a signed consent stays valid."""
    from clinic_log.ui.clinic.consent_text_dialog import ConsentTextDialog

    dialog = ConsentTextDialog(scene.db, scene.user, scene.window)
    dialog.show()
    return dialog


def import_refused(scene: Scene) -> QWidget:
    """File → Import… with a sessions file that has bad rows: every problem listed, nothing written."""
    from clinic_log.ui.exchange.import_dialog import ImportDialog

    dialog = ImportDialog(scene.db, scene.user, scene.window)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("sessions"))
    dialog.file_edit.setText(str(samples_dir() / "sessions-bad.csv"))
    dialog.show()
    dialog.start_import()
    wait_until(scene.app, lambda: dialog.problems_view.isVisible(), "the import's problem list")
    return dialog


def export_dialog(scene: Scene) -> QWidget:
    """File → Export…: sessions as CSV, times local with their offset and the zone named."""
    from clinic_log.ui.exchange.export_dialog import ExportDialog

    dialog = ExportDialog(scene.db, scene.user, scene.window)
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("csv"))
    dialog.file_edit.setText(str(Path.home() / "sessions-2026.csv"))
    dialog.show()
    return dialog


SCREENS: list[tuple[str, Callable[[Scene], QWidget]]] = [
    ("main_window", main_window),
    ("about_box", about_box),
    ("main_window_today", main_window_today),
    ("session_detail", session_detail),
    ("aftercare_preview", aftercare_preview),
    ("aftercare_template", aftercare_template),
    ("session_form_warnings", session_form_warnings),
    ("session_form_face_map", session_form_face_map),
    ("session_form_rf", session_form_rf),
    ("session_form_stop", session_form_stop),
    ("session_form_override", session_form_override),
    ("session_draft_override", session_draft_override),
    ("session_signed", session_signed),
    ("client_list", client_list),
    ("consultation_form", consultation_form),
    ("suitability_panel", suitability_panel),
    ("consent_dialog", consent_dialog),
    ("pretreatment_preview", pretreatment_preview),
    ("aftercare_template_complications", aftercare_template_complications),
    ("login", login),
    ("first_start_wizard", first_start_wizard),
    ("practitioners_page", practitioners_page),
    ("practitioners_changed_elsewhere", practitioners_changed_elsewhere),
    ("devices", devices_page),
    ("users_page", users_page),
    ("amendment_history", amendment_history),
    ("amend_dialog", amend_dialog),
    ("amend_dialog_warning", amend_dialog_warning),
    ("audit_viewer", audit_viewer),
    ("backups", backups),
    ("passphrase", passphrase),
    ("change_password", change_password),
    ("clinic_settings", clinic_settings),
    ("import_refused", import_refused),
    ("export_dialog", export_dialog),
    ("clinic_settings_privacy", clinic_settings_privacy),
    ("consent_text", consent_text),
    ("history_filters", history_filters),
    ("dashboard", dashboard),
    ("client_timeline", client_timeline),
    ("recall", recall_result),
    ("client_decisions", client_decisions),
    ("decision_dialog", decision_dialog),
    ("photo_capture", photo_capture),
    ("client_photos", client_photos),
    ("add_photos_other_use", add_photos_other_use),
    ("photo_compare", photo_compare),
    ("photo_compare_wipe", photo_compare_wipe),
    ("photo_comparison_pdf", photo_comparison_pdf),
    ("session_photos", session_photos),
    ("timeline_photos", timeline_photos),
    ("consent_history", consent_history),  # last: the client signs a new consent here
]


def use_screen_of_size(folder: Path) -> None:
    """Make the offscreen screen SIZE in logical pixels at any QT_SCALE_FACTOR (its default is 800×600), so
    dialogs that fit themselves to the screen look as they would on a 1366×768 laptop."""
    if os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        return  # someone chose a platform (or configured offscreen) themselves
    scale = float(os.environ.get("QT_SCALE_FACTOR") or 1)
    config = folder / "offscreen.json"
    screen = {"name": "screenshots", "x": 0, "y": 0, "width": round(SIZE[0] * scale),
              "height": round(SIZE[1] * scale), "logicalDpi": 96}
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder for the PNG files (default {OUT})")
    parser.add_argument("--only", nargs="*", metavar="NAME", help="only these screens: "
                        + ", ".join(name for name, _ in SCREENS))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="clinic-log-shots-") as tmp:
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            use_screen_of_size(Path(tmp))
            app = QApplication(sys.argv[:1])
        app.setApplicationName("Clinic Log")
        app.setWindowIcon(app_icon())
        add_fallback_fonts()
        form_autosave.ask_to_discard = lambda parent: True  # shots close dialogs they typed in: no question
        db, location = build_database(Path(tmp))
        try:
            user = UserSession()
            user.sign_in(ACTOR)  # the window is built after a login
            window = MainWindow(db, user, location)
            window.resize(*SIZE)
            window.show()
            settle(app)
            scene = Scene(app, db, location, window, user)
            for name, builder in SCREENS:
                if args.only and name not in args.only:
                    continue
                widget = builder(scene)
                settle(app)
                target = args.out / f"{name}.png"
                if not widget.grab().save(str(target)):
                    raise RuntimeError(f"could not write {target}")
                print(f"wrote {target} ({widget.width()}×{widget.height()})")
                if widget is not window:
                    widget.close()
                    settle(app)
            window.close()
        finally:
            db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
