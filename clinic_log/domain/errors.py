"""Domain exceptions; every message names the field, the value and what is allowed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class DomainError(Exception):
    """Base class: a problem the user can understand and fix."""


class InvalidValue(DomainError):
    """One field holds a value that is not allowed."""

    def __init__(self, field: str, value: object, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        shown = "(empty)" if value in (None, "") else repr(value) if isinstance(value, str) else str(value)
        super().__init__(f"{field}: {shown} is not allowed; {allowed}")


class NotFound(DomainError):
    """A referenced record does not exist."""

    def __init__(self, what: str, key: object) -> None:
        self.what = what
        self.key = key
        super().__init__(f"{what} {key!s} not found")


class PermissionDenied(DomainError):
    """The acting user's role may not do this."""

    def __init__(self, role: str, action: str) -> None:
        self.role = role
        self.action = action
        super().__init__(f"role {role!r} may not {action}")


class AuthorityRevoked(PermissionDenied):
    """The logged-in user was deactivated or given another role since logging in: they must log in again."""

    def __init__(self, username: str, what: str) -> None:
        DomainError.__init__(self, f"{username} {what} since logging in: nothing was done; log in again")
        self.role = ""
        self.action = what


class ChangedMeanwhile(DomainError):
    """The record changed (another workstation saved, signed or amended it) since the user read it; nothing was
    written."""


class RecordLocked(DomainError):
    """A signed clinical record cannot be edited in place; amend it instead."""


class ChangedElsewhere(DomainError):
    """A field the user changed was changed by someone else (another workstation) since they opened it."""

    def __init__(self, field: str, theirs: object, yours: object) -> None:
        self.field = field
        self.theirs = theirs
        self.yours = yours

        def shown(value: object) -> str:
            return "(empty)" if value in (None, "") else repr(value) if isinstance(value, str) else str(value)
        super().__init__(f"{field}: changed meanwhile by someone else to {shown(theirs)}; yours, {shown(yours)}, "
                         "is not saved yet — check it and save again to keep yours")


class DatabaseProblem(DomainError):
    """The database cannot be used as it is (unreadable, newer than this app, busy, full disk)."""


@dataclass(frozen=True)
class LineProblem:
    """One bad value in one line of an imported file."""

    line: int
    column: str
    problem: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.problem}"


class ImportRefused(DomainError):
    """A file had bad rows; nothing was written."""

    def __init__(self, problems: Sequence[LineProblem]) -> None:
        self.problems = list(problems)
        super().__init__(
            f"{len(self.problems)} problem(s), nothing was imported:\n"
            + "\n".join(str(p) for p in self.problems)
        )
