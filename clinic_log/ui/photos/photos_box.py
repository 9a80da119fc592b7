"""The client page's Photos box: the photo consents' state, a strip of thumbnails per view (newest first, each with
its date and session number), "Add photos…" / "Add a folder…" and drag and drop of files or folders, "Take photo…"
(the camera window), "Compare…",
and a thumbnail's context menu to void it or compare its view. Reads go through ops on the database worker and the
box refreshes on the "records changed" event."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.domain.enums import ConsentPurpose, PhotoView, UserRole
from clinic_log.domain.permissions import ALLOWED, Permission
from clinic_log.services.clients.consents import EXPIRED, OUTDATED, VALID, ConsentStatus
from clinic_log.services.photos.photo_page import ClientPhotos, client_photos
from clinic_log.services.photos.photos import PhotoInfo
from clinic_log.ui.common.operations import CLIENTS, PHOTOS, QueryOp, on_records_changed
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.photos.thumbnail_model import PHOTO_ROLE, ThumbnailLoader, ThumbnailModel

ICON = QSize(96, 96)
GRID = QSize(112, 132)  # the thumbnail and two lines of caption
NO_PHOTOS = "No photos yet. Add files with \"Add photos…\" or drop them here."


def consent_words(status: ConsentStatus, what: str) -> str:
    if status.state == VALID and status.expires_on is not None:
        return f"Consent to {what}: valid until {status.expires_on.isoformat()}"
    if status.state == EXPIRED and status.expires_on is not None:
        return f"Consent to {what}: expired on {status.expires_on.isoformat()}"
    if status.state == OUTDATED:
        return (f"Consent to {what}: signed on wording version {status.text_version}; the clinic's is now version "
                f"{status.current_version}, to be signed again")
    return f"No consent to {what}"


def refusal_without_consent(name: str, status: ConsentStatus) -> str:
    why = f"expired on {status.expires_on.isoformat()}" if status.state == EXPIRED and status.expires_on \
        else "has not been signed"
    return (f"Photos of {name} cannot be added: their consent to clinical-record photos {why}. "
            "Sign it with \"Sign photo consent…\" first; no photo is taken without it.")


class FixedSizeDelegate(QStyledItemDelegate):
    """Every thumbnail takes one grid cell: laying the strip out asks no row for its data, so only the rows
    painted read their thumbnail."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return GRID


class PhotoStrip(QListView):
    """One view's thumbnails in a row, newest on the left; scrolls sideways."""

    def __init__(self, view: PhotoView) -> None:
        super().__init__()
        self.photo_view = view
        self.setAccessibleName(f"{view.label} photos")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(True)
        self.setItemDelegate(FixedSizeDelegate(self))  # only the rows on screen are asked for their data
        self.setIconSize(ICON)
        self.setGridSize(GRID)
        self.setWordWrap(True)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragEnabled(False)
        self.setAcceptDrops(False)  # files dropped here go to the box
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setFixedHeight(GRID.height() + self.horizontalScrollBar().sizeHint().height() + 6)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            event.accept()  # the photo is opened; the dialog around the strip must not take Enter as its default


def view_row(strip: PhotoStrip) -> QWidget:
    """The strip with its view's name on the left (hidden until the view has photos)."""
    caption = QLabel(strip.photo_view.label)
    caption.setMinimumWidth(caption.fontMetrics().horizontalAdvance("Right 45°__"))
    caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    caption.setBuddy(strip)
    row = QWidget()
    row_layout = QHBoxLayout(row)
    row_layout.setContentsMargins(0, 0, 0, 0)
    row_layout.addWidget(caption)
    row_layout.addWidget(strip, 1)
    row.setVisible(False)
    return row


class PhotosBox(QGroupBox):
    """Emits `sign_consent_requested(purpose)` when the user asks to sign a photo consent (the page opens the
    dialog): the clinical-record one while it is not valid, then the one for other uses while that is not."""

    sign_consent_requested = Signal(object)

    def __init__(self, db: Database, user: UserSession, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__("Photos", parent)
        self._db, self._user = db, user
        self._today = today
        self._client: tuple[str, str] | None = None  # (ref, name)
        self.shown: ClientPhotos | None = None
        self.setAcceptDrops(True)
        self.consent_label = QLabel()
        self.consent_label.setAccessibleName("Photo consent")
        self.consent_label.setWordWrap(True)
        self.empty_label = QLabel(NO_PHOTOS)
        self.empty_label.setAccessibleName("Photos note")
        self.add_button = QPushButton("Add photos…")
        self.add_button.setAccessibleName("Add photos…")
        self.add_button.setToolTip("Add photo files (JPEG, PNG, HEIC, TIFF); you can also drop files or folders here")
        self.add_button.clicked.connect(self.choose_files)
        self.folder_button = QPushButton("Add a folder…")
        self.folder_button.setAccessibleName("Add a folder…")
        self.folder_button.setToolTip("Add every photo in a folder")
        self.folder_button.clicked.connect(self.choose_folder)
        self.camera_button = QPushButton("Take photo…")
        self.camera_button.setAccessibleName("Take photo…")
        self.camera_button.setToolTip("The workstation's camera, with the last photo of the view as a ghost to line "
                                      "up with")
        self.camera_button.clicked.connect(lambda: self.open_capture())
        self.compare_button = QPushButton("Compare…")
        self.compare_button.setAccessibleName("Compare…")
        self.compare_button.setToolTip("Two photos of one view side by side or with a wipe; save as PNG or PDF")
        self.compare_button.clicked.connect(lambda: self.open_compare())
        self.consent_button = QPushButton("Sign photo consent…")
        self.consent_button.setAccessibleName("Sign photo consent…")
        self.consent_button.setToolTip("The client's consent to photos for their clinical record")
        self.consent_purpose = ConsentPurpose.PHOTOS_CLINICAL
        self.consent_button.clicked.connect(lambda: self.sign_consent_requested.emit(self.consent_purpose))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.folder_button, self.camera_button, self.compare_button,
                       self.consent_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.strips: dict[PhotoView, PhotoStrip] = {}
        self.models: dict[PhotoView, ThumbnailModel] = {}
        self._rows: dict[PhotoView, QWidget] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self.consent_label)
        layout.addLayout(buttons)
        layout.addWidget(self.empty_label)
        loader = ThumbnailLoader(db, user, self, ICON)  # one query for what all the strips show
        for view in PhotoView:
            strip = PhotoStrip(view)
            model = ThumbnailModel(db, user, self, ICON, loader)
            strip.setModel(model)
            strip.customContextMenuRequested.connect(lambda at, s=strip: self._menu(s, at))
            strip.doubleClicked.connect(lambda index, v=view: self._compare_from(v, index))
            row = view_row(strip)
            layout.addWidget(row)
            self.strips[view], self.models[view], self._rows[view] = strip, model, row
        on_records_changed(self, {PHOTOS, CLIENTS}, self.reload)
        user.changed.connect(self._user_changed)  # what the new user may do

    # --- showing --------------------------------------------------------------------------------

    def show_client(self, client_ref: str, client_name: str) -> None:
        if self._client is None or self._client[0] != client_ref:
            for model in self.models.values():
                model.set_photos((), {})
            self.shown = None
        self._client = (client_ref, client_name)
        self.reload()

    def _user_changed(self, _actor: object) -> None:
        self.reload()

    def reload(self) -> None:
        if self._client is None:
            return
        actor = self._user.actor
        ref, today = self._client[0], self._today()
        allowed = actor.role in ALLOWED[Permission.VIEW_PHOTOS]
        self.setVisible(allowed)  # every role today; a role added later may not
        if not allowed:
            return
        QueryOp(self._db, self, "Photos", lambda db: client_photos(db, actor, ref, today),
                lambda found: self._show(found, actor.role), key="photos").run_in_background()

    def _show(self, found: ClientPhotos, role: UserRole) -> None:
        """Show what was read for the user who asked (the result may come after they logged out)."""
        if self._client is None or found.client_ref != self._client[0]:
            return
        self.shown = found
        by_view: dict[PhotoView, list[PhotoInfo]] = {view: [] for view in PhotoView}
        for photo in found.photos:  # newest first, as listed
            by_view[photo.view].append(photo)
        for view, photos in by_view.items():
            self.models[view].set_photos(photos, found.session_numbers)
            self._rows[view].setVisible(bool(photos))
        self.empty_label.setVisible(not found.photos)
        words = consent_words(found.clinical_consent, "clinical-record photos")
        if found.other_consent.state != "none":
            words += f"; {consent_words(found.other_consent, 'photos for other uses').lower()}"
        self.consent_label.setText(words)
        self.consent_label.setStyleSheet("" if found.may_add else "color: #b26a00; font-weight: bold;")
        may_add = role in ALLOWED[Permission.ADD_PHOTOS]
        self.add_button.setEnabled(may_add)
        self.folder_button.setEnabled(may_add)
        self.camera_button.setEnabled(may_add)
        self.consent_button.setEnabled(role in ALLOWED[Permission.EDIT_CLINICAL_RECORDS])
        other_missing = found.may_add and found.other_consent.state != VALID
        self.consent_purpose = ConsentPurpose.PHOTOS_OTHER if other_missing else ConsentPurpose.PHOTOS_CLINICAL
        self.consent_button.setText("Sign consent to other uses…" if other_missing else "Sign photo consent…")
        self.consent_button.setAccessibleName(self.consent_button.text())
        self.consent_button.setToolTip("The client's consent to photos for other uses (marketing, teaching)"
                                       if other_missing else "The client's consent to photos for their clinical "
                                                             "record")
        self.consent_button.setDefault(may_add and not found.may_add)
        self.compare_button.setEnabled(any(len([p for p in photos if not p.voided]) >= 2
                                           for photos in by_view.values()))

    # --- adding ---------------------------------------------------------------------------------

    def choose_files(self) -> None:
        if not self._consent_allows():
            return
        names, _ = QFileDialog.getOpenFileNames(self, "Add photos", "",
                                                "Photos (*.jpg *.jpeg *.png *.heic *.heif *.tif *.tiff);;All files (*)")
        if names:
            self.add_files([Path(name) for name in names])

    def choose_folder(self) -> None:
        if not self._consent_allows():
            return
        folder = QFileDialog.getExistingDirectory(self, "Add the photos in a folder")
        if folder:
            self.add_files([Path(folder)])

    def _consent_allows(self) -> bool:
        """Without a valid consent to clinical-record photos the box explains why and offers nothing else."""
        if self._client is None or self.shown is None:
            return False
        if self.shown.may_add:
            return True
        box = QMessageBox(QMessageBox.Icon.Information, "Add photos",
                          refusal_without_consent(self._client[1], self.shown.clinical_consent),
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return False

    def add_files(self, paths: Sequence[Path]) -> QWidget | None:
        """Open the add-photos dialog for these files and folders (after the consent check)."""
        if not paths or self._client is None or not self._consent_allows():
            return None
        from clinic_log.ui.photos.add_photos_dialog import AddPhotosDialog

        dialog = AddPhotosDialog(self._db, self._user, self._client[0], self._client[1], list(paths), parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.consent_requested.connect(self.sign_consent_requested)  # the page opens the consent dialog
        dialog.open()
        return dialog

    def open_capture(self, view: PhotoView = PhotoView.FRONT) -> QWidget | None:
        """The camera window for this client (after the consent check)."""
        if self._client is None or not self._consent_allows():
            return None
        from clinic_log.ui.photos.capture_dialog import CaptureDialog

        dialog = CaptureDialog(self._db, self._user, self._client[0], self._client[1], view=view, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if urls and all(url.isLocalFile() for url in urls) and self.add_button.isEnabled():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths and self.add_button.isEnabled():
            event.acceptProposedAction()
            self.add_files(paths)
        else:
            event.ignore()

    # --- a thumbnail's menu -------------------------------------------------------------------

    def _menu(self, strip: PhotoStrip, at: QPoint) -> QMenu | None:
        index = strip.indexAt(at)
        photo = index.data(PHOTO_ROLE) if index.isValid() else None
        if not isinstance(photo, PhotoInfo):
            return None
        menu = self.photo_menu(photo)
        menu.popup(strip.viewport().mapToGlobal(at))
        return menu

    def photo_menu(self, photo: PhotoInfo) -> QMenu:
        """The menu of one thumbnail: void it (with a reason), compare its view."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        void = menu.addAction("Void photo…", lambda: self.open_void(photo))
        void.setEnabled(not photo.voided and self._user.actor.role in ALLOWED[Permission.VOID_PHOTOS])
        compare = menu.addAction(f"Compare {photo.view.label}…", lambda: self.open_compare(photo.view, photo))
        compare.setEnabled(not photo.voided)
        return menu

    def open_void(self, photo: PhotoInfo) -> QWidget:
        from clinic_log.ui.photos.void_photo_dialog import VoidPhotoDialog

        dialog = VoidPhotoDialog(self._db, self._user, photo, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _compare_from(self, view: PhotoView, index: QModelIndex) -> None:
        photo = index.data(PHOTO_ROLE)
        if isinstance(photo, PhotoInfo) and not photo.voided:
            self.open_compare(view, photo)

    def open_compare(self, view: PhotoView | None = None, after: PhotoInfo | None = None) -> QWidget | None:
        """The comparison dialog, on `view` (else the first view with two standing photos)."""
        if self._client is None or self.shown is None:
            return None
        standing = [p for p in self.shown.photos if not p.voided]
        if view is None:
            view = next((v for v in PhotoView if sum(p.view is v for p in standing) >= 2), None)
            if view is None:
                return None
        from clinic_log.ui.photos.compare_dialog import CompareDialog

        dialog = CompareDialog(self._db, self._user, self._client[0], self._client[1], standing,
                               self.shown.session_numbers, view, after=after, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
