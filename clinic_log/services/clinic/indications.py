"""The clinic's indications (why an area is treated) and where each is read to be treated when a file or an older
record gives the indication as the area: listed for everyone, the site set by the owner only, audited."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_log.db.engine import Database
from clinic_log.db.models import Area, Indication
from clinic_log.domain.actor import Actor
from clinic_log.domain.errors import InvalidValue
from clinic_log.domain.permissions import Permission
from clinic_log.services.common import audit
from clinic_log.services.common.audit import AuditEvent
from clinic_log.services.common.authority import authorize


@dataclass(frozen=True)
class IndicationLine:
    """One indication as the owner sees it: its own depth ranges (None: the site's apply) and its site."""

    code: str
    label: str
    default_site: str | None  # None: read as "site_not_recorded"
    site_label: str | None
    usual_min_mm: float | None
    usual_max_mm: float | None
    rf_min_mm: float | None
    rf_max_mm: float | None


def list_indications(db: Database) -> tuple[IndicationLine, ...]:
    """Every indication, by code, with the label of the site an older file's indication-as-area is read onto."""
    with db.reading() as session:
        sites = {code: label for code, label in session.execute(select(Area.code, Area.label))}
        return tuple(
            IndicationLine(i.code, i.label, i.default_site, sites.get(i.default_site) if i.default_site else None,
                           i.usual_min_mm, i.usual_max_mm, i.rf_min_mm, i.rf_max_mm)
            for i in session.scalars(select(Indication).order_by(Indication.code)))


def set_indication_site(db: Database, actor: Actor, code: str, site: str) -> bool:
    """Set where indication `code` is read to be treated when given as the area (owner only; the site must be a
    known body site). Returns False when it already was; a change is audited with the old and the new site."""
    authorize(db, actor, Permission.EDIT_SETTINGS)

    def work(session: Session) -> bool:
        row = session.get(Indication, code)
        if row is None:
            known = session.scalars(select(Indication.code).order_by(Indication.code))
            raise InvalidValue("indication", code, "one of " + ", ".join(known))
        if session.get(Area, site) is None:
            sites = session.scalars(select(Area.code).order_by(Area.code))
            raise InvalidValue("site", site, "a body site, one of " + ", ".join(sites))
        if row.default_site == site:
            return False
        old, row.default_site = row.default_site, site
        audit.record(db, session, actor, AuditEvent("changed", "indication", code,
                                                    {"default_site": {"old": old, "new": site}}))
        return True

    return db.write(work)

