"""Fixtures for the library tests: the real sample posts, archives built from them, libraries.

``corpus_dir`` is the shared folder of verbatim posts when it exists (160 files), else the
committed subset in ``tests/fixtures/corpus``; every test works with either.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from library_helpers import corpus_path, make_archive  # noqa: E402

from reader.core.library import Library  # noqa: E402


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    path = corpus_path()
    assert any(path.glob("*.md")), f"no sample posts in {path}"
    return path


@pytest.fixture
def archive(tmp_path: Path, corpus_dir: Path) -> Path:
    return make_archive(tmp_path / "archive", corpus_dir)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(tmp_path / "lib")
    try:
        yield lib
    finally:
        lib.close()


@pytest.fixture(scope="session")
def corpus_library(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[Library]:
    """The whole corpus imported once; tests must not change it."""
    lib = Library.open(tmp_path_factory.mktemp("corpus-lib") / "lib")
    report = lib.import_paths([corpus_dir], workers=1)
    assert report.failed == 0, report.failures
    try:
        yield lib
    finally:
        lib.close()
