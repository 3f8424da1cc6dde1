"""An import (or an archive's fetch and import) in a process of its own.

Why a process: the writer builds rows in Python, and in the window's process it held the GIL
long enough to stall the event loop (a 10,000-post import: gaps of 326 ms, 146 over 50 ms,
measured by ``tests/benchmarks/bench_import_gaps.py``).  In its own process it cannot: the
window's process only receives small progress summaries and, at the end, the report.

The child opens the library by its folder (WAL lets the window read, and write a bookmark,
while the child writes: a write waits at most for one batch, ``importer.BATCH_SECONDS``).
It leads a process group of its own, so that its parse workers can be ended with it if it
dies (:func:`end_group`).  Messages on the pipe are ``(kind, payload)``:

* ``("progress", Summary)``: throttled as ``Library.import_paths`` throttles its callback;
* ``("done", result)``: an ``ImportReport``, or a list of ``ArchiveResult``;
* ``("error", message)``: the sentence for the user (a ``LibraryError`` or ``ArchiveError``)
  or, for a bug, the exception with its traceback.

A child that ends without ``done`` or ``error`` (killed, crashed) is found by the pipe's end.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any, Protocol

# How much less CPU priority the import gets than the window.  With two cores, the writer and
# two parse workers at the window's priority stretched the window's own work (an article's
# layout) into gaps of up to 85 ms; niced, the scheduler gives the window the core it asks for.
NICE = 10


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class Summary:
    """What the window shows of an import's progress (the report itself stays in the child
    until the end: pickling its per-story table ten times a second would cost the window)."""

    phase: str
    done: int
    total: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    duplicates: int = 0
    warning_count: int = 0


@dataclass(frozen=True)
class Task:
    """What the child does: ``kind`` is "import" (``paths``), "add_archive" (``source``) or
    "update_archives" (every archive of the library, in turn)."""

    folder: str
    kind: str
    paths: list[str] = field(default_factory=list)
    source: str = ""
    workers: int | None = None


def context() -> BaseContext:
    """forkserver: the child starts from a clean single-threaded process, not a copy of the
    window's threads; spawn where there is no fork."""
    return multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")


def summary(p: Any) -> Summary:
    r = p.report
    return Summary(p.phase, p.done, p.total, r.added, r.updated, r.unchanged, r.failed,
                   r.duplicates, r.warning_count)


def _update_archives(lib: Any, progress: Any, cancel: CancelFlag) -> list[Any]:
    from reader.core.gitfetch import ArchiveError

    results: list[Any] = []
    errors = []
    for info in lib.archives():
        try:
            results.append(lib.update_archive(info.name, progress=progress, cancel=cancel))
        except ArchiveError as exc:
            errors.append(str(exc))
        if cancel.is_set():
            break
    if errors:
        raise ArchiveError(" ".join(errors))
    return results


def _perform(lib: Any, task: Task, progress: Any, cancel: Any) -> Any:
    if task.kind == "import":
        return lib.import_paths(task.paths, progress=progress, cancel=cancel, workers=task.workers)
    if task.kind == "add_archive":
        return [lib.add_archive(task.source, progress=progress, cancel=cancel)]
    if task.kind == "update_archives":
        return _update_archives(lib, progress, cancel)
    raise ValueError(f"unknown task {task.kind!r}")


def run(task: Task, conn: Connection, cancel: CancelFlag) -> None:
    """The child's entry point."""
    if hasattr(os, "setpgrp"):
        os.setpgrp()  # its parse workers join its group (see end_group)
    if hasattr(os, "nice"):
        # background work: on a machine with few cores the window's thread wins the CPU over
        # the writer and its parse workers (which inherit this), see ``NICE``
        with contextlib.suppress(OSError):
            os.nice(NICE)
    from reader.core.gitfetch import ArchiveError
    from reader.core.library import Library, LibraryError

    lib = None
    try:
        lib = Library.open(task.folder)
        result = _perform(lib, task, lambda p: conn.send(("progress", summary(p))), cancel)
        conn.send(("done", result))
    except (ArchiveError, LibraryError) as exc:
        conn.send(("error", str(exc)))
    except Exception as exc:  # a bug: reported to the user, never silently lost
        conn.send(("error", f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc()}"))
    finally:
        if lib is not None:
            lib.close()
        conn.close()


def end_group(pid: int, sig: int = signal.SIGKILL if hasattr(signal, "SIGKILL") else 9) -> None:
    """End what is left of a child's process group (its parse workers, its forkserver) once
    the child itself has gone or must go.  Nothing happens when the group is already empty."""
    if not hasattr(os, "killpg"):
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def ended_how(exitcode: int | None) -> str:
    """The child's end in words (English: the window translates the sentence around it)."""
    if exitcode is None:
        return "still running"
    if exitcode < 0:
        try:
            return f"signal {exitcode * -1} ({signal.Signals(-exitcode).name})"
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"
