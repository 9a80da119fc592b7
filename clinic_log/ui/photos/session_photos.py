"""The photos taken in one session, for the session's view: a strip of thumbnails per view (the client page's
strips and lazy thumbnail model, captioned with the area), voided ones marked; Enter or a double-click opens the
comparison of that view with the photo on the after side. Every role that may see photos sees them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from clinic_log.db.engine import Database
from clinic_log.domain.enums import PhotoView
from clinic_log.domain.permissions import ALLOWED, Permission
from clinic_log.services.photos.photo_page import ClientPhotos, client_photos
from clinic_log.services.photos.photos import PhotoInfo
from clinic_log.ui.common.operations import PHOTOS, QueryOp, on_records_changed
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.photos.photos_box import ICON, PhotoStrip, view_row
from clinic_log.ui.photos.thumbnail_model import PHOTO_ROLE, ThumbnailLoader, ThumbnailModel

NO_PHOTOS = "No photos were taken in this session."


class SessionPhotosBox(QGroupBox):
    """`area_labels`: the session's area codes and their names, for the captions."""

    def __init__(self, db: Database, user: UserSession, client_ref: str, client_name: str, session_id: int,
                 area_labels: Mapping[str, str], today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__("Photos", parent)
        self.setAccessibleName("Session photos")
        self._db, self._user = db, user
        self._client_ref, self._client_name = client_ref, client_name
        self.session_id = session_id
        self._areas = dict(area_labels)
        self._today = today
        self.shown: ClientPhotos | None = None  # the client's photos (a comparison picks from them all)
        self.empty_label = QLabel("Reading photos…")
        self.empty_label.setAccessibleName("Photos note")
        self.strips: dict[PhotoView, PhotoStrip] = {}
        self.models: dict[PhotoView, ThumbnailModel] = {}
        self._rows: dict[PhotoView, QWidget] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty_label)
        loader = ThumbnailLoader(db, user, self, ICON)
        for view in PhotoView:
            strip = PhotoStrip(view)
            strip.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)  # voiding is on the client page
            model = ThumbnailModel(db, user, self, ICON, loader, captions=self._caption)
            strip.setModel(model)
            strip.activated.connect(self._activated)
            row = view_row(strip)
            layout.addWidget(row)
            self.strips[view], self.models[view], self._rows[view] = strip, model, row
        on_records_changed(self, {PHOTOS}, self.reload)
        self.reload()

    def _caption(self, photo: PhotoInfo, _number: int | None) -> str:
        """`Cheeks` over `09:32` (the time taken; the day is the session's), or the time alone without an area."""
        time = f"{photo.taken_at.astimezone():%H:%M}" + (" · voided" if photo.voided else "")
        return f"{self._areas.get(photo.area_code, photo.area_code)}\n{time}" if photo.area_code else time

    def reload(self) -> None:
        actor = self._user.actor
        allowed = actor.role in ALLOWED[Permission.VIEW_PHOTOS]
        self.setVisible(allowed)
        if not allowed:
            return
        ref, today = self._client_ref, self._today()
        QueryOp(self._db, self, "Session photos", lambda db: client_photos(db, actor, ref, today), self._show,
                key="photos").run_in_background()

    @property
    def photos(self) -> tuple[PhotoInfo, ...]:
        """The session's photos shown, newest first."""
        if self.shown is None:
            return ()
        return tuple(p for p in self.shown.photos if p.session_id == self.session_id)

    def _show(self, found: ClientPhotos) -> None:
        self.shown = found
        ours = self.photos
        for view in PhotoView:
            of_view = [p for p in ours if p.view is view]
            self.models[view].set_photos(of_view, found.session_numbers)
            self._rows[view].setVisible(bool(of_view))
        self.empty_label.setText(NO_PHOTOS)
        self.empty_label.setVisible(not ours)

    def _activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        photo = index.data(PHOTO_ROLE)
        if isinstance(photo, PhotoInfo) and not photo.voided:
            self.open_compare(photo)

    def open_compare(self, photo: PhotoInfo) -> QWidget | None:
        if self.shown is None:
            return None
        from clinic_log.ui.photos.compare_dialog import open_comparison

        return open_comparison(self._db, self._user, self._client_name, self.shown, photo, self)
