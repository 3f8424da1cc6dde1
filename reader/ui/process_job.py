"""The window's side of an import run in its own process (``reader.core.import_process``).

A small thread blocks on the child's pipe and turns its messages into queued signals; it does
no work of its own, so the GUI thread keeps the GIL to itself while the child imports.  A child
that ends without a result (killed, crashed) is ``died``, with how it ended; ``stop`` (the
window closing) cancels, waits a bounded time, then ends the child and its workers.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, Signal

from reader.core import import_process as ip

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

JOIN_SECONDS = 5.0  # after the pipe's end, for the child's exit code


class ProcessJob(QThread):
    """Runs ``task`` in a child process; ``done`` carries its result (an ImportReport, or a list
    of ArchiveResult), ``failed`` the child's error sentence, ``died`` how it ended unexpectedly."""

    progressed = Signal(int, int, int, int, int)  # done, total, added, updated, failed
    summarized = Signal(object)  # the whole ip.Summary (phase and every count)
    done = Signal(object)
    failed = Signal(str)
    died = Signal(str)  # how the child ended, e.g. "signal 9 (SIGKILL)"

    def __init__(self, task: ip.Task, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.task = task
        ctx: Any = ip.context()
        self.cancel_event = ctx.Event()
        self._recv, send = ctx.Pipe(duplex=False)
        self.process: Any = ctx.Process(target=ip.run, args=(task, send, self.cancel_event),
                                        name="finews-import", daemon=False)
        self._send: Any = send
        self.result: Any = None
        self.last: ip.Summary | None = None
        self.abandoned = False  # the window closed: nothing is reported any more

    @property
    def pid(self) -> int | None:
        return int(self.process.pid) if self.process.pid is not None else None

    def start(self, *args: Any) -> None:
        """Start the child, then the thread that listens to it."""
        self.process.start()
        self._send.close()  # only the child holds the sending end: its death ends the pipe
        super().start(*args)

    def cancel(self) -> None:
        self.cancel_event.set()

    def stop(self, wait_ms: int) -> None:
        """The window closes: cancel, wait up to ``wait_ms`` for the child's current batch, then
        end the child and its workers; no signal is delivered after this."""
        self.abandoned = True
        self.cancel()
        if self.isRunning() and not self.wait(wait_ms):
            self.kill()
            self.wait(int(JOIN_SECONDS * 1000) + 1000)

    def kill(self) -> None:
        pid = self.pid
        if pid is not None:
            ip.end_group(pid)

    def run(self) -> None:
        outcome: tuple[str, Any] | None = None
        try:
            while True:
                try:
                    kind, payload = self._recv.recv()
                except (EOFError, OSError):
                    break
                if kind != "progress":
                    outcome = (kind, payload)
                    break
                self.last = payload
                if not self.abandoned:
                    self.progressed.emit(payload.done, payload.total, payload.added,
                                         payload.updated, payload.failed)
                    self.summarized.emit(payload)
        finally:
            with contextlib.suppress(OSError):
                self._recv.close()
            self.process.join(JOIN_SECONDS)
            if self.process.exitcode is None:  # the result came but the child lingers
                self.kill()
                self.process.join(JOIN_SECONDS)
            if outcome is None or self.process.exitcode != 0:
                self.kill()  # parse workers a killed child left behind
        # the child has ended before the window hears of its result
        if self.abandoned:
            return
        if outcome is None:
            self.died.emit(ip.ended_how(self.process.exitcode))
        elif outcome[0] == "done":
            self.result = outcome[1]
            self.done.emit(outcome[1])
        else:
            self.failed.emit(str(outcome[1]))


class WindowJobs(QObject):
    """What the window's import and archive controllers share: one job at a time in a child
    process, shown by the window's progress bar, status bar and Cancel button.  A subclass
    answers the job's signals (``_on_progress``, ``_on_done``, ``_on_failed``, ``_on_died``)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.job: ProcessJob | None = None
        self.active = False  # from start until the window has shown the end (not the child's life)

    def running(self) -> bool:
        return self.active

    def _launch(self, task: ip.Task, message: str) -> ProcessJob:
        """Start ``task`` in its own process, the window showing that it runs."""
        w = self.w
        job = ProcessJob(task, self)
        job.summarized.connect(self._on_progress)
        job.done.connect(self._on_done)
        job.failed.connect(self._on_failed)
        job.died.connect(self._on_died)
        self.job = job
        self.active = True
        w.progress.setRange(0, 0)
        w.progress.show()
        w.cancel_button.show()
        w.statusBar().showMessage(message)
        job.start()
        return job

    def _ended(self) -> None:
        """The job is over: the window drops its progress and shows what the library now holds."""
        w = self.w
        self.active = False
        w.progress.hide()
        w.cancel_button.hide()
        w.cancel_button.setEnabled(True)
        w.refresh_sidebar()
        w.refresh_list()

    def _on_progress(self, p: ip.Summary) -> None:
        raise NotImplementedError

    def _on_done(self, result: Any) -> None:
        raise NotImplementedError

    def _on_failed(self, message: str) -> None:
        raise NotImplementedError

    def _on_died(self, how: str) -> None:
        raise NotImplementedError
