"""The signature badge shown per approved version in the register, the editor and the history.

A badge is text, a colour and a tooltip computed from a
:class:`~workbench.services.approvals.signing.SignatureStatus`: valid, invalid with the reason,
or not signed. Labels show it with :func:`apply_badge`; item models with :func:`badge_data`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

from workbench.services.approvals.signing import SignatureState, SignatureStatus, short_fingerprint

VALID_COLOUR = "#1b7f3b"
INVALID_COLOUR = "#b00020"
UNSIGNED_COLOUR = "#6b6b6b"


@dataclass(frozen=True)
class Badge:
    text: str
    colour: str
    tooltip: str
    state: SignatureState

    def style_sheet(self) -> str:
        return (
            f"QLabel {{ color: {self.colour}; border: 1px solid {self.colour}; "
            "border-radius: 3px; padding: 1px 6px; }"
        )


def _signer_line(status: SignatureStatus) -> list[str]:
    return [
        f"{check.signer}{f' ({check.role})' if check.role else ''} {check.decision.value} "
        f"{check.signed_at:%Y-%m-%d %H:%M} UTC, key {short_fingerprint(check.key_fingerprint)}"
        + ("" if check.valid else f": INVALID, {check.reason}")
        for check in status.checks
    ]


def signature_badge(status: SignatureStatus) -> Badge:
    """Text, colour and tooltip for one version's signatures."""
    lines = _signer_line(status)
    match status.state:
        case SignatureState.VALID:
            count = len(status.checks)
            return Badge(
                f"✔ Signed v{status.version}",
                VALID_COLOUR,
                f"{count} signature{'s' if count != 1 else ''} on version {status.version} "
                "verified:\n" + "\n".join(lines),
                status.state,
            )
        case SignatureState.INVALID:
            return Badge(
                f"✖ Signature invalid v{status.version}",
                INVALID_COLOUR,
                f"Version {status.version}: {status.reason}\n\n" + "\n".join(lines),
                status.state,
            )
        case SignatureState.UNSIGNED:
            return Badge(
                "Not signed",
                UNSIGNED_COLOUR,
                f"No one has signed version {status.version}.",
                status.state,
            )


def apply_badge(label: QLabel, badge: Badge | None) -> None:
    """Show a badge on a label; None hides it."""
    if badge is None:
        label.hide()
        return
    label.setText(badge.text)
    label.setToolTip(badge.tooltip)
    label.setStyleSheet(badge.style_sheet())
    label.setProperty("signatureState", badge.state.value)
    label.show()


def badge_label(badge: Badge | None = None, parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("signatureBadge")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    apply_badge(label, badge)
    return label


def badge_data(badge: Badge, role: int) -> Any:
    """What an item model returns for a badge cell in ``role`` (None for other roles)."""
    if role == Qt.ItemDataRole.DisplayRole:
        return badge.text
    if role == Qt.ItemDataRole.ToolTipRole:
        return badge.tooltip
    if role == Qt.ItemDataRole.ForegroundRole:
        return QColor(badge.colour)
    return None
