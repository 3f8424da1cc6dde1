"""Import folders of posts into the library: scan, skip the unchanged, parse in parallel, store.

* Scan: walk the given folders (any depth: ``_posts/``, ``old_post/``...) for ``.md`` and
  ``.markdown`` files, without following symlinked folders (no loops).
* Skip: a file whose path, size and modification time match the last import is not read.
* Parse: in worker processes (``parse_job``), one post at a time; a file that cannot be read
  becomes a failure with its reason, never an exception.
* Store: one writer (the calling thread) stores results in batches, one transaction each, so a
  cancel or a crash leaves every article either wholly stored or not at all.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.post import Article, PostError, parse_file, story_of
from reader.core.store import compress
from reader.core.textindex import index_columns

POST_SUFFIXES = {".md", ".markdown", ".mkd"}
SKIP_DIRS = {".git", ".hg", ".svn", "_site", "node_modules", ".jekyll-cache", ".sass-cache"}
PARALLEL_THRESHOLD = 64  # fewer files than this parse in-process (no worker start-up cost)
# The writer stores results in transactions of this many posts, or of what arrived in this
# many seconds, whichever comes first; progress is reported after each.
BATCH_SIZE = 400
BATCH_SECONDS = 0.5
# An archive's own documents, not posts.
_NOT_POSTS = re.compile(
    r"(?i)^(readme|changelog|changes|license|licence|contributing|code_of_conduct)(\.[a-z_-]+)?\.[a-z]+$"
)


# Warnings and duplicate files a report lists; its counts go on past this.  An archive with a
# systematic problem would otherwise carry one entry per post into the report (and the JSON).
MAX_LISTED = 1000


@dataclass
class Failure:
    path: str
    error: str


@dataclass(frozen=True)
class FileWarning:
    """One warning about a stored post (e.g. "no title; taken from the digest")."""

    path: str
    message: str


@dataclass(frozen=True)
class Duplicate:
    """A file carrying a story another file already holds (the archive keeps copies of a post
    in ``_posts/`` and ``old_post/``).  Not "unchanged": nothing was imported from it before."""

    path: str
    key: str
    same_as: str  # the file that carried the story first in this import; "" if an earlier one did
    kept: bool  # this copy was the better one: the article now comes from it


@dataclass
class ImportReport:
    """What an import did, file by file counted once: every scanned file is added, updated,
    unchanged (the same file as at the last import), a duplicate (another copy of a story
    already held) or failed.  Warnings are those of the posts whose text the import stored."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0
    scanned: int = 0
    parsed: int = 0
    workers: int = 0
    duplicates: int = 0
    # files that joined a story another file holds (each is also one of the duplicates): the
    # article is made of all its copies (reader.core.copies)
    merged: int = 0
    duplicate_files: list[Duplicate] = field(default_factory=list)  # the first MAX_LISTED
    warnings: list[FileWarning] = field(default_factory=list)  # the first MAX_LISTED
    warning_count: int = 0  # all of them, listed or not
    # story key -> the file that first carried it in this import
    _stories: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    # file -> how many of warning_count are its own (to take them back if a better copy wins)
    _warned: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def warned_files(self) -> int:
        """How many files the warnings are about."""
        return len(self._warned)

    def to_json(self) -> dict[str, object]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "failures": [{"path": f.path, "error": f.error} for f in self.failures],
            "cancelled": self.cancelled,
            "seconds": round(self.seconds, 3),
            "duplicates": self.duplicates,
            "merged": self.merged,
            "duplicate_files": [
                {"path": d.path, "key": d.key, "same_as": d.same_as, "kept": d.kept}
                for d in self.duplicate_files
            ],
            "warnings": [{"path": w.path, "message": w.message} for w in self.warnings],
            "warning_count": self.warning_count,
        }

    def fail(self, path: str, error: str) -> None:
        self.failed += 1
        self.failures.append(Failure(path, error))

    def record(self, path: str, art: Article, outcome: str) -> None:
        """Count one parsed file the writer has stored.  ``outcome`` is the store's verdict:
        "added", "updated", "unchanged", or "merged" / "merged-richest" (another file already
        holds the story: this copy joined its article, and in the second case gives it its body).

        A story met again in this import under another path is a duplicate whatever the store
        did with it: on a new library, a second copy is not "unchanged", nor an update."""
        story = story_of(art.key)
        first = self._stories.get(story)
        merged = outcome.startswith("merged")
        if merged or (first is not None and first != path):
            self.duplicates += 1
            self.merged += 1 if merged else 0
            kept = outcome in ("merged-richest", "updated")  # the article's body now comes from this copy
            if len(self.duplicate_files) < MAX_LISTED:
                self.duplicate_files.append(Duplicate(path, art.key, first or "", kept))
            if kept:
                if first:
                    self._forget_warnings(first)
                self._warn(path, art.warnings)
            else:  # the copies disagree: said about the file that showed it
                self._warn(path, [w for w in art.warnings if w.startswith("copies of this story disagree")])
            return
        self._stories[story] = path
        if outcome == "added":
            self.added += 1
        elif outcome == "updated":
            self.updated += 1
        else:
            self.unchanged += 1
            return  # its warnings were reported when its text was stored
        self._warn(path, art.warnings)

    def _warn(self, path: str, messages: Sequence[str]) -> None:
        if not messages:
            return
        self.warning_count += len(messages)
        self._warned[path] = self._warned.get(path, 0) + len(messages)
        room = MAX_LISTED - len(self.warnings)
        self.warnings.extend(FileWarning(path, m) for m in messages[:max(0, room)])

    def _forget_warnings(self, path: str) -> None:
        """Take back a file's warnings: a better copy of its story replaced its text."""
        n = self._warned.pop(path, 0)
        if n:
            self.warning_count -= n
            self.warnings = [w for w in self.warnings if w.path != path]


@dataclass
class ImportProgress:
    """Passed to the progress callback: ``done`` of ``total`` files handled so far."""

    phase: str  # "scanning", "importing", "optimizing" (after a large import), "done"
    done: int
    total: int
    report: ImportReport


@dataclass
class FileInfo:
    path: str
    size: int
    mtime_ns: int


def scan(paths: Iterable[str | os.PathLike[str]], report: ImportReport | None = None) -> list[FileInfo]:
    """Every post file under the given folders (or the files themselves), sorted, de-duplicated."""
    found: dict[str, FileInfo] = {}
    for p in paths:
        root = Path(p).expanduser()
        try:
            root = root.resolve()
        except (OSError, RuntimeError):
            if report is not None:
                report.fail(str(p), "path cannot be resolved (symlink loop?)")
            continue
        if root.is_file():
            try:
                st = root.stat()
                found[str(root)] = FileInfo(str(root), st.st_size, st.st_mtime_ns)
            except OSError as exc:
                if report is not None:
                    report.fail(str(root), f"cannot read file: {exc.strerror or exc}")
            continue
        if not root.is_dir():
            if report is not None:
                report.fail(str(root), "no such file or folder")
            continue
        for info in _walk(root, report):
            found[info.path] = info
    return [found[k] for k in sorted(found)]


def _walk(root: Path, report: ImportReport | None) -> Iterator[FileInfo]:
    stack = [str(root)]
    while stack:
        d = stack.pop()
        try:
            with os.scandir(d) as it:
                entries = list(it)
        except OSError as exc:
            if report is not None:
                report.fail(d, f"cannot read folder: {exc.strerror or exc}")
            continue
        for e in entries:
            name = e.name
            try:
                if e.is_dir(follow_symlinks=False):
                    if name not in SKIP_DIRS and not name.startswith("."):
                        stack.append(e.path)
                    continue
                if os.path.splitext(name)[1].lower() not in POST_SUFFIXES or _NOT_POSTS.match(name):
                    continue
                st = e.stat()  # follows a symlinked file; a dangling one raises
                if not e.is_file():
                    continue
                yield FileInfo(e.path, st.st_size, st.st_mtime_ns)
            except OSError as exc:
                if report is not None:
                    report.fail(e.path, f"cannot read file: {exc.strerror or exc}")


def prepare(art: Article) -> Article:
    """Do the writer's CPU work here, in the worker: the index columns and the compressed
    bodies ride along in ``art.extra`` (the single writer then only runs SQL)."""
    art.extra["index"] = index_columns(art.title, art.text)
    art.extra["html_z"] = compress(art.html)
    art.extra["text_z"] = compress(art.text)
    art.html = art.text = ""  # the writer stores the compressed copies: not sent twice
    return art


def parse_job(path: str) -> tuple[str, Article | None, str | None]:
    """Worker entry point: (path, article, error)."""
    try:
        return path, prepare(parse_file(path)), None
    except PostError as exc:
        return path, None, str(exc)
    except MemoryError:
        return path, None, "post too large to parse in memory"
    except RecursionError:
        return path, None, "post nested too deeply to parse"
    except Exception as exc:  # a bug in the parser must not stop the import
        return path, None, f"could not parse: {type(exc).__name__}: {exc}"[:300]


def default_workers() -> int:
    return max(1, min(8, (os.cpu_count() or 2)))


def parse_all(
    paths: Sequence[str],
    *,
    workers: int | None = None,
    cancel: threading.Event | None = None,
) -> Iterator[tuple[str, Article | None, str | None]]:
    """Parse files, in worker processes when there are many; yields as results arrive."""
    n = workers if workers is not None else default_workers()
    if n <= 1 or len(paths) < PARALLEL_THRESHOLD:
        for p in paths:
            if cancel is not None and cancel.is_set():
                return
            yield parse_job(p)
        return
    # "spawn" keeps workers independent of the caller's threads (the GUI's among them).
    ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    done = 0
    try:
        with ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
            ahead: deque[Future[list[tuple[str, Article | None, str | None]]]] = deque()
            pieces = _pieces(paths, n)
            try:
                while True:
                    while len(ahead) < n * AHEAD:
                        piece = next(pieces, None)
                        if piece is None:
                            break
                        ahead.append(pool.submit(parse_chunk, piece))
                    if not ahead:
                        break
                    for item in ahead.popleft().result():
                        done += 1
                        yield item
                    if cancel is not None and cancel.is_set():
                        return
            finally:
                for f in ahead:
                    f.cancel()
                pool.shutdown(wait=True, cancel_futures=True)
    except BrokenProcessPool:
        # A worker died (killed, out of memory): finish the rest in this process rather than
        # abandon the import.
        for p in paths[done:]:
            if cancel is not None and cancel.is_set():
                return
            yield parse_job(p)


def parse_chunk(paths: Sequence[str]) -> list[tuple[str, Article | None, str | None]]:
    """Worker entry point for a piece of the files: their results, in order."""
    return [parse_job(p) for p in paths]


# Pieces handed to the workers start small (the writer has work within a few posts of the start)
# and double up to this size (fewer messages); this many pieces per worker are queued ahead.
MAX_PIECE = 64
AHEAD = 3


def _pieces(paths: Sequence[str], workers: int) -> Iterator[Sequence[str]]:
    cap = max(4, min(MAX_PIECE, len(paths) // (workers * 8) or 4))
    size, i = 4, 0
    while i < len(paths):
        yield paths[i:i + size]
        i += size
        size = min(size * 2, cap)


ProgressCallback = Callable[[ImportProgress], None]


def throttle(callback: ProgressCallback | None, every: float = 0.1) -> ProgressCallback:
    """Call through at most every ``every`` seconds (and always for the final 'done')."""
    last = [0.0]

    def call(p: ImportProgress) -> None:
        if callback is None:
            return
        now = time.monotonic()
        if p.phase == "done" or now - last[0] >= every or p.done == p.total:
            last[0] = now
            callback(p)

    return call
