"""One typed registry of the clinic's settings, stored in the `settings` table with defaults here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLAlchemy loads only where a setting is read through it (start-up reads them plainly)
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: str
    description: str


SETTINGS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec("clinic.name", "My Clinic", "clinic name printed on sheets"),
        SettingSpec("clinic.address", "", "clinic address printed on sheets"),
        SettingSpec("clinic.phone", "", "clinic phone printed on sheets"),
        SettingSpec("clinic.paper", "A4", "paper size for printed sheets: A4 or Letter"),
        SettingSpec("clinic.logo_path", "", "logo image for printed sheets"),
        SettingSpec("consent.validity", "12m", "how long a signed consent stays valid (e.g. 12m)"),
        SettingSpec("security.idle_lock_minutes", "10",
                    "minutes without keyboard or mouse use before the app locks and asks for a password again"),
    )
}


def get_setting(session: Session, key: str) -> str:
    from sqlalchemy import select

    from clinic_log.db.models import Setting

    value = session.scalar(select(Setting.value).where(Setting.key == key))
    return value if value is not None else SETTINGS[key].default

IDLE_LOCK_MINUTES = (1, 240)  # allowed range of security.idle_lock_minutes


def idle_lock_minutes(value: str) -> int:
    """The stored idle-lock setting as minutes, the default when the stored text is unusable."""
    try:
        minutes = int(value)
    except ValueError:
        return int(SETTINGS["security.idle_lock_minutes"].default)
    low, high = IDLE_LOCK_MINUTES
    return min(max(minutes, low), high)
