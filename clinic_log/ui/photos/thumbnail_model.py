"""One view's photos as a list model for a strip of thumbnails: the photos' facts come in whole (no bytes), and
each thumbnail is read by id on the database worker only when the view first asks to paint it, so a client with
hundreds of photos shows the first screenful at once and never loads an original. The ids every strip of a page
asks for during one paint go to the worker as one query (`ThumbnailLoader`), where they are also decoded, already
scaled to the strip's size."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QBuffer,
    QByteArray,
    QIODevice,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QIcon, QImage, QImageReader, QPainter, QPixmap
from PySide6.QtWidgets import QWidget

from clinic_log.db.engine import Database
from clinic_log.services.photos.photo_page import thumbnails
from clinic_log.services.photos.photos import PhotoInfo
from clinic_log.ui.common.operations import QueryOp
from clinic_log.ui.common.user_session import NotLoggedIn, UserSession

PHOTO_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's PhotoInfo
VOIDED_GREY = QBrush(QColor("#6e6e6e"))
Index = QModelIndex | QPersistentModelIndex


def caption(photo: PhotoInfo, session_number: int | None) -> str:
    """`2026-05-01`, `2026-05-01 · S2` (its session's number), with "voided" under a voided one."""
    day = f"{photo.taken_at.astimezone():%Y-%m-%d}"
    if photo.session_id is not None:
        day += f" · S{session_number}" if session_number else " · session"
    return f"{day}\nvoided" if photo.voided else day


def tooltip(photo: PhotoInfo, session_number: int | None) -> str:
    lines = [f"{photo.view.label}, taken {photo.taken_at.astimezone():%Y-%m-%d %H:%M} by {photo.taken_by}",
             f"{photo.width} × {photo.height} px, {photo.use.value} use"]
    if photo.session_id is not None:
        lines.append(f"session {session_number} (#{photo.session_id})" if session_number
                     else f"session #{photo.session_id}")
    if photo.area_code:
        lines.append(f"area: {photo.area_code}")
    if photo.voided:
        lines.append(f"voided by {photo.voided_by}: {photo.void_reason}")
    return "\n".join(lines)


def decode(data: bytes, size: QSize) -> QImage:
    """A thumbnail's JPEG decoded straight to the size it is shown at (the JPEG decoder scales while decoding);
    safe on the worker thread (QImage, not QPixmap)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    full = reader.size()
    if full.isValid():
        reader.setScaledSize(full.scaled(size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    buffer.close()
    return image


class ThumbnailLoader(QObject):
    """Reads the thumbnails its models ask for: the ids asked during one pass of the event loop go to the worker
    as one query, are decoded there, and each model gets the ones it asked for."""

    def __init__(self, db: Database, user: UserSession, owner: QWidget, size: QSize) -> None:
        super().__init__(owner)
        self._db, self._user = db, user
        self._owner = owner
        self._size = size
        self._waiting: dict[int, list[ThumbnailModel]] = {}
        self._queue: list[int] = []
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(0)
        self._flush.timeout.connect(self._read_queued)

    def want(self, photo_id: int, model: ThumbnailModel) -> None:
        asking = self._waiting.setdefault(photo_id, [])
        if model not in asking:
            asking.append(model)
        if photo_id not in self._queue:
            self._queue.append(photo_id)
        if not self._flush.isActive():
            self._flush.start()

    def _read_queued(self) -> None:
        ids, self._queue = self._queue, []
        if not ids:
            return
        try:
            actor = self._user.actor
        except NotLoggedIn:  # a paint after logging out: nothing is read for nobody
            self._drop(ids)
            return
        ratio = self._owner.devicePixelRatioF()  # sharp at 200 %: decoded at the screen's pixels
        size = QSize(round(self._size.width() * ratio), round(self._size.height() * ratio))

        def read(db: Database) -> dict[int, QImage]:
            found = {photo_id: decode(data, size) for photo_id, data in thumbnails(db, actor, ids).items()}
            for image in found.values():
                image.setDevicePixelRatio(ratio)
            return found

        QueryOp(self._db, self._owner, "Photo thumbnails", read, self._arrived,
                failure=lambda _exc: self._drop(ids)).run_in_background()

    def _drop(self, ids: list[int]) -> None:
        """Forget these requests: each is asked again when next painted."""
        for photo_id in ids:
            for model in self._waiting.pop(photo_id, []):
                model.forget(photo_id)

    def _arrived(self, found: dict[int, QImage]) -> None:
        for photo_id, image in found.items():
            for model in self._waiting.pop(photo_id, []):
                model.take(photo_id, image)


Caption = Callable[[PhotoInfo, int | None], str]


class ThumbnailModel(QAbstractListModel):
    """Rows are photos (newest first, as given); the decoration is the thumbnail once it has been read, a grey
    placeholder until then. Thumbnails are read through `loader` (one of its own when none is given); each is
    captioned by `captions` (its date and session number unless another is given)."""

    def __init__(self, db: Database, user: UserSession, owner: QWidget, icon_size: QSize,
                 loader: ThumbnailLoader | None = None, captions: Caption = caption) -> None:
        super().__init__(owner)
        self._icon_size = icon_size
        self._caption = captions
        self._loader = loader or ThumbnailLoader(db, user, owner, icon_size)
        self._photos: list[PhotoInfo] = []
        self._numbers: dict[int, int | None] = {}
        self._row_of: dict[int, int] = {}
        self._icons: dict[int, QIcon] = {}  # by photo id: a photo's thumbnail never changes
        self._asked: set[int] = set()  # on their way
        self._placeholder = self._grey()

    def _grey(self) -> QIcon:
        pixmap = QPixmap(self._icon_size)
        pixmap.fill(QColor("#e4e8ea"))
        painter = QPainter(pixmap)
        painter.setPen(QColor("#b8c0c4"))
        painter.drawRect(0, 0, pixmap.width() - 1, pixmap.height() - 1)
        painter.end()
        return QIcon(pixmap)

    def set_photos(self, photos: Sequence[PhotoInfo], session_numbers: dict[int, int | None]) -> None:
        """Show these photos; thumbnails already read are kept, the others are read when first painted."""
        self.beginResetModel()
        self._photos = list(photos)
        self._numbers = dict(session_numbers)
        self._row_of = {photo.id: row for row, photo in enumerate(self._photos)}
        self.endResetModel()

    @property
    def photos(self) -> tuple[PhotoInfo, ...]:
        return tuple(self._photos)

    @property
    def loaded_ids(self) -> frozenset[int]:
        """The photos whose thumbnail has been read."""
        return frozenset(self._icons)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._photos)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._photos):
            return None
        photo = self._photos[index.row()]
        number = self._numbers.get(photo.session_id) if photo.session_id is not None else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._caption(photo, number)
        if role == Qt.ItemDataRole.DecorationRole:
            icon = self._icons.get(photo.id)
            if icon is None:
                if photo.id not in self._asked:
                    self._asked.add(photo.id)
                    self._loader.want(photo.id, self)
                return self._placeholder
            return icon
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(photo, number)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{photo.view.label} photo, {self._caption(photo, number).replace(chr(10), ', ')}"
        if role == Qt.ItemDataRole.ForegroundRole and photo.voided:
            return VOIDED_GREY
        if role == PHOTO_ROLE:
            return photo
        return None

    def forget(self, photo_id: int) -> None:
        self._asked.discard(photo_id)

    def take(self, photo_id: int, image: QImage) -> None:
        """The thumbnail read for `photo_id` (a null image when it could not be decoded: the placeholder stays)."""
        self._asked.discard(photo_id)
        if image.isNull():
            return
        self._icons[photo_id] = QIcon(QPixmap.fromImage(image))
        row = self._row_of.get(photo_id)
        if row is not None:
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])
