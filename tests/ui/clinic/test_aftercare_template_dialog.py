"""The owner edits the aftercare template in the app: each Save is a new version; problems name the step."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QPlainTextEdit, QTableWidget
from pytestqt.qtbot import QtBot

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import UserRole
from clinic_log.services.clinic.templates import latest_template, template_versions
from clinic_log.ui.clinic.aftercare_template_dialog import AftercareTemplateDialog
from clinic_log.ui.clinic.steps_editor import TEXT, WHEN, StepsEditor
from clinic_log.ui.common.user_session import UserSession
from clinic_log.ui.shell.main_window import MainWindow
from tests.ui.dialogs import opens


def make_dialog(qtbot: QtBot, user: UserSession, db: Database) -> AftercareTemplateDialog:
    dialog = AftercareTemplateDialog(db, user)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def cell(editor: StepsEditor, row: int, column: int) -> str:
    item = editor.table.item(row, column)
    assert item is not None
    return item.text()


def set_cell(editor: StepsEditor, row: int, column: int, text: str) -> None:
    item = editor.table.item(row, column)
    assert item is not None
    item.setText(text)


def save(qtbot: QtBot, dialog: AftercareTemplateDialog) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def test_it_shows_the_latest_version_its_texts_and_the_history(qtbot: QtBot, user: UserSession, db: Database) -> None:
    latest = latest_template(db)
    dialog = make_dialog(qtbot, user, db)
    assert dialog.version_label.text().startswith("Version 3, saved ")
    assert dialog.title_edit.text() == latest.body["title"]
    assert dialog.call_us_edit.toPlainText() == latest.body["call_us"]
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == ["Mechanical", "RF", "Complications"]
    mechanical = dialog.editors["mechanical"]
    assert [(cell(mechanical, r, WHEN), cell(mechanical, r, TEXT)) for r in range(mechanical.table.rowCount())] == [
        (step["when"], step["text"]) for step in latest.body["modalities"]["mechanical"]]
    assert dialog.editors["rf"].table.rowCount() == len(latest.body["modalities"]["rf"])
    assert dialog.history.rowCount() == 1
    assert dialog.history.item(0, 0).text() == "3"


def test_an_edited_step_is_saved_as_a_new_version(qtbot: QtBot, user: UserSession, db: Database) -> None:
    dialog = make_dialog(qtbot, user, db)
    rf = dialog.editors["rf"]
    dialog.tabs.setCurrentWidget(rf)
    set_cell(rf, 1, TEXT, "No gym, sauna or hot baths for 48 hours.")
    dialog.call_us_edit.setPlainText("Ring 0161 555 0100 if anything worries you.")

    save(qtbot, dialog)

    latest = latest_template(db)
    assert latest.version == 4
    assert latest.created_by == user.actor.username
    assert latest.body["modalities"]["rf"][1] == {"when": "First 48 hours",
                                                  "text": "No gym, sauna or hot baths for 48 hours."}
    assert latest.body["call_us"] == "Ring 0161 555 0100 if anything worries you."
    assert latest.body["modalities"]["mechanical"] == template_versions(db)[0].body["modalities"]["mechanical"]
    assert dialog.message.text() == "Saved as version 4"
    assert dialog.version_label.text().startswith("Version 4, saved ")
    assert [dialog.history.item(r, 0).text() for r in range(dialog.history.rowCount())] == ["4", "3"]

    set_cell(rf, 0, WHEN, "Day 0 (treatment day)")
    save(qtbot, dialog)
    assert latest_template(db).version == 5
    assert dialog.message.text() == "Saved as version 5"


def test_an_empty_step_is_named_and_nothing_is_stored_or_lost(qtbot: QtBot, user: UserSession, db: Database) -> None:
    dialog = make_dialog(qtbot, user, db)
    dialog.tabs.setCurrentIndex(1)  # the problem is on the other tab
    mechanical = dialog.editors["mechanical"]
    dialog.title_edit.setText("After your treatment")
    set_cell(mechanical, 1, TEXT, "   ")

    save(qtbot, dialog)

    assert "Mechanical step 2" in dialog.message.text()
    assert "Nothing was saved" in dialog.message.text()
    assert [v.version for v in template_versions(db)] == [3]
    assert dialog.tabs.currentWidget() is mechanical
    assert mechanical.table.currentRow() == 1
    assert dialog.title_edit.text() == "After your treatment"  # the other edits are still there
    assert cell(mechanical, 1, WHEN) == "First 72 hours"

    set_cell(mechanical, 1, TEXT, "Keep your skin clean and cool.")
    save(qtbot, dialog)
    assert latest_template(db).body["title"] == "After your treatment"
    assert dialog.message.text() == "Saved as version 4"


def test_a_modality_without_steps_or_an_empty_call_us_box_is_refused(qtbot: QtBot, user: UserSession,
                                                                     db: Database) -> None:
    dialog = make_dialog(qtbot, user, db)
    rf = dialog.editors["rf"]
    while rf.table.rowCount():
        rf.table.selectRow(0)
        qtbot.mouseClick(rf.remove_button, Qt.MouseButton.LeftButton)
    save(qtbot, dialog)
    assert dialog.message.text().startswith("RF: add at least one step")
    assert dialog.tabs.currentWidget() is rf

    rf.set_steps([{"when": "Day 0", "text": "Keep it clean."}])
    dialog.call_us_edit.setPlainText("  ")
    save(qtbot, dialog)
    assert "“Call us if…” must not be empty" in dialog.message.text()
    assert dialog.focusWidget() is dialog.call_us_edit
    assert [v.version for v in template_versions(db)] == [3]


def test_only_the_owner_can_save(qtbot: QtBot, user: UserSession, db: Database) -> None:
    user.sign_in(Actor("desk", UserRole.RECEPTION))
    dialog = make_dialog(qtbot, user, db)
    assert not dialog.save_button.isEnabled()
    assert dialog.title_edit.isReadOnly()
    assert "Only the owner" in dialog.message.text()


def test_the_settings_menu_opens_it_and_every_input_is_named(qtbot: QtBot, user: UserSession, db: Database,
                                                             db_path: Path) -> None:
    window = MainWindow(db, user, str(db_path))
    qtbot.addWidget(window)
    window.show()
    with opens(qtbot, AftercareTemplateDialog, window) as opened:
        window.template_action.trigger()
    dialog = opened.widget
    assert {w.accessibleName() for w in dialog.findChildren(QLineEdit) + dialog.findChildren(QPlainTextEdit)
            if w.parent() is not None and not isinstance(w.parent(), QTableWidget)} >= {"Title", "Call us if…"}
    for button in dialog.findChildren(QAbstractButton):
        if button.text():
            assert button.accessibleName() == button.text().replace("&", ""), button.text()
    for button in (dialog.save_button, *(b for e in dialog.editors.values()
                                        for b in (e.add_button, e.remove_button, e.up_button, e.down_button))):
        assert "(Ctrl+" in button.toolTip()


def test_an_edited_complication_paragraph_is_saved_as_a_new_version(qtbot: QtBot, user: UserSession,
                                                                    db: Database) -> None:
    dialog = make_dialog(qtbot, user, db)
    editor = dialog.complications
    dialog.tabs.setCurrentWidget(editor)
    assert editor.table.accessibleName() == "Complication paragraphs"
    row = editor.row_of("hsv_reactivation")
    label = editor.table.item(row, 0)
    assert label is not None and label.text() == "HSV reactivation (cold sores)"
    assert not label.flags() & Qt.ItemFlag.ItemIsEditable
    editor.set_paragraph("hsv_reactivation", "Cold sores: call us today, we will arrange antiviral tablets.")

    save(qtbot, dialog)

    latest = latest_template(db)
    assert dialog.message.text() == f"Saved as version {latest.version}" and latest.version == 4
    paragraphs = latest.body["complications"]
    assert paragraphs["hsv_reactivation"] == "Cold sores: call us today, we will arrange antiviral tablets."
    assert paragraphs["pih"] == template_versions(db)[0].body["complications"]["pih"]  # untouched rows kept
