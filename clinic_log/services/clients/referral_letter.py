"""The referral letter printed from a recorded referral: to whom, the client (name in its script's order, date of
birth), the reason and the clinic's contact. Each print and save is audited against the client (kind "referral
letter", with the decision's id), so subject access lists it; a preview records nothing."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Client, ClientDecision
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import DecisionKind
from clinic_log.domain.errors import InvalidValue, NotFound
from clinic_log.domain.permissions import Permission
from clinic_log.domain.text import name_text
from clinic_log.reports.sheet_data import ReferralLetter
from clinic_log.services.clients.aftercare import clinic_info
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize
from clinic_log.services.common.clock import from_utc_naive
from clinic_log.services.common.files import check_target, output_target

PERMISSION = Permission.PRINT_AFTERCARE  # the people who print the client's sheets print this letter too
KIND = "referral letter"


def _decision(session: Session, decision_id: int) -> ClientDecision:
    row = session.get(ClientDecision, decision_id)
    if row is None:
        raise NotFound("decision", decision_id)
    if row.kind != DecisionKind.REFERRAL:
        raise InvalidValue("decision", f"{row.kind} {decision_id}", "a referral: only a referral has a letter")
    return row


def referral_letter(db: Database, decision_id: int, today: date | None = None) -> ReferralLetter:
    with db.reading() as session:
        decision = _decision(session, decision_id)
        client = session.get(Client, decision.client_id)
        assert client is not None  # a foreign key
        return ReferralLetter(
            decision_id=decision.id, clinic=clinic_info(session), client_ref=client.client_ref,
            client_name=name_text(client.first_name, client.last_name) or client.client_ref,
            client_date_of_birth=client.date_of_birth, referred_to=decision.referred_to or "",
            reason=decision.reason, decided_by=decision.decided_by_name,
            decided_on=from_utc_naive(decision.decided_at).astimezone().date(), printed_on=today or date.today())


def file_name(letter: ReferralLetter) -> str:
    """referral-<client ref>-<day>.pdf, with anything a file system might refuse replaced by _."""
    ref = re.sub(r"[^\w.-]+", "_", letter.client_ref).strip("._") or "client"
    return f"referral-{ref}-{letter.printed_on:%Y-%m-%d}.pdf"


def preview_referral(db: Database, actor: Actor, decision_id: int) -> tuple[ReferralLetter, bytes]:
    """The letter and its PDF bytes for showing on screen; nothing is recorded until it is printed or saved."""
    authorize(db, actor, PERMISSION)
    from clinic_log.reports.referral_pdf import build_referral_pdf

    letter = referral_letter(db, decision_id)
    return letter, build_referral_pdf(letter)


def audit_referral_output(db: Database, actor: Actor, letter: ReferralLetter, how: Literal["printed", "saved"]) -> None:
    authorize(db, actor, PERMISSION)

    def work(session: Session) -> None:
        decision = _decision(session, letter.decision_id)
        audit.record(db, session, actor, AuditEvent(how, "client", str(decision.client_id), {
            "kind": KIND, "decision_id": letter.decision_id, "referred_to": letter.referred_to}))

    db.write(work)


def write_referral_pdf(db: Database, actor: Actor, letter: ReferralLetter, pdf: bytes, out: Path) -> None:
    """Write an already rendered letter to `out` (whole or not at all) and record the save."""
    authorize(db, actor, PERMISSION)
    with output_target(out) as tmp:  # checks the target first (services.files.check_target)
        tmp.write_bytes(pdf)
    audit_referral_output(db, actor, letter, "saved")


def save_referral(db: Database, actor: Actor, decision_id: int, out: Path) -> ReferralLetter:
    """Build the letter of a referral and write it to `out`; recorded as saved."""
    check_target(out)
    letter, pdf = preview_referral(db, actor, decision_id)
    write_referral_pdf(db, actor, letter, pdf, out)
    return letter


def render_referral(db: Database, actor: Actor, decision_id: int) -> tuple[str, bytes]:
    """The letter's file name and PDF bytes, for printing; the print is recorded in the audit log."""
    letter, pdf = preview_referral(db, actor, decision_id)
    audit_referral_output(db, actor, letter, "printed")
    return file_name(letter), pdf
