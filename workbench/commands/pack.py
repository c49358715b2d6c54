"""``workbench pack``: the audit pack, one zip for the auditor.

Exit 0 when the pack is written and the workspace verifies; exit 1 when the pack is written
but verification found problems (the pack's manifest and index list them); exit 2 for bad input
or an environment that does not allow it (a full disk). Stopped by SIGTERM or Ctrl+C, the pack
leaves nothing behind, and exits with 128 plus the signal's number, as shells expect.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from workbench.commands.base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    Commands,
    acting_name,
    add_acting_option,
    cli_workspace,
)
from workbench.services.common.errors import ServiceError

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class PackInterrupted(ServiceError):
    """A signal stopped the pack; nothing was written."""

    def __init__(self, signum: int) -> None:
        name = signal.Signals(signum).name
        super().__init__(f"the audit pack was stopped ({name}); nothing was written")
        self.exit_code = 128 + signum


def add_to(commands: Commands) -> None:
    pack = commands.add_parser(
        "pack",
        help="write the audit pack: published documents, register, planner, audit trail, "
        "manifest with hashes and the verify result",
    )
    pack.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.zip")
    pack.add_argument(
        "--include-drafts",
        action="store_true",
        help="add the latest version of every unpublished, live artifact, marked DRAFT",
    )
    add_acting_option(pack)
    pack.set_defaults(handler=write_pack)


class _Stopper:
    """Turns SIGTERM and SIGINT into :class:`PackInterrupted` while armed; once disarmed (the
    last step moves the finished zip into place and records it), a signal waits for it."""

    def __init__(self) -> None:
        self.armed = True
        self.pending: int | None = None

    def __call__(self, signum: int, _frame: FrameType | None) -> None:
        if self.armed:
            raise PackInterrupted(signum)
        self.pending = signum

    def disarm(self) -> None:
        self.armed = False


@contextmanager
def _stoppable() -> Iterator[_Stopper]:
    stopper = _Stopper()
    previous = {signum: signal.signal(signum, stopper) for signum in STOP_SIGNALS}
    try:
        yield stopper
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def write_pack(args: argparse.Namespace) -> int:
    from workbench.services.exports import audit_pack

    with cli_workspace(args) as workspace, _stoppable() as stopper:
        # The job's close (on any error or signal) removes the partial zip.
        with audit_pack.PackJob(
            workspace, args.output, actor=acting_name(args), include_drafts=args.include_drafts,
        ) as job:  # fmt: skip
            while not job.finished:
                if job.done == job.total - 1:
                    stopper.disarm()
                job.step()
            result = job.result
    assert result is not None
    print(f"{result.summary()}; manifest SHA-256 {result.manifest_sha256}")
    if stopper.pending is not None:  # it came as the finished pack was moved into place
        return 128 + stopper.pending
    if result.report.ok:
        return EXIT_OK
    count = len(result.report.problems)
    print(
        f"workbench: warning: verify found {count} problem(s); the pack's manifest.json and "
        "index.html list them (workbench verify shows them too)",
        file=sys.stderr,
    )
    return EXIT_PROBLEMS
