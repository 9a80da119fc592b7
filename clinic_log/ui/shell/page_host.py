"""The main window's pages as tabs, each built the first time it is shown (so start-up only pays for the first).

A page is registered with a title, a factory and the Permission it needs (the roles come from `ALLOWED`);
`PageHost.show_roles` hides the tabs the logged-in user's role may not use (the services refuse them anyway).
Ctrl+1, Ctrl+2… go to the first, second… visible tab; titles carry no Alt mnemonic, since the history filters and
the menus use those letters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from clinic_log.domain.enums import UserRole
from clinic_log.domain.permissions import ALLOWED, Permission


@dataclass(frozen=True)
class PageSpec:
    """One page: its tab title (with & mnemonic), how to build it, and the permission needed to see it (None: every
    logged-in role)."""

    key: str
    title: str
    factory: Callable[[], QWidget]
    permission: Permission | None = None

    def visible_to(self, role: UserRole) -> bool:
        return self.permission is None or role in ALLOWED[self.permission]


class _LazyPage(QWidget):
    """Holds a page's place in the tabs until it is first shown, then builds and keeps it."""

    def __init__(self, spec: PageSpec) -> None:
        super().__init__()
        self.spec = spec
        self.content: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def build(self) -> QWidget:
        if self.content is None:
            self.content = self.spec.factory()
            layout = self.layout()
            assert layout is not None
            layout.addWidget(self.content)
        return self.content


class PageHost(QTabWidget):
    """Tabs of pages, each built when first shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self._pages: dict[str, _LazyPage] = {}
        self.currentChanged.connect(self._on_current_changed)

    def add_page(self, spec: PageSpec) -> None:
        holder = _LazyPage(spec)
        self._pages[spec.key] = holder
        self.addTab(holder, spec.title)
        self._number_tabs()

    def page(self, key: str) -> QWidget:
        """The page's widget, built now if it was not yet."""
        return self._pages[key].build()

    def show_page(self, key: str) -> QWidget:
        content = self.page(key)
        self.setCurrentWidget(self._pages[key])
        return content

    def keys(self) -> Iterable[str]:
        return self._pages.keys()

    def is_built(self, key: str) -> bool:
        return self._pages[key].content is not None

    def show_roles(self, role: UserRole) -> None:
        """Show only the tabs this role may use."""
        for holder in self._pages.values():
            self.setTabVisible(self.indexOf(holder), holder.spec.visible_to(role))
        self._number_tabs()

    def install_shortcuts(self, window: QWidget) -> None:
        """Ctrl+1 … Ctrl+9 anywhere in `window` show the 1st … 9th visible tab."""
        for n in range(1, 10):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n}"), window)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda n=n: self.show_visible_tab(n))

    def visible_indexes(self) -> list[int]:
        return [i for i in range(self.count()) if self.isTabVisible(i)]

    def show_visible_tab(self, number: int) -> None:
        """Show the `number`-th visible tab (1-based); nothing when there are fewer."""
        visible = self.visible_indexes()
        if 0 < number <= len(visible):
            self.setCurrentIndex(visible[number - 1])

    def _number_tabs(self) -> None:
        for position, index in enumerate(self.visible_indexes(), start=1):
            if position <= 9:
                self.setTabToolTip(index, f"Ctrl+{position}")

    def _on_current_changed(self, index: int) -> None:
        holder = self.widget(index)
        if isinstance(holder, _LazyPage):
            self.page(holder.spec.key)
