"""The README's screenshot (not a test): an archive being added from a git server on 127.0.0.1,
the newest articles already listed while the rest imports.

    QT_QPA_PLATFORM=offscreen python3 tests/benchmarks/shot_archive.py packaging/screenshots/archive.png
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(HERE), str(ROOT / "tests" / "archives")]

import archive_gen  # noqa: E402
from git_server import HttpGit, git  # noqa: E402


def main(out: Path) -> int:
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from reader.core.library import Library
    from reader.ui.app import ReaderApp
    from reader.ui.main_window import MainWindow

    work = Path(tempfile.mkdtemp(prefix="shot-archive-"))
    repo = work / "served" / "finews"
    archive_gen.generate(repo, 3000, seed=3, start=dt.datetime(2022, 5, 20, tzinfo=archive_gen.CST))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "archive")
    http = HttpGit(work / "served")
    app = ReaderApp([])
    lib = Library.open(work / "lib")
    w = MainWindow(None, settings=QSettings(str(work / "s.ini"), QSettings.Format.IniFormat))
    w.quiet_reports = True
    w.resize(1280, 800)
    w.set_library(lib)
    w.show()
    loop = QEventLoop()
    shot: list[bool] = []

    def maybe_shoot() -> None:
        if not shot and w.model.rowCount() >= 50 and w.archives.running():
            w.table.selectRow(0)
            QTimer.singleShot(400, lambda: (w.grab().save(str(out)), loop.quit()))
            shot.append(True)

    w.listUpdated.connect(maybe_shoot)
    w.archives.finished.connect(lambda _r: loop.quit())
    w.archives.add(http.url("finews"))
    QTimer.singleShot(120_000, loop.quit)
    loop.exec()
    w.archives.stop()
    w.close()
    lib.close()
    http.stop()
    del app
    shutil.rmtree(work, ignore_errors=True)
    print(out if shot else "no screenshot: the import ended before the list showed")
    return 0 if shot else 1


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "archive.png").resolve()))
