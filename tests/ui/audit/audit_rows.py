"""Every row of an audit table model as (who, action, entity), loading the pages still to come."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex

from clinic_log.ui.audit.audit_table_model import AuditTableModel


def all_rows(model: AuditTableModel) -> list[tuple[str, str, str]]:
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    return [(model.index(r, 1).data(), model.index(r, 2).data(), model.index(r, 3).data())
            for r in range(model.rowCount())]
