"""A writer process for the concurrency tests: saves versions of one document on a workspace.

Usage: python -m tests.helpers.writer_child LOCATION ARTIFACT_ID COUNT NAME
Prints "ready", waits for a line on stdin (so every writer starts at once), saves COUNT
versions whose text names NAME and the number, then prints "done".
"""

from __future__ import annotations

import sys

from workbench.services.documents import editing
from workbench.services.store.workspace import open_workspace


def main() -> None:
    location, artifact_id, count, name = (
        sys.argv[1],
        int(sys.argv[2]),
        int(sys.argv[3]),
        sys.argv[4],
    )
    workspace = open_workspace(location, create=False)
    print("ready", flush=True)
    sys.stdin.readline()
    for number in range(count):
        editing.save_version(
            workspace,
            artifact_id=artifact_id,
            content=f"# Policy\n\nSaved by {name}, edit {number}.\n",
            author=name,
            comment=f"{name} {number}",
        )
    workspace.close()
    print("done", flush=True)


if __name__ == "__main__":
    main()
