"""Property tests for name search: whatever the script, case or accents, a stored client is found by any part
of their folded name."""

from __future__ import annotations

import itertools
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.text import fold
from clinic_log.services.clients import clients
from clinic_log.services.clients.client_search import search_clients

LETTERS = st.characters(categories=["Lu", "Ll", "Lo"], exclude_characters="%_\\")
NAMES = st.text(LETTERS, min_size=1, max_size=12).filter(lambda n: fold(n) != "")
_refs = itertools.count(1)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=NAMES, last=NAMES, data=st.data())
def test_a_stored_name_is_found_by_any_part_of_its_folded_form(db: Database, owner: Actor, first: str,
                                                                last: str, data: st.DataObject) -> None:
    stored = clients.create_client(db, owner, clients.ClientDetails(f"H-{next(_refs)}", first, last))
    folded = fold(f"{first} {last}")
    start = data.draw(st.integers(0, len(folded) - 1))
    end = data.draw(st.integers(start + 1, len(folded)))
    part = folded[start:end]
    if not part.strip():
        return  # a blank query lists everyone, nothing to find
    found = {row.id for row in search_clients(db, part, limit=1000)}
    assert stored.id in found, (part, folded)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES)
def test_search_ignores_case_and_accents(db: Database, owner: Actor, name: str) -> None:
    stored = clients.create_client(db, owner, clients.ClientDetails(f"H-{next(_refs)}", name, "Test"))
    for typed in (name.upper(), name.lower(), unicodedata.normalize("NFD", name), fold(name)):
        assert stored.id in {row.id for row in search_clients(db, typed, limit=1000)}, typed

