"""Autosaved form drafts: kept per user and form, replaced on each save, gone once deleted."""

from __future__ import annotations

import pytest

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import InvalidValue
from clinic_log.services.sessions.form_drafts import (
    delete_form_draft,
    list_form_drafts,
    load_form_draft,
    save_form_draft,
)

ANNA = Actor("anna", UserRole.PRACTITIONER, 1)
BEN = Actor("ben", UserRole.RECEPTION)


def test_draft_is_kept_with_every_value_even_invalid_ones(db: Database) -> None:
    state = {"lot": "HALF-TYP", "depth": 9.99, "notes": "Łukasiewicz 李", "areas": [{"code": "nose"}]}
    save_form_draft(db, ANNA, "session:client=1", state)
    loaded = load_form_draft(db, ANNA, "session:client=1")
    assert loaded is not None and loaded.state == state and loaded.saved_at.tzinfo is not None


def test_saving_again_replaces_the_draft(db: Database) -> None:
    save_form_draft(db, ANNA, "session:client=1", {"notes": "first"})
    save_form_draft(db, ANNA, "session:client=1", {"notes": "second"})
    assert [d.state for d in list_form_drafts(db, ANNA)] == [{"notes": "second"}]


def test_each_user_sees_only_their_own_drafts(db: Database) -> None:
    save_form_draft(db, ANNA, "session:client=1", {"notes": "anna's"})
    save_form_draft(db, BEN, "session:client=1", {"notes": "ben's"})
    loaded = load_form_draft(db, BEN, "session:client=1")
    assert loaded is not None and loaded.state == {"notes": "ben's"}
    delete_form_draft(db, BEN, "session:client=1")
    assert load_form_draft(db, BEN, "session:client=1") is None
    assert load_form_draft(db, ANNA, "session:client=1") is not None


def test_list_filters_by_key_prefix(db: Database) -> None:
    for key in ("session:client=1", "session:client=2", "session:defaults"):
        save_form_draft(db, ANNA, key, {})
    assert sorted(d.form_key for d in list_form_drafts(db, ANNA, "session:client=")) == [
        "session:client=1", "session:client=2"]


def test_deleting_a_missing_draft_is_not_an_error(db: Database) -> None:
    delete_form_draft(db, ANNA, "session:client=404")
    assert list_form_drafts(db, ANNA) == []


def test_empty_or_overlong_key_is_refused(db: Database) -> None:
    with pytest.raises(InvalidValue, match="form_key"):
        save_form_draft(db, ANNA, "", {})
    with pytest.raises(InvalidValue, match="1 to 120 characters"):
        save_form_draft(db, ANNA, "x" * 121, {})
