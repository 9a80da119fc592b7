"""Who the GUI acts as: the last login, taking effect at once for every later call; nobody before a login."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.ui.common.current_user import NotLoggedIn, current_actor, sign_in, sign_out, user_session


def test_before_anyone_logs_in_or_after_signing_out_asking_who_acts_is_refused(qtbot: QtBot, owner: Actor) -> None:
    sign_out()
    with pytest.raises(NotLoggedIn, match="nobody is logged in"):
        current_actor()  # never a call made as the previous user
    sign_in(owner)
    assert current_actor() == owner


def test_a_login_is_announced_and_every_later_call_acts_as_the_new_user(qtbot: QtBot, owner: Actor) -> None:
    assert current_actor() == owner
    desk = Actor("desk", UserRole.RECEPTION)
    with qtbot.waitSignal(user_session().changed) as announced:
        sign_in(desk)
    assert announced.args == [desk]  # the window re-checks its tabs and actions for this actor
    assert current_actor() == desk  # read at each call: the switch holds at once

