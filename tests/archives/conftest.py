"""Fixtures for the archive tests: a finews repository with a history, served from 127.0.0.1
over smart HTTP, ``git://`` and ``file://``, and a library beside it."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from git_server import FinewsRepo, GitDaemon, HttpGit, Served  # noqa: E402

from reader.core.library import Library  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="the test servers need git")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    if shutil.which("git") is None:
        pytest.skip("the test servers need the git command")
    base = tmp_path / "served"
    repo = FinewsRepo(base / "finews")
    repo.day(1, new=8)
    repo.day(2, new=8, rewrite=2, move=2)
    daemon = GitDaemon(base)
    http = HttpGit(base)
    try:
        yield Served(repo, base, daemon, http)
    finally:
        http.stop()
        daemon.stop()


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(tmp_path / "lib")
    try:
        yield lib
    finally:
        lib.close()
