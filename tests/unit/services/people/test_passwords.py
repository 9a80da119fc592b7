"""The one rule every new password meets, at its edges, and hashing (services/people/passwords.py)."""

from __future__ import annotations

import pytest

from clinic_log.services.people.passwords import (
    PasswordRefused,
    check_new_password,
    common_passwords,
    hash_password,
    verify_password,
)


def test_twelve_characters_as_the_user_sees_them_is_the_shortest_allowed() -> None:
    check_new_password("kx7-vq2-lm9p")  # 12
    with pytest.raises(PasswordRefused, match=r"too short \(11 characters\)"):
        check_new_password("kx7-vq2-lm9")
    # "é" typed as e + combining accent: 12 code points, 11 characters once NFKC composes it
    with pytest.raises(PasswordRefused, match=r"too short \(11 characters\)"):
        check_new_password("ke\u0301x7-vq2-lm")


def test_a_refusal_names_the_reason_and_the_rule_but_never_the_password() -> None:
    with pytest.raises(PasswordRefused) as refused:
        check_new_password("password1234")
    message = str(refused.value)
    assert message.startswith("password: one of the most common passwords")
    assert message.endswith("use at least 12 characters, not a common password")
    assert "password1234" not in message and refused.value.value is None


def test_padding_counts_only_around_a_common_core_of_four_letters_or_more() -> None:
    assert "love" in common_passwords()
    with pytest.raises(PasswordRefused, match="most common"):
        check_new_password("love123456789")
    check_new_password("abc-1234567890")  # "abc" is no core: three letters padded are not a common password


def test_the_username_is_looked_for_from_three_characters_and_whole_below_that() -> None:
    with pytest.raises(PasswordRefused, match="contains the username"):
        check_new_password("xx-ann-7731-qz", username="Ann")
    check_new_password("xx-al-7731-qzv", username="al")  # two letters: only the whole password is compared
    with pytest.raises(PasswordRefused, match="contains the username"):
        check_new_password("abcdefghijkl", username="ABCDEFGHIJKL")


def test_a_hash_verifies_only_its_own_password_and_a_broken_hash_verifies_nothing() -> None:
    stored = hash_password("kx7-vq2-lm9p")
    assert stored.startswith("$argon2id$") and "kx7" not in stored
    assert verify_password(stored, "kx7-vq2-lm9p")
    assert not verify_password(stored, "kx7-vq2-lm9P")
    assert not verify_password("not a hash", "kx7-vq2-lm9p")
