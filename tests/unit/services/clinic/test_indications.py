"""The clinic's indications as listed for everyone (each with its own depth ranges and the label of its site) and
the site an older file's indication-as-area is read onto, set by the owner only and audited when it changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from clinic_log.db.engine import Database
from clinic_log.db.models import AuditEntry
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.domain.errors import InvalidValue, PermissionDenied
from clinic_log.services.clinic.indications import list_indications, set_indication_site


def test_only_the_owner_sets_a_site(db: Database, owner: Actor) -> None:
    with pytest.raises(PermissionDenied):
        set_indication_site(db, Actor("rita", UserRole.RECEPTION), "scars", "back")
    with pytest.raises(InvalidValue):
        set_indication_site(db, owner, "scars", "acne_scars")  # an indication is not a site
    assert set_indication_site(db, owner, "scars", "back")
    assert {i.code: i.default_site for i in list_indications(db)}["scars"] == "back"


def test_each_indication_is_listed_by_code_with_its_sites_label_and_its_own_ranges(db: Database) -> None:
    lines = list_indications(db)
    assert [i.code for i in lines] == sorted(i.code for i in lines)
    by_code = {i.code: i for i in lines}
    acne = by_code["acne_scars"]
    assert (acne.default_site, acne.site_label) == ("cheeks", "Cheeks")
    assert (acne.usual_min_mm, acne.usual_max_mm) == (1.5, 2.0)
    assert (by_code["scars"].site_label, by_code["scars"].rf_max_mm) == ("Site not recorded", 4.0)
    rejuvenation = by_code["rejuvenation"]  # no site, no range of its own: the treated site's range applies
    assert (rejuvenation.default_site, rejuvenation.site_label, rejuvenation.usual_min_mm) == (None, None, None)


def test_setting_the_site_it_already_has_changes_nothing_and_audits_nothing(db: Database, owner: Actor) -> None:
    assert set_indication_site(db, owner, "acne_scars", "cheeks") is False
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.entity == "indication")) == 0
    with pytest.raises(InvalidValue, match=r"^indication: 'acne' is not allowed; one of acne_scars"):
        set_indication_site(db, owner, "acne", "cheeks")
