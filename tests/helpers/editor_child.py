"""A real workbench process for the crash test: opens a document, types, waits to be killed.

Usage: python -m tests.helpers.editor_child WORKSPACE ARTIFACT_ID TEXT_FILE
Prints "autosaved" once the typed text is in the draft buffer, then keeps running.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from workbench.services.store.workspace import open_workspace
from workbench.views.documents.view import DocumentEditor  # noqa: E402


def main() -> None:
    workspace_path, artifact_id, text_file = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    app = QApplication([])
    editor = DocumentEditor()
    editor.set_workspace(open_workspace(workspace_path, create=False))
    assert editor.open_artifact(artifact_id)
    editor.autosaved.connect(lambda _id: print("autosaved", flush=True))
    editor.editor.setPlainText(text_file.read_text(encoding="utf-8"))
    editor.show()
    app.exec()


if __name__ == "__main__":
    main()
