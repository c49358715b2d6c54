"""Who is using the workbench, for authorship and the audit log."""

from __future__ import annotations

import getpass
import os


def current_user() -> str:
    """``WORKBENCH_USER`` if set, else the login name (the settings dialog may override)."""
    name = os.environ.get("WORKBENCH_USER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
