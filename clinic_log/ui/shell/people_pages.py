"""Factories for the people-and-trust tabs and the owner's devices and lots, importing each page only when its tab
is first shown."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from clinic_log.db.engine import Database
from clinic_log.ui.common.user_session import UserSession


def practitioners_page(db: Database, user: UserSession) -> QWidget:
    from clinic_log.ui.people.practitioners_page import PractitionersPage

    return PractitionersPage(db, user)


def devices_page(db: Database, user: UserSession) -> QWidget:
    from clinic_log.ui.devices.devices_page import DevicesPage

    return DevicesPage(db, user)


def users_page(db: Database, user: UserSession) -> QWidget:
    from clinic_log.ui.people.users_page import UsersPage

    return UsersPage(db, user)


def audit_page(db: Database, user: UserSession) -> QWidget:
    from clinic_log.ui.audit.audit_page import AuditPage

    return AuditPage(db, user)
