"""The window and a command-line import on the same library at once: both finish, no lock errors."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QSettings

from reader.core.library import Library
from reader.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def _generate(dest: Path, count: int, seed: int) -> None:
    spec = importlib.util.spec_from_file_location("archive_gen", ROOT / "tests" / "benchmarks" / "archive_gen.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["archive_gen"] = mod
    spec.loader.exec_module(mod)
    mod.generate(dest, count, seed=seed)


def test_window_and_cli_import_share_a_library(qtbot, tmp_path: Path, corpus_dir: Path) -> None:
    archive = tmp_path / "archive"
    _generate(archive, 1500, seed=3)
    lib = Library.open(tmp_path / "lib")
    lib.import_paths([corpus_dir], workers=1)
    w = MainWindow(None, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.quiet_reports = True
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.set_library(lib)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "reader", "--library", str(lib.folder), "import", str(archive), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    errors: list[str] = []
    rounds = 0
    ids = lib.query_ids("")[:50]
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        try:  # what a reader does meanwhile: star, tag, read, search, open, refresh
            aid = ids[rounds % len(ids)]
            w.library.set_bookmarked([aid], rounds % 2 == 0)
            w.apply_tags([aid], [f"t{rounds % 3}"])
            w.library.set_read([aid])
            with qtbot.waitSignal(w.listUpdated, timeout=20000):
                w.set_search("央行" if rounds % 2 else "科技")
            w.open_article(aid)
            w.refresh_sidebar()
        except Exception as exc:  # any "database is locked" would land here
            errors.append(repr(exc))
        rounds += 1
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    assert not errors, errors[:3]
    assert b"locked" not in err
    assert rounds > 3
    assert lib.stats()["articles"] >= 1500 - 20  # a few generated posts are broken on purpose
    w.close()
    lib.close()
