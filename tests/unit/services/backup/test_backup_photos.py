"""Photos live in the database, so a backup carries them: restored, each image comes back byte for byte and the
integrity check still passes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import ConsentPurpose
from clinic_log.services.audit.integrity import check_database
from clinic_log.services.backup.backup import backup, restore
from clinic_log.services.clients.clients import ClientDetails, create_client
from clinic_log.services.clients.consents import record_consent
from clinic_log.services.photos import photos
from tests.unit.services.photos.photo_files import phone_jpeg, plain

pytestmark = pytest.mark.sqlite_only


def test_a_backup_restores_every_photo_byte_for_byte_and_passes_the_check(db: Database, owner: Actor,
                                                                          tmp_path: Path) -> None:
    client = create_client(db, owner, ClientDetails("P-1", "Ada", "First"))
    record_consent(db, owner, client.id, "Ada First", date.today(), purpose=ConsentPurpose.PHOTOS_CLINICAL)
    added = photos.add_photos(db, owner, "P-1", [phone_jpeg(tmp_path / "a.jpg"), plain(tmp_path / "b.png", "PNG")])
    before = {p.id: (p, photos.original(db, owner, p.id).data) for p in photos.list_photos(db, owner, "P-1")}
    assert len(before) == 2 and added.summary == "2 stored, 0 refused"

    made = backup(db, owner, tmp_path / "with-photos.sqlite3")
    first = next(iter(before))
    photos.void_photo(db, owner, first, "taken by mistake", 1)  # after the backup: undone by the restore
    restore(db, owner, made.path)

    after = {p.id: (p, photos.original(db, owner, p.id).data) for p in photos.list_photos(db, owner, "P-1")}
    assert after == before
    assert check_database(db) == []
