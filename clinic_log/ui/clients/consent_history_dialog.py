"""Every consent a client signed, newest first: when, for what (treatment, clinical-record photos, other uses of
photos), which version of the wording and who signed; for the one
selected, the exact wording they signed and the signature as drawn (or a note that the name was typed).

Read-only: a consent is evidence of what the client agreed to on that day, so it is shown, never edited.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from clinic_log.services.clients.consents import SignedConsent


def consent_line(consent: SignedConsent) -> str:
    how = "signature drawn" if consent.signature_png else "name typed"
    return (f"{consent.signed_on.isoformat()} · {consent.purpose.label} · version {consent.text_version} · "
            f"{consent.signer_name} ({how})")


class ConsentHistoryDialog(QDialog):
    def __init__(self, consents: Sequence[SignedConsent], client_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._consents = list(consents)
        self.setWindowTitle(f"Consents signed — {client_name}")
        self.list = QListWidget()
        self.list.setAccessibleName("Signed consents")
        self.list.addItems([consent_line(c) for c in self._consents])
        self.heading = QLabel()
        self.heading.setAccessibleName("Selected consent")
        self.heading.setWordWrap(True)
        self.wording = QPlainTextEdit()
        self.wording.setReadOnly(True)
        self.wording.setAccessibleName("Wording signed")
        self.signature = QLabel()
        self.signature.setAccessibleName("Signature")
        self.signature.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        detail = QVBoxLayout()
        detail.addWidget(self.heading)
        detail.addWidget(self.wording, 1)
        detail.addWidget(self.signature)
        body = QHBoxLayout()
        body.addWidget(self.list, 2)
        body.addLayout(detail, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self.resize(980, 560)
        self.list.currentRowChanged.connect(self._show)
        if self._consents:
            self.list.setCurrentRow(0)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self._consents):
            return
        consent = self._consents[row]
        self.heading.setText(f"Signed {consent.signed_on.isoformat()} by {consent.signer_name}, "
                             f"consent text version {consent.text_version}")
        self.wording.setPlainText(consent.text_snapshot)
        pixmap = QPixmap()
        if consent.signature_png and pixmap.loadFromData(consent.signature_png, "PNG"):
            height = self.fontMetrics().height() * 4
            self.signature.setPixmap(pixmap.scaledToHeight(height, Qt.TransformationMode.SmoothTransformation))
        else:
            self.signature.setText(f"Signed by typed name: {consent.signer_name}")
