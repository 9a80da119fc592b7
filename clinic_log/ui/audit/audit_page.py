"""The owner's audit viewer: who did what and when, filtered by actor, action, entity and dates; and Verify,
which checks the hash chain off the GUI thread and selects the first broken row if there is one.

The filter fields suggest the users, actions and entities that occur in the trail (read in the background
when the page opens), matching any part of a value in any case; a value typed in another case is taken as it
is stored."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QItemSelectionModel, QStringListModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic_log.db.engine import Database
from clinic_log.services.audit.audit_queries import (
    AuditChoices,
    AuditFilter,
    audit_choices,
    broken_seals,
    count_audit_rows,
    first_broken_row,
)
from clinic_log.services.common.audit import ChainProblem
from clinic_log.ui.audit.audit_table_model import AuditTableModel
from clinic_log.ui.common.background import BackgroundRunner
from clinic_log.ui.common.date_typing import type_dates_whole
from clinic_log.ui.common.operations import EVERYTHING, QueryOp, on_records_changed
from clinic_log.ui.common.user_session import UserSession

_BAD = "color: #b00020; font-weight: bold;"
_GOOD = "color: #1b5e20; font-weight: bold;"


def _text_filter(label: str, tip: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(label)
    edit.setPlaceholderText("any")
    edit.setToolTip(tip)
    edit.setClearButtonEnabled(True)
    completer = QCompleter(QStringListModel(edit), edit)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    edit.setCompleter(completer)
    return edit


def _suggest(edit: QLineEdit, values: tuple[str, ...]) -> None:
    model = edit.completer().model()
    assert isinstance(model, QStringListModel)
    model.setStringList(list(values))


def _as_stored(edit: QLineEdit) -> str | None:
    """The typed value, spelled as the trail stores it when it matches a suggestion in another case."""
    typed = edit.text().strip()
    if not typed:
        return None
    model = edit.completer().model()
    assert isinstance(model, QStringListModel)
    return next((value for value in model.stringList() if value.casefold() == typed.casefold()), typed)


class AuditPage(QWidget):
    """Filter bar, paged table, Verify button and its result."""

    def __init__(self, db: Database, user: UserSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._user = db, user
        self._runner = BackgroundRunner(self)
        self.model = AuditTableModel(db, user)
        self.actor_edit = _text_filter("Who", "A username, e.g. owner or mbrandt (suggested as you type)")
        self.action_edit = _text_filter("Action", "e.g. login_failed, signed, amended, printed, exported, voided "
                                        "(suggested as you type)")
        self.entity_edit = _text_filter("Entity", "e.g. session, client, user, practitioner, settings "
                                        "(suggested as you type)")
        self.from_check = QCheckBox("Fro&m")
        self.from_check.setAccessibleName("From")
        self.from_date = type_dates_whole(QDateEdit(QDate.currentDate().addDays(-30)))
        self.from_date.setCalendarPopup(True)
        self.from_date.setAccessibleName("From date")
        self.to_check = QCheckBox("T&o")
        self.to_check.setAccessibleName("To")
        self.to_date = type_dates_whole(QDateEdit(QDate.currentDate()))
        self.to_date.setCalendarPopup(True)
        self.to_date.setAccessibleName("To date")
        for box in (self.from_date, self.to_date):
            box.setDisplayFormat("yyyy-MM-dd")
        self.apply_button = QPushButton("&Apply")
        self.apply_button.setAccessibleName("Apply")
        self.apply_button.setToolTip("Show the rows that match these filters (Enter in a filter does the same)")
        self.clear_button = QPushButton("C&lear")
        self.clear_button.setAccessibleName("Clear")
        self.verify_button = QPushButton("Ve&rify")
        self.verify_button.setAccessibleName("Verify")
        self.verify_button.setToolTip("Check the audit trail's hash chain: any edited or removed row is found")
        self.result_label = QLabel("Verify checks that no audit row was changed or removed.")
        self.result_label.setAccessibleName("Verify result")
        self.result_label.setWordWrap(True)

        bar = QHBoxLayout()
        for text, widget in (("&Who", self.actor_edit), ("A&ction", self.action_edit),
                             ("&Entity", self.entity_edit)):
            label = QLabel(text)
            label.setBuddy(widget)
            bar.addWidget(label)
            bar.addWidget(widget, 1)
        for extra in (self.from_check, self.from_date, self.to_check, self.to_date, self.apply_button,
                      self.clear_button):
            bar.addWidget(extra)

        self.view = QTableView()
        self.view.setTabKeyNavigation(False)  # Tab leaves the table, arrows move within it
        self.view.setAccessibleName("Audit trail")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        width = self.fontMetrics().horizontalAdvance("0000-00-00 00:00:00  ")
        for column, chars in ((0, 0), (1, 14), (2, 16), (3, 14)):
            header.resizeSection(column, width if column == 0 else self.fontMetrics().horizontalAdvance("m") * chars)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

        verify_row = QHBoxLayout()
        verify_row.addWidget(self.verify_button)
        verify_row.addWidget(self.result_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addLayout(verify_row)

        for edit in (self.actor_edit, self.action_edit, self.entity_edit):
            edit.returnPressed.connect(self.apply_filters)
        self.apply_button.clicked.connect(self.apply_filters)
        self.clear_button.clicked.connect(self.clear_filters)
        self.verify_button.clicked.connect(self.verify)
        self.setTabOrder(self.actor_edit, self.action_edit)
        self.setTabOrder(self.action_edit, self.entity_edit)
        self.model.reload()
        on_records_changed(self, EVERYTHING, self.apply_filters)  # every write leaves an audit row
        owner = self._user.actor
        # without suggestions (the read failed: said, and logged) the fields still filter as typed
        QueryOp(db, self, "Audit filter suggestions", lambda db: audit_choices(db, owner), self._show_choices,
                key="choices").run_in_background()

    def _show_choices(self, choices: AuditChoices) -> None:
        for edit, values in ((self.actor_edit, choices.actors), (self.action_edit, choices.actions),
                             (self.entity_edit, choices.entities)):
            _suggest(edit, values)

    def current_filter(self) -> AuditFilter:
        def day(check: QCheckBox, edit: QDateEdit) -> date | None:
            return edit.date().toPython() if check.isChecked() else None  # type: ignore[return-value]

        return AuditFilter(actor=_as_stored(self.actor_edit), action=_as_stored(self.action_edit),
                           entity=_as_stored(self.entity_edit),
                           date_from=day(self.from_check, self.from_date), date_to=day(self.to_check, self.to_date))

    def apply_filters(self) -> None:
        self.model.set_filter(self.current_filter())

    def clear_filters(self) -> None:
        for edit in (self.actor_edit, self.action_edit, self.entity_edit):
            edit.clear()
        self.from_check.setChecked(False)
        self.to_check.setChecked(False)
        self.apply_filters()

    def verify(self) -> None:
        """Run the hash-chain check in the background; the button is off until it answers."""
        actor = self._user.actor
        self.verify_button.setEnabled(False)
        self.result_label.setStyleSheet("")
        self.result_label.setText("Verifying the audit trail…")
        db = self._db
        self._runner.run("verify", lambda: (first_broken_row(db, actor), count_audit_rows(db, actor),
                                            broken_seals(db, actor)), self._verified, self._failed)

    def _verified(self, result: tuple[ChainProblem | None, int, list[str]]) -> None:
        problem, rows, seals = result
        self.verify_button.setEnabled(True)
        if problem is None and not seals:
            self.result_label.setStyleSheet(_GOOD)
            self.result_label.setText(f"Chain intact ({rows:,} rows); every signed session matches its seal")
        elif problem is None:
            self.result_label.setStyleSheet(_BAD)
            self.result_label.setText(f"Chain intact ({rows:,} rows), but the records do not match it: "
                                      f"{'; '.join(seals[:3])}" + (" …" if len(seals) > 3 else "")
                                      + ". Restore a backup or investigate.")
        else:
            self.result_label.setStyleSheet(_BAD)
            self.result_label.setText(f"Chain broken at audit row {problem.row_id}: {problem.problem}. "
                                      "Rows from there on cannot be trusted; restore a backup or investigate.")
            self.select_audit_row(problem.row_id)

    def _failed(self, exc: Exception) -> None:
        self.verify_button.setEnabled(True)
        self.result_label.setStyleSheet(_BAD)
        self.result_label.setText(f"The check could not run: {exc}")

    def select_audit_row(self, audit_id: int) -> None:
        row = self.model.row_of_id(audit_id)
        if row is None:  # hidden by the filters: show everything, then find it
            self.clear_filters()
            row = self.model.row_of_id(audit_id)
        if row is None:
            return
        index = self.model.index(row, 0)
        self.view.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                          | QItemSelectionModel.SelectionFlag.Rows)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def selected_audit_id(self) -> int | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).id if rows else None
