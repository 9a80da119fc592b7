"""Passwords: argon2 hashing (slow by design; only hashes are ever stored) and the one rule every new password meets.

The rule follows NIST SP 800-63B: length and a list of common passwords, no composition rules. A new password has
at least 12 characters (code points after NFKC) and is refused when it is a common password from
resources/passwords/common.txt or one with only digits, symbols or spaces added at either end, when it contains the
username, or when it is only spaces or one character repeated. Comparisons are case-insensitive after NFKC.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from clinic_log.domain.errors import DomainError, InvalidValue
from clinic_log.paths import resources_dir

# OWASP's argon2id setting of 19 MiB memory, 2 passes, 1 lane: as strong as its 46 MiB/1 pass option, and it keeps
# the app's memory peak at login well below argon2-cffi's default of 64 MiB. Hashes carry their own parameters,
# so passwords hashed with other settings still verify.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

# The hash of a random password nobody knows, with the settings above. A login for an unknown or deactivated username
# is checked against it, so it costs the same argon2 time as one for a real user: timing tells no usernames.
DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$DLpR2bi2+XP8HDdLqP/0sQ$cLBfBEkA0uKNAlDcTsChXru1nd9mYtsWudUFIUV/JYM"

MIN_LENGTH = 12
RULE = f"at least {MIN_LENGTH} characters, not a common password"
_SHORTEST_CORE = 4  # a common password padded with digits or symbols counts from 4 letters ("love" + "123456789")
_SHORTEST_NAME_CHECKED = 3  # "contains the username" is checked for usernames of 3 characters or more


class PasswordRefused(InvalidValue):
    """A new password does not meet the rule; the message says why and what is allowed (never the password)."""

    def __init__(self, reason: str, field: str = "password", advice: str = f"use {RULE}") -> None:
        DomainError.__init__(self, f"{field}: {reason}; {advice}")
        self.field, self.value, self.allowed, self.reason = field, None, RULE, reason


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list (lower-cased after NFKC), read once."""
    path = resources_dir() / "passwords" / "common.txt"
    with path.open(encoding="utf-8") as handle:
        return frozenset(line.rstrip("\n") for line in handle if line.strip())


def _core(folded: str) -> str:
    """The password without the digits, symbols and spaces at either end ("2024summer!!" → "summer")."""
    letters = [i for i, ch in enumerate(folded) if ch.isalpha()]
    return folded[letters[0]:letters[-1] + 1] if letters else ""


def check_new_password(password: str, username: str = "") -> None:
    """Raise `PasswordRefused` unless `password` may be set for `username` (the one check for every new password)."""
    length = len(unicodedata.normalize("NFKC", password))  # what the user sees as characters, near enough
    if length < MIN_LENGTH:
        raise PasswordRefused(f"too short ({length} characters)")
    folded = _folded(password)
    if not folded.strip():
        raise PasswordRefused("only spaces")
    if len(set(folded)) == 1:
        raise PasswordRefused("one character repeated")
    common = common_passwords()
    core = _core(folded)
    if folded in common or folded.strip() in common or (len(core) >= _SHORTEST_CORE and core in common):
        raise PasswordRefused("one of the most common passwords (or one with only digits or symbols added)")
    name = _folded(username).strip()
    if name and (folded == name or (len(name) >= _SHORTEST_NAME_CHECKED and name in folded)):
        raise PasswordRefused("it contains the username")
