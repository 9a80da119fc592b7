"""A witness of the audit chain kept outside its table: how many rows it had and the newest row's id and hash.

The chain shows a row changed or removed in the middle, and seals show a session changed; neither shows rows cut
from the end (or a chain rewritten whole), because what is left is still a valid chain. So the head is written down
elsewhere — in a small file beside the database (`<database>.witness.json`, owner-only) and in the metadata of every
backup — and `check` compares the chain with the newest witness it can find: a chain that no longer holds the
witnessed row with the witnessed hash was cut or rewritten. Someone who controls the machine can rewrite the witness
file too; a backup kept elsewhere still carries its own.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import bindparam, func, select

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry, table_of
from clinic_log.services.common.audit import GENESIS
from clinic_log.services.common.files import atomic_target

_audit = table_of(AuditEntry)
_HEAD = select(_audit.c.id, _audit.c.hash).order_by(_audit.c.id.desc()).limit(1)
_COUNT = select(func.count()).select_from(_audit)
_ROW = select(_audit.c.hash).where(_audit.c.id == bindparam("id"))


@dataclass(frozen=True)
class Witness:
    """The chain's head at `at` (UTC, ISO text): its row count, newest row id and hash; `source` says where it was
    read from (the witness file, a backup's metadata)."""

    rows: int
    last_id: int
    last_hash: str
    at: str
    source: str = ""

    @property
    def taken(self) -> datetime:
        """When the witness was taken (aware UTC); a witness with an unreadable time counts as very old."""
        try:
            moment = datetime.fromisoformat(self.at)
        except ValueError:
            return datetime.min.replace(tzinfo=UTC)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    def to_json(self) -> dict[str, object]:
        return {k: v for k, v in asdict(self).items() if k != "source"}

    def __str__(self) -> str:
        return f"{self.rows:,} rows, newest row {self.last_id} with hash {self.last_hash[:12]}… ({self.at})"


def chain_head(db: Database) -> Witness:
    """The chain as it is now."""
    with db.reading() as session:
        head = session.execute(_HEAD).first()
        rows = session.scalar(_COUNT) or 0
    at = datetime.now(UTC).isoformat()
    return Witness(rows, head[0], head[1], at) if head else Witness(0, 0, GENESIS, at)


def witness_path(db: Database) -> Path | None:
    """`<database>.witness.json` beside an SQLite file (None for PostgreSQL: its server keeps the log)."""
    live = db.sqlite_path
    return None if not live else Path(live).with_name(Path(live).name + ".witness.json")


def write_witness(db: Database, witness: Witness, path: Path | None = None) -> Path | None:
    """Write `witness` (owner-only, replaced whole) beside the database or to `path`."""
    target = path or witness_path(db)
    if target is None:
        return None
    with atomic_target(target) as tmp:
        tmp.write_text(json.dumps(witness.to_json(), indent=1), encoding="utf-8")
        os.chmod(tmp, 0o600)
    return target


def read_witness(path: Path) -> Witness | None:
    """The witness in `path` (a witness file, or a backup's metadata holding one under "witness"); None when the
    file is missing or holds none."""
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    data = loaded.get("witness", loaded) if isinstance(loaded, dict) else None
    if not isinstance(data, dict):
        return None
    try:
        return Witness(int(data["rows"]), int(data["last_id"]), str(data["last_hash"]), str(data["at"]),
                       str(path.name))
    except (KeyError, TypeError, ValueError):
        return None


def newest(witnesses: Iterable[Witness | None]) -> Witness | None:
    """The witness of the longest chain (the newest, as the chain only grows)."""
    found = [w for w in witnesses if w is not None]
    return max(found, key=lambda w: (w.last_id, w.at)) if found else None


def compare(db: Database, witness: Witness) -> str | None:
    """Why the chain no longer holds what `witness` saw, or None when it still does."""
    if witness.last_id == 0:
        return None
    with db.reading() as session:
        stored = session.execute(_ROW, {"id": witness.last_id}).scalar()
        rows = session.scalar(_COUNT) or 0
    if stored is None or rows < witness.rows:
        return (f"the audit trail is shorter than its witness in {witness.source} ({witness}): rows were cut from "
                f"it (it now has {rows:,})")
    if stored != witness.last_hash:
        return f"the audit trail differs from its witness in {witness.source} ({witness}): it was rewritten"
    return None
