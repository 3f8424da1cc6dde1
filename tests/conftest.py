"""Shared test set-up: Qt offscreen, and nothing written outside the test's temp folders."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

ROOT = Path(__file__).resolve().parents[1]
SHARED_CORPUS = ROOT.parent / "shared" / "corpus" / "finews"
FIXTURE_CORPUS = ROOT / "tests" / "fixtures" / "corpus"


def corpus_path() -> Path:
    """The real archive samples: the shared folder when present, else the committed subset."""
    return SHARED_CORPUS if SHARED_CORPUS.is_dir() else FIXTURE_CORPUS


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("FINEWS_READER_LIBRARY", str(home / "library"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("HOME", str(home))


@pytest.fixture
def corpus_dir() -> Path:
    return corpus_path()
