"""A full disk and a read-only library: a clear message, never a traceback, and nothing lost.

* Disk full: the CLI import runs with ``RLIMIT_FSIZE`` just above the library's size and
  ``SIGXFSZ`` ignored, so SQLite's writes fail part-way (``EFBIG``), as on a full disk.
* Read-only: tests run as root in CI, where file permissions bind nothing, so the library's
  connection is made read-only at the store layer (``PRAGMA query_only`` / ``?mode=ro``).

The library turns these SQLite errors into :class:`LibraryError` (``LibraryDiskFull``,
``LibraryReadOnly``) with a one-line message; the command line prints it and exits non-zero.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability_hostile import build_cli_archive, subprocess_env

import reader.core.library as library_module
import reader.core.store as store
from reader import cli
from reader.core.library import Library, LibraryError

DISK_FULL_RE = re.compile(r"(?i)\b(disk|storage|space|drive)\b[^\n]{0,60}\bfull\b|\bno (free )?space\b|out of (disk )?space")
READ_ONLY_RE = re.compile(r"(?i)read[- ]only|cannot be (written|changed)|not writable")


def user_state(folder: Path) -> dict[str, Any]:
    """The reader's data and what the library held, read straight from the file."""
    db = sqlite3.connect(folder / store.DB_NAME)
    try:
        return {
            "articles": dict(db.execute("SELECT key, content_hash FROM article").fetchall()),
            "marks": db.execute("SELECT key, bookmarked, bookmarked_at, read, read_at FROM article "
                                "WHERE bookmarked = 1 OR read = 1 ORDER BY key").fetchall(),
            "tags": db.execute("SELECT a.key, t.name, x.tagged_at FROM article_user_tag x JOIN article a ON "
                               "a.id = x.article_id JOIN user_tag t ON t.id = x.tag_id ORDER BY 1, 2").fetchall(),
            "tag_names": db.execute("SELECT name, created_at FROM user_tag ORDER BY name").fetchall(),
            "watch": db.execute("SELECT secid, added_at FROM watch ORDER BY secid").fetchall(),
            "saved": db.execute("SELECT name, query FROM saved_search ORDER BY name").fetchall(),
        }
    finally:
        db.close()


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {"base": tmp_path_factory.mktemp("template")}


@pytest.fixture
def library_with_user_data(tmp_path: Path, corpus_dir: Path, _templates: dict[str, Path]) -> Path:
    """The corpus imported, with bookmarks, tags, read marks, a watchlist and a saved search
    (built once, then copied)."""
    template = _templates["base"] / "lib"
    if not template.exists():
        with Library.open(template) as lib:
            report = lib.import_paths([corpus_dir], workers=1)
            assert report.added > 5
            ids = lib.query_ids("")
            lib.set_bookmarked(ids[:4])
            lib.add_tags(ids[2:7], ["关注", "disk-test"])
            lib.set_read(ids[::3])
            lib.watch(["1.600519", "0.000001"])
            lib.save_search("央行", "央行 降准")
    folder = tmp_path / "lib"
    shutil.copytree(template, folder)
    return folder


def check_library_intact(folder: Path, before: dict[str, Any]) -> None:
    with Library.open(folder) as lib:
        assert lib._one("PRAGMA integrity_check") == "ok"
        lib._sql("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 0)")
        assert lib._one("SELECT count(*) FROM article_fts_docsize") == lib._one("SELECT count(*) FROM article")
    after = user_state(folder)
    for k in ("marks", "tags", "tag_names", "watch", "saved"):
        assert after[k] == before[k], k
    # every article held before is still there, unchanged (a finished batch may have added more)
    assert {k: after["articles"].get(k) for k in before["articles"]} == before["articles"]


# --- disk full ------------------------------------------------------------------------------------

_WITH_FILE_SIZE_LIMIT = """
import resource, runpy, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.argv = ["reader", *sys.argv[2:]]
runpy.run_module("reader", run_name="__main__", alter_sys=True)
"""


def _cli_with_file_limit(limit: int, *args: str) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return subprocess.run([sys.executable, "-c", _WITH_FILE_SIZE_LIMIT, str(limit), *args],
                          capture_output=True, env=subprocess_env(), timeout=300)


@pytest.mark.parametrize("headroom", [64 * 1024, 512 * 1024], ids=["64KB-left", "512KB-left"])
def test_disk_full_during_a_cli_import_loses_nothing(tmp_path: Path, library_with_user_data: Path,
                                                      headroom: int) -> None:
    """Whatever the message, the library survives a write failing part-way."""
    folder = library_with_user_data
    before = user_state(folder)
    archive = build_cli_archive(tmp_path / "archive", 300)
    limit = (folder / store.DB_NAME).stat().st_size + headroom
    proc = _cli_with_file_limit(limit, "--library", str(folder), "import", str(archive), "--json")
    assert proc.returncode != 0, "an import that could not write must not report success"
    check_library_intact(folder, before)


def test_disk_full_cli_import_says_so_in_one_line(tmp_path: Path, library_with_user_data: Path) -> None:
    folder = library_with_user_data
    before = user_state(folder)
    archive = build_cli_archive(tmp_path / "archive", 300)
    limit = (folder / store.DB_NAME).stat().st_size + 64 * 1024
    proc = _cli_with_file_limit(limit, "--library", str(folder), "import", str(archive), "--json")
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode != 0
    assert "Traceback" not in err, err[-2000:]
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err[-2000:]
    assert lines[0].startswith("finews-reader: ")
    assert DISK_FULL_RE.search(lines[0]), lines[0]
    check_library_intact(folder, before)


_API_WITH_FILE_SIZE_LIMIT = """
import json, resource, signal, sys
from reader.core.library import Library, LibraryError
lib = Library.open(sys.argv[2])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    lib.import_paths([sys.argv[3]], workers=1)
    out = {"raised": None}
except Exception as exc:
    chain, e = [], exc
    while e is not None:
        chain.append([type(e).__module__ + "." + type(e).__name__, str(e), getattr(e, "sqlite_errorname", None)])
        e = e.__cause__ or e.__context__
    out = {"raised": type(exc).__name__, "library_error": isinstance(exc, LibraryError), "message": str(exc),
           "chain": chain}
print(json.dumps(out))
"""


def test_disk_full_raises_a_library_error(tmp_path: Path, library_with_user_data: Path) -> None:
    folder = library_with_user_data
    before = user_state(folder)
    archive = build_cli_archive(tmp_path / "archive", 300)
    limit = (folder / store.DB_NAME).stat().st_size + 64 * 1024
    proc = subprocess.run([sys.executable, "-c", _API_WITH_FILE_SIZE_LIMIT, str(limit), str(folder), str(archive)],
                          capture_output=True, env=subprocess_env(), timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    out = json.loads(proc.stdout)
    print(json.dumps(out, ensure_ascii=False))
    assert out["raised"], "the import could not write everything: it must say so"
    assert out["library_error"], out["chain"]
    assert DISK_FULL_RE.search(out["message"]), out["message"]
    check_library_intact(folder, before)


# --- read-only ------------------------------------------------------------------------------------


def _query_only(original: Callable[[Path], Any]) -> Callable[[Path], Any]:
    def open_read_only(db_file: Path) -> Any:
        db = original(db_file)
        db.close()
        db._pragmas = [*db._pragmas, ("query_only", 1)]
        db.connect()
        return db

    return open_read_only


def _mode_ro(original: Callable[[Path], Any]) -> Callable[[Path], Any]:
    def open_read_only(db_file: Path) -> Any:
        db = original(db_file)
        db.close()
        db.database = store._uri(db_file)  # file:...?mode=ro
        db.connect_params["uri"] = True
        db.connect()
        return db

    return open_read_only


@pytest.fixture(params=["query_only", "mode=ro"])
def read_only(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
              library_with_user_data: Path) -> Iterator[Path]:
    """Every connection the library opens from now on is read-only."""
    wrap = _query_only if request.param == "query_only" else _mode_ro
    patched = wrap(store.open_database)
    monkeypatch.setattr(store, "open_database", patched)
    monkeypatch.setattr(library_module, "open_database", patched)
    yield library_with_user_data


def test_a_read_only_library_still_reads(read_only: Path) -> None:
    with Library.open(read_only) as lib:
        ids = lib.query_ids("")
        assert ids and lib.article(ids[0]) is not None
        assert lib.count("is:bookmarked") == 4
        lib.search("央行")
        assert lib.watchlist() == ["1.600519", "0.000001"] or sorted(lib.watchlist()) == ["0.000001", "1.600519"]
        with pytest.raises(Exception):  # noqa: B017 - the store layer really is read-only
            lib._sql("UPDATE article SET read = 1")


WRITES: dict[str, Callable[[Library, list[int], Path], object]] = {
    "set_bookmarked": lambda lib, ids, tmp: lib.set_bookmarked(ids[:2]),
    "set_read": lambda lib, ids, tmp: lib.set_read(ids[-2:]),
    "add_tags": lambda lib, ids, tmp: lib.add_tags(ids[:2], ["新标签"]),
    "remove_tags": lambda lib, ids, tmp: lib.remove_tags(ids[2:7], ["关注"]),
    "rename_tag": lambda lib, ids, tmp: lib.rename_tag("关注", "重点"),
    "delete_tag": lambda lib, ids, tmp: lib.delete_tag("disk-test"),
    "watch": lambda lib, ids, tmp: lib.watch(["0.300750"]),
    "unwatch": lambda lib, ids, tmp: lib.unwatch(["1.600519"]),
    "save_search": lambda lib, ids, tmp: lib.save_search("新", "新能源"),
    "delete_saved_search": lambda lib, ids, tmp: lib.delete_saved_search("央行"),
    "import_paths": lambda lib, ids, tmp: lib.import_paths([build_cli_archive(tmp / "archive", 3)], workers=1),
    "import_user_data": lambda lib, ids, tmp: lib.import_user_data(_user_data_file(tmp)),
    "rebuild_index": lambda lib, ids, tmp: lib.rebuild_index(),
}


def _user_data_file(tmp: Path) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    p = tmp / "user-data.json"
    p.write_text(json.dumps({"format": "finews-reader-user-data", "version": 1, "tags": [{"name": "导入"}],
                             "articles": {"NOPE": {"bookmarked": True}}}), encoding="utf-8")
    return p


def _outcome(call: Callable[[], object]) -> str:
    """'' when ``call`` raised a one-line LibraryError saying the library is read-only, else what
    happened instead (collected, so that one test lists every write that falls short)."""
    try:
        call()
    except LibraryError as exc:
        msg = str(exc).strip()
        if READ_ONLY_RE.search(msg) and "\n" not in msg:
            return ""
        return f"LibraryError without a clear read-only message: {msg!r}"
    except Exception as exc:
        chain = []
        e: BaseException | None = exc
        while e is not None and len(chain) < 4:
            chain.append(f"{type(e).__module__}.{type(e).__name__}: {e} "
                         f"[{getattr(e, 'sqlite_errorname', '')}]")
            e = e.__cause__ or e.__context__
        return "raised " + " <- ".join(chain)
    return "no error: the write was silently lost or went through"


def test_writing_a_read_only_library_raises_a_clear_library_error(read_only: Path, tmp_path: Path) -> None:
    before = user_state(read_only)
    wrong = {}
    with Library.open(read_only) as lib:
        ids = lib.query_ids("")
        for method, write in sorted(WRITES.items()):
            problem = _outcome(lambda write=write, where=tmp_path / method: write(lib, ids, where))  # type: ignore[misc]
            if problem:
                wrong[method] = problem
    assert user_state(read_only) == before
    assert not wrong, json.dumps(wrong, ensure_ascii=False, indent=1)


def test_the_cli_reports_a_read_only_library_cleanly(read_only: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    with Library.open(read_only) as lib:
        key = lib.article(lib.query_ids("")[0]).key  # type: ignore[union-attr]
        secid = lib._one("SELECT secid FROM security WHERE secid NOT IN (SELECT secid FROM watch) LIMIT 1")
    assert secid, "the corpus mentions securities"
    commands = {
        "bookmark": ["bookmark", key], "tag": ["tag", key, "新"], "mark-read": ["mark-read", key, "--unread"],
        "watch": ["watch", secid], "import": ["import", str(build_cli_archive(tmp_path / "archive", 3)), "--json"],
    }
    before = user_state(read_only)
    wrong = {}
    for name, args in commands.items():
        capsys.readouterr()
        try:
            code: object = cli.main(["--library", str(read_only), *args])
        except BaseException as exc:  # noqa: BLE001 - what escapes is what the user would see
            code = f"raised {type(exc).__module__}.{type(exc).__name__}: {exc}"
        err = capsys.readouterr().err
        lines = [line for line in err.splitlines() if line.strip()]
        if code != cli.EXIT_ERROR or len(lines) != 1 or not lines[0].startswith("finews-reader: ") \
                or not READ_ONLY_RE.search(lines[0]):
            wrong[name] = {"exit": code, "stderr": err[-300:]}
    assert user_state(read_only) == before
    assert not wrong, json.dumps(wrong, ensure_ascii=False, indent=1)


def test_the_window_tells_the_reader_in_one_sentence(read_only: Path, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """In the window a write to a read-only library surfaces as the library's own sentence (a
    warning, not a bug report with a traceback), and nothing changes."""
    from PySide6.QtCore import QSettings

    from reader.ui.app import user_message
    from reader.ui.main_window import MainWindow

    before = user_state(read_only)
    lib = Library.open(read_only)
    w = MainWindow(None, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.set_library(lib)
    w.select_row(0)
    with pytest.raises(LibraryError) as caught:
        w.toggle_bookmark()
    message, is_bug = user_message(caught.value)
    assert not is_bug and READ_ONLY_RE.search(message) and "\n" not in message.strip()
    _generic, bug = user_message(RuntimeError("a real bug"))
    assert bug
    w.close()
    lib.close()
    assert user_state(read_only) == before
