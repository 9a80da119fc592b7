"""Password hashing with argon2 (slow by design); only hashes are ever stored."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP's argon2id setting of 19 MiB memory, 2 passes, 1 lane: as strong as its 46 MiB/1 pass option, and it keeps
# the app's memory peak at login well below argon2-cffi's default of 64 MiB. Hashes carry their own parameters,
# so passwords hashed with other settings still verify.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
