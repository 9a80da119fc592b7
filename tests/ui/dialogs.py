"""Find the window an action opened the way a user's eye does: a visible widget of its class that was not there
before the action (no signal in production code just for tests)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Generic, TypeVar

from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

W = TypeVar("W", bound=QWidget)


def present(cls: type[W], parent: QWidget | None = None) -> list[W]:
    """Every `cls` that exists: `parent`'s children at any depth, or else the app's windows (shown or not)."""
    widgets = parent.findChildren(cls) if parent is not None else QApplication.topLevelWidgets()
    return [w for w in widgets if isinstance(w, cls)]


class Opened(Generic[W]):
    """What `opens` found; `widget` is set once the `with` block has ended."""

    def __init__(self, cls: type[W]) -> None:
        self.cls = cls
        self.found: W | None = None

    @property
    def widget(self) -> W:
        assert self.found is not None, f"no {self.cls.__name__} yet: read it after the with block"
        return self.found


def opened(qtbot: QtBot, cls: type[W], parent: QWidget | None = None, besides: Sequence[QWidget] = (),
           timeout: int = 5000) -> W:
    """Wait for the one visible `cls` (under `parent` if given) that is not among `besides`, and return it.

    Hidden ones are never taken: a dialog closed with WA_DeleteOnClose may still be waiting to be deleted. Without
    `besides`, use it for a parent that is itself new (a window just made): all its dialogs are new.
    """

    def new() -> list[W]:
        return [w for w in present(cls, parent) if w.isVisible() and not any(w is old for old in besides)]

    def one_is_shown() -> None:
        assert new(), f"no new visible {cls.__name__} within {timeout} ms"

    qtbot.waitUntil(one_is_shown, timeout=timeout)
    found = new()
    assert len(found) == 1, f"{len(found)} new visible {cls.__name__}: the action should open one"
    return found[0]


@contextmanager
def opens(qtbot: QtBot, cls: type[W], parent: QWidget | None = None, timeout: int = 5000) -> Iterator[Opened[W]]:
    """After the block, wait for the one visible `cls` (under `parent` if given) that was not there before it."""
    before = present(cls, parent)  # held, so each keeps its wrapper and `is` tells old from new
    found = Opened(cls)
    yield found
    found.found = opened(qtbot, cls, parent, besides=before, timeout=timeout)
