"""Long file work (storing, exporting a large evidence file) on a worker thread.

The worker only calls the service and reports by signal; it never touches a widget. Its
reports reach a :class:`FileJob` that lives in the GUI thread, through queued connections, and
the job emits them again there: whatever is connected to the job, a lambda included, runs in
the GUI thread. Cancelling sets a flag that the service's progress callback reads between
chunks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from workbench.services.common.errors import ServiceError

log = logging.getLogger("workbench")
# work(progress) -> result; progress(done, total) returns False once the user cancelled.
Work = Callable[[Callable[[int, int], bool]], object]


class _Worker(QObject):
    """Runs in the worker thread; talks only through its signals."""

    progressed = Signal(object, object)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Work, cancel: threading.Event) -> None:
        super().__init__()
        self._work = work
        self._cancel = cancel

    def _progress(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self._cancel.is_set()

    @Slot()
    def run(self) -> None:
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
            thread = self.thread()
            if thread is not None:
                thread.quit()


class FileJob(QObject):
    """One piece of file work on its own thread, reported in the GUI thread.

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
        super().__init__(parent)
        self._cancel = threading.Event()
        self._worker = _Worker(work, self._cancel)
        self.worker_thread = QThread(self)
        self._worker.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self._on_progressed)
        self._worker.succeeded.connect(self._on_succeeded)
        self._worker.failed.connect(self._on_failed)
        self.worker_thread.finished.connect(self._on_finished)

    def start(self) -> None:
        self.worker_thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot(object, object)
    def _on_progressed(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        self.succeeded.emit(result)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.failed.emit(message)

    @Slot()
    def _on_finished(self) -> None:
        self._worker.deleteLater()
        self.done.emit()
