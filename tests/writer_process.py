"""A separate process that logs sessions one by one and reports each committed id on stdout.

Used by the crash-safety (SIGKILL) and concurrency (two writers) tests:
    python -m tests.writer_process DB_URL COUNT LABEL
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta

from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.values import AreaInput, SessionInput
from clinic_log.services.backup.database import prepare_database
from clinic_log.services.sessions.sessions import log_session


def main() -> int:
    url, count, label = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    db = prepare_database(url)
    actor = Actor(f"writer-{label}", UserRole.OWNER)
    start = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    for n in range(count):
        entry = SessionInput(
            client_id=1, practitioner_id=1, started_at=start + timedelta(minutes=n), device_id=1,
            cartridge_lot="LOT-W", lot_expires=date(2030, 1, 1),
            areas=(AreaInput("cheeks", 0.75, 2), AreaInput("forehead", 0.5, 1)), notes=f"{label}-{n}",
        )
        saved = log_session(db, actor, entry, reason="test writer", sign=True)
        sys.stdout.write(f"committed {saved.id} {label}-{n}\n")
        sys.stdout.flush()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
