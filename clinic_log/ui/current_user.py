"""Who is using the GUI. Until the app has a login, one owner actor named after the computer's user.

This is the only place the GUI decides who acts; the login screen will replace `current_actor`.
"""

from __future__ import annotations

import getpass
from functools import cache

from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole


@cache
def current_actor() -> Actor:
    """The actor every service call from the GUI is made as (audited as ``gui:<os user>``)."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment or the password database
        user = "unknown"
    return Actor(f"gui:{user}", UserRole.OWNER)
