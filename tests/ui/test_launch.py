"""The launch path a new user takes: no library yet -> the window opens on the sample archive."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_first_launch_opens_the_sample_archive_offscreen(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FINEWS_READER_LIBRARY=str(tmp_path / "mine"),
               PYTHONPATH=str(ROOT), HOME=str(tmp_path))
    r = subprocess.run([sys.executable, "-m", "reader", "gui", "--smoke-test"], capture_output=True,
                       text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr[-800:]
    assert "sample archive" in r.stdout and "42 articles listed" in r.stdout, r.stdout
    assert not (tmp_path / "mine" / "library.sqlite3").exists(), "no samples in the user's library"


def test_the_daily_backup_is_written_after_the_window_lists_the_library(tmp_path: Path, corpus_dir: Path) -> None:
    """The backup no longer delays the first start of a day: the window is listed first, the
    compact backup is written off the GUI thread, and closing waits for it to finish."""
    import datetime as dt
    import gzip
    import json

    from reader.core.library import Library

    folder = tmp_path / "mine"
    with Library.open(folder) as lib:
        lib.import_paths([corpus_dir], workers=1)
        lib.set_read(lib.query_ids("")[:10], True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FINEWS_READER_LIBRARY=str(folder),
               PYTHONPATH=str(ROOT), HOME=str(tmp_path))
    r = subprocess.run([sys.executable, "-m", "reader", "gui", "--smoke-test"], capture_output=True,
                       text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr[-800:]
    assert "smoke-test: library:" in r.stdout, r.stdout
    written = list((folder / "backups").glob("user-data-*.json.gz"))
    assert [p.name for p in written] == [f"user-data-{dt.date.today().isoformat()}.json.gz"]
    data = json.loads(gzip.decompress(written[0].read_bytes()))
    assert sum(len(keys) for keys in data["read"].values()) == 10
