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
