"""The three-way merge of an edit begun from values another workstation may have changed since."""

from __future__ import annotations

import pytest

from clinic_log.domain.concurrent_edits import after_refusal, merge_edit
from clinic_log.domain.errors import ChangedElsewhere

OPENED = {"phone": "+44 1", "email": "a@example.com"}
NAMES = {"phone": "phone number"}


def test_without_what_was_opened_the_typing_is_stored_as_it_is() -> None:
    assert merge_edit({"phone": "+44 9"}, {"phone": "+44 2"}, None, NAMES) == {"phone": "+44 2"}


def test_a_field_left_alone_keeps_a_change_saved_meanwhile_elsewhere() -> None:
    stored = {"phone": "+44 9", "email": "a@example.com"}
    typed = {"phone": "+44 1", "email": "b@example.com"}
    assert merge_edit(stored, typed, OPENED, NAMES) == {"phone": "+44 9", "email": "b@example.com"}


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    stored = typed = {"phone": "+44 2", "email": "a@example.com"}
    assert merge_edit(stored, typed, OPENED, NAMES) == typed


def test_a_field_both_changed_differently_is_refused_naming_it_and_the_other_value() -> None:
    stored = {"phone": "+44 9", "email": "a@example.com"}
    with pytest.raises(ChangedElsewhere) as refused:
        merge_edit(stored, {"phone": "+44 2", "email": "a@example.com"}, OPENED, NAMES)
    assert "phone number" in str(refused.value) and "+44 9" in str(refused.value)


def test_after_a_refusal_the_editor_shows_stored_values_where_the_user_left_a_field_alone() -> None:
    stored = {"phone": "+44 9", "email": "c@example.com"}
    typed = {"phone": "+44 2", "email": "a@example.com"}
    assert after_refusal(typed, OPENED, stored) == {"phone": "+44 2", "email": "c@example.com"}


def test_the_refusal_names_the_field_as_shown_or_by_its_key_and_keeps_the_users_value() -> None:
    stored = {"phone": "+44 9", "notes": "theirs"}
    with pytest.raises(ChangedElsewhere) as refused:
        merge_edit(stored, {"phone": "+44 2", "notes": "mine"}, {"phone": "+44 2", "notes": "opened"}, NAMES)
    assert (refused.value.field, refused.value.theirs, refused.value.yours) == ("notes", "theirs", "mine")
    assert str(refused.value).startswith("notes: changed meanwhile by someone else to 'theirs'; yours, 'mine',")
