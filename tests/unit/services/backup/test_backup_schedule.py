"""Automatic daily/monthly backups and their retention."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from clinic_log.db.engine import Database, open_database
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import DomainError
from clinic_log.services.backup.backup import verify_file
from clinic_log.services.backup.backup_schedule import (
    KEEP_DAILY,
    backup_if_due,
    backup_now,
    latest_good_backup,
    list_backups,
)

pytestmark = pytest.mark.sqlite_only


def test_first_start_of_the_day_makes_a_verified_daily_and_monthly_backup(db: Database) -> None:
    made = backup_if_due(db, date(2026, 11, 25))
    assert [m.path.name for m in made] == ["clinic-daily-2026-11-25.sqlite3", "clinic-monthly-2026-11.sqlite3"]
    assert all(verify_file(m.path) is None for m in made)
    assert backup_if_due(db, date(2026, 11, 25)) == []  # second start the same day: nothing new


def test_keeps_the_last_14_daily_and_12_monthly(db: Database) -> None:
    day = date(2025, 1, 1)
    for _ in range(42):  # a start every 10 days for 14 months
        backup_if_due(db, day)
        day += timedelta(days=10)
    backups = list_backups(db)
    daily = [b.stamp for b in backups if b.kind == "daily"]
    monthly = [b.stamp for b in backups if b.kind == "monthly"]
    assert len(daily) == 14 and daily[0] == "2026-02-15" and daily[-1] == "2025-10-08"
    assert len(monthly) == 12 and monthly[0] == "2026-02" and monthly[-1] == "2025-03"


def test_latest_good_backup_skips_a_damaged_one(db: Database) -> None:
    backup_if_due(db, date(2026, 11, 24))
    newest = backup_if_due(db, date(2026, 11, 25))[0].path
    newest.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    good = latest_good_backup(db)
    assert good is not None and good.path != newest and verify_file(good.path) is None
    assert good.stamp in ("2026-11-24", "2026-11")


def test_manual_backups_are_listed_newest_first_and_never_pruned(db: Database, owner: Actor) -> None:
    manual = backup_now(db, owner, datetime(2024, 12, 31, 9, 30, 5))
    assert manual.path.name == "clinic-manual-20241231-093005.sqlite3" and verify_file(manual.path) is None
    day = date(2025, 1, 2)
    for _ in range(20):  # enough daily backups to prune the oldest ones
        backup_if_due(db, day)
        day += timedelta(days=1)
    later = backup_now(db, owner, datetime(2025, 1, 21, 18, 0, 0))
    backups = list_backups(db)
    assert backups[0].path == later.path and backups[0].kind == "manual"
    assert backups[0].taken == datetime(2025, 1, 21, 18, 0, 0)
    assert backups[-1].path == manual.path  # older than every daily kept, still there
    assert len([b for b in backups if b.kind == "daily"]) == KEEP_DAILY
    assert [b.taken for b in backups] == sorted((b.taken for b in backups), reverse=True)


def test_backup_now_on_postgresql_says_where_backups_are_made(owner: Actor) -> None:
    server = open_database("postgresql+psycopg://nobody@127.0.0.1:1/none")  # never connects
    with pytest.raises(DomainError, match="pg_dump"):
        backup_now(server, owner)
