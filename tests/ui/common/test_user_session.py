"""Who is logged in is one UserSession object that the shell makes and hands down, never a module global: two
sessions are independent, `changed` carries the new actor, nobody logged in is an error, and a page acts as the
session it was given. The last test keeps clinic_log/ui free of a module-level holder of the user."""

from __future__ import annotations

import ast
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import clinic_log.ui
from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.clients.clients import ClientDetails, create_client
from clinic_log.ui.clients.clients_page import ClientsPage
from clinic_log.ui.common.user_session import NotLoggedIn, UserSession
from tests.ui.window_helpers import make_window

DESK = Actor("desk", UserRole.RECEPTION)
UI = Path(clinic_log.ui.__file__).parent
# the free functions of the old module-level holder (ui/common/current_user.py)
GLOBAL_USER_FUNCTIONS = {"current_actor", "user_session", "sign_in", "sign_out"}
# `global` statements that hold something other than a user, each with its reason (a new one is questioned)
ALLOWED_GLOBALS = {("common/operations.py", "_worker"): "the app's one database worker thread pool"}


def viewed(raw: sqlite3.Connection) -> list[tuple[str, str]]:
    """Who opened which client, in order, as the audit trail in the file says."""
    return raw.execute("SELECT actor, entity_id FROM audit_log WHERE action = 'viewed' ORDER BY id").fetchall()


@pytest.fixture
def client_id(db: Database, owner: Actor) -> int:
    return create_client(db, owner, ClientDetails("P-1", "Ada", "Lovelace", date(1990, 1, 1))).id


def clients_page(qtbot: QtBot, db: Database, user: UserSession) -> ClientsPage:
    page = ClientsPage(db, user)
    qtbot.addWidget(page)
    page.show()
    return page


def test_signing_into_one_session_leaves_another_as_it_was(owner: Actor) -> None:
    front, back = UserSession(), UserSession()
    front.sign_in(owner)
    assert front.actor == owner
    assert not back.signed_in  # with the old module global, this login was everybody's
    with pytest.raises(NotLoggedIn):
        _ = back.actor
    back.sign_in(DESK)
    assert (front.actor, back.actor) == (owner, DESK)
    back.sign_out()
    assert front.actor == owner and not back.signed_in


def test_changed_carries_the_actor_just_signed_in(qtbot: QtBot, owner: Actor) -> None:
    session = UserSession()
    session.sign_in(owner)
    with qtbot.waitSignal(session.changed, timeout=1000) as switched:
        session.sign_in(DESK)
    assert switched.args == [DESK]  # the window re-checks its tabs and actions for this actor
    assert session.actor == DESK  # read at each call: the switch holds at once


def test_asking_who_acts_before_a_login_or_after_a_sign_out_raises_not_logged_in(owner: Actor) -> None:
    session = UserSession()
    with pytest.raises(NotLoggedIn, match="nobody is logged in"):
        _ = session.actor
    session.sign_in(owner)
    session.sign_out()
    assert not session.signed_in
    with pytest.raises(NotLoggedIn, match="nobody is logged in"):
        _ = session.actor  # never a call made as the previous user


def test_each_page_audits_its_openings_under_its_own_sessions_user(
        qtbot: QtBot, db: Database, user: UserSession, owner: Actor, client_id: int,
        raw: sqlite3.Connection) -> None:
    desk_session = UserSession()
    desk_session.sign_in(DESK)
    owners_page = clients_page(qtbot, db, user)
    desks_page = clients_page(qtbot, db, desk_session)
    desks_page.open_client(client_id)
    owners_page.open_client(client_id)
    assert viewed(raw) == [("desk", str(client_id)), ("owner", str(client_id))]
    mbrandt = Actor("mbrandt", UserRole.PRACTITIONER)
    desk_session.sign_in(mbrandt)  # a switch on one session: its page acts as the new user at once
    assert viewed(raw)[-1] == ("mbrandt", str(client_id))
    owners_page.client_page.reload()
    assert viewed(raw) == [("desk", str(client_id)), ("owner", str(client_id)), ("mbrandt", str(client_id))]
    assert user.actor == owner  # the other session never changed hands


def test_the_main_window_builds_its_pages_for_the_session_it_was_given(
        qtbot: QtBot, db: Database, db_path: Path, client_id: int, raw: sqlite3.Connection) -> None:
    desk_session = UserSession()
    desk_session.sign_in(DESK)
    window = make_window(qtbot, db, desk_session, db_path)
    assert window.user_label.text() == "desk (reception)"
    page = window.pages.show_page("clients")  # built by its PageSpec factory on first show
    assert isinstance(page, ClientsPage)
    page.open_client(client_id)
    assert viewed(raw) == [("desk", str(client_id))]


def _holders_of_the_user(path: Path) -> list[str]:
    """What in one module would keep the logged-in user outside the shell's UserSession."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    module = path.relative_to(UI).as_posix()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            names = [name for name in node.names if (module, name) not in ALLOWED_GLOBALS]
            if names:
                found.append(f"line {node.lineno}: global {', '.join(names)}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in GLOBAL_USER_FUNCTIONS):
            found.append(f"line {node.lineno}: {node.func.id}() reads a module-level user")
        elif isinstance(node, ast.ImportFrom) and node.module is not None and (
                node.module.endswith("current_user") or any(a.name == "current_user" for a in node.names)):
            found.append(f"line {node.lineno}: imports the old current_user module")
    for statement in tree.body:  # module level: no actor or session held in a variable
        target_note = ""
        if isinstance(statement, ast.AnnAssign) and any(
                name in ast.unparse(statement.annotation) for name in ("Actor", "UserSession")):
            target_note = ast.unparse(statement.annotation)
        elif isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None and any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("UserSession", "Actor")
                for n in ast.walk(statement.value)):
            target_note = ast.unparse(statement.value)
        if target_note:
            found.append(f"line {statement.lineno}: module-level {target_note}")
    return found


def test_no_module_under_ui_keeps_the_logged_in_user_itself() -> None:
    problems = {str(path.relative_to(UI.parent.parent)): found for path in sorted(UI.rglob("*.py"))
                if (found := _holders_of_the_user(path))}
    assert problems == {}, "the logged-in user belongs in the shell's UserSession, passed down: " + "; ".join(
        f"{file}: {', '.join(found)}" for file, found in problems.items())


def test_the_user_session_module_holds_only_classes() -> None:
    tree = ast.parse((UI / "common" / "user_session.py").read_text(encoding="utf-8"))
    loose = [ast.unparse(s).splitlines()[0] for s in tree.body
             if not isinstance(s, ast.ClassDef | ast.Import | ast.ImportFrom)
             and not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]  # the docstring
    assert loose == []
