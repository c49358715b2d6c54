"""Long file work (storing, exporting a large evidence file) on a worker thread.

The worker only calls the service and reports by signal; it never touches a widget. Progress
reports cross to the GUI thread through queued signals, and cancelling sets a flag that the
service's progress callback reads between chunks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal

from workbench.services.common.errors import ServiceError

log = logging.getLogger("workbench")
# work(progress) -> result; progress(done, total) returns False once the user cancelled.
Work = Callable[[Callable[[int, int], bool]], object]


class FileJob(QObject):
    """Runs ``work`` on its own thread.

    Signals:
        progressed(int, int): bytes done and in all (may be far more than 2**31).
        succeeded(object): the work's result.
        failed(str): one sentence for the user (a cancelled job fails too).
        done(): after succeeded or failed, once the thread has finished.
    """

    progressed = Signal(object, object)
    succeeded = Signal(object)
    failed = Signal(str)
    done = Signal()

    def __init__(self, work: Work, parent: QObject | None = None) -> None:
        super().__init__()
        self._work = work
        self._cancel = threading.Event()
        self.worker_thread = QThread(parent)
        self.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self._run)
        self.worker_thread.finished.connect(self.done)

    def start(self) -> None:
        self.worker_thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def _progress(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self._cancel.is_set()

    def _run(self) -> None:
        try:
            result = self._work(self._progress)
        except ServiceError as error:
            self.failed.emit(str(error))
        except Exception as error:  # a defect: logged, and the user told in one line
            log.exception("file job failed")
            self.failed.emit(f"unexpected error: {error} (details in the log file)")
        else:
            self.succeeded.emit(result)
        finally:
            self.worker_thread.quit()
