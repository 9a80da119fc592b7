"""The audit tests' database: a clinic made through the services, so it holds a dozen audit rows."""

from __future__ import annotations

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from tests.unit.services.helpers import make_clinic


@pytest.fixture
def audited(db: Database, owner: Actor) -> Database:
    make_clinic(db, owner)  # practitioners, device, client and consent: about a dozen audit rows
    return db
