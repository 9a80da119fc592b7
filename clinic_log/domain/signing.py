"""What a signature (or an amendment) goes ahead over, and who may: one decision for every path that signs.

Errors are refused before this is asked. Each stop needs an override — given earlier on the draft by a physician or
the owner (`Override`, valid for the draft version it was given on) or given now by a signer who may override — with
a reason of a few words. Each warning needs a reason: the one typed now, or the one stored with the draft when it
was given for these same warnings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from clinic_log.domain.enums import Level
from clinic_log.domain.errors import DomainError
from clinic_log.domain.rules import override_reason_problem
from clinic_log.domain.values import Problem

ProblemKey = tuple[str, str]  # (code, message): a reason covers exactly the problem it was given for


def key(problem: Problem) -> ProblemKey:
    return problem.code, problem.message


@dataclass(frozen=True)
class Override:
    """A stop overridden by `by` at `at`, with `reason`."""

    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class GoneAhead:
    """One stop or warning a session was signed over, with its reason (and, for a stop, who overrode it)."""

    problem: Problem
    reason: str
    overridden_by: str | None = None
    overridden_at: datetime | None = None


class WarningsNeedReason(DomainError):
    """The session has warnings and no reason was given to go ahead; nothing was saved."""

    def __init__(self, warnings: Sequence[Problem]) -> None:
        self.warnings = tuple(warnings)
        super().__init__(
            "a reason is required to go ahead with these warnings: " + "; ".join(w.message for w in self.warnings)
        )


class StopsNeedOverride(DomainError):
    """The session has stops without an override; nothing was saved. `may_override` says whether the actor could
    give one (with a reason of a few words), else a physician or the owner must."""

    def __init__(self, stops: Sequence[Problem], may_override: bool, problem: str) -> None:
        self.stops = tuple(stops)
        self.may_override = may_override
        super().__init__(f"stop — {'; '.join(s.message for s in self.stops)}: {problem}")


class ChecksChanged(DomainError):
    """Signing found stops or warnings the signer was not shown (the checks moved on as they typed); nothing was
    saved, so a reason is never applied to a problem nobody saw."""

    def __init__(self, unseen: Sequence[Problem]) -> None:
        self.unseen = tuple(unseen)
        super().__init__("the checks changed since they were shown — " + "; ".join(p.message for p in self.unseen)
                         + ": look at them and sign again")


NOT_ALLOWED = ("only a dermatologist, a plastic surgeon or the owner may override a stop: save the session as a "
               "draft and ask one of them to override it")


OWN_CREDENTIAL = ("nobody overrides a stop about their own credential: the owner may, with a reason (save the "
                  "session as a draft and ask them)")
CREDENTIAL_STOPS = frozenset({"credential_expired"})


def go_ahead(problems: Sequence[Problem], *, actor: str, may_override: bool, now: datetime,
             reason: str | None, override_reason: str | None, own_session: bool = False,
             overrides: Mapping[ProblemKey, Override] | None = None,
             stored_reason: str | None = None, stored: frozenset[ProblemKey] = frozenset(),
             shown: frozenset[ProblemKey] | None = None) -> list[GoneAhead]:
    """The stops and warnings of `problems` each with the reason that lets the signature go ahead, or the refusal.

    `may_override`: the actor is a physician or the owner; `own_session`: the actor is the session's practitioner,
    who never overrides a stop about their own credential. `overrides` are those recorded on the draft for its
    current version; `stored_reason` is the draft's warnings reason, reused only if every warning now is one of the
    `stored` warnings it was given for. `shown`: the stops and warnings the signer was shown (the form's Checks);
    any other is refused, so a reason only ever covers what was seen.
    """
    overrides = overrides or {}
    stops = [p for p in problems if p.level is Level.STOP]
    warnings = [p for p in problems if p.level is Level.WARNING]
    if shown is not None and (unseen := [p for p in (*stops, *warnings) if key(p) not in shown]):
        raise ChecksChanged(unseen)
    missing = [s for s in stops if key(s) not in overrides]
    if missing:
        if not may_override:
            raise StopsNeedOverride(missing, False, NOT_ALLOWED)
        if own_session and any(s.code in CREDENTIAL_STOPS for s in missing):
            raise StopsNeedOverride(missing, False, OWN_CREDENTIAL)
        if (why := override_reason_problem(override_reason)) is not None:
            raise StopsNeedOverride(missing, True, why)
    given = (reason or "").strip()
    if not given and stored_reason and all(key(w) in stored for w in warnings):
        given = stored_reason.strip()
    if warnings and not given:
        raise WarningsNeedReason(warnings)
    out: list[GoneAhead] = []
    for stop in stops:
        recorded = overrides.get(key(stop))
        if recorded is not None:
            out.append(GoneAhead(stop, recorded.reason, recorded.by, recorded.at))
        else:
            out.append(GoneAhead(stop, (override_reason or "").strip(), actor, now))
    out += [GoneAhead(w, given) for w in warnings]
    return out
