"""Watched folders: archive folders the app re-imports when they change (kept in the library)."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.core.library import Library

_KEY = "watched_folders"


def watched_folders(lib: Library) -> list[str]:
    raw = lib.setting(_KEY)
    try:
        folders = json.loads(raw) if raw else []
    except ValueError:
        folders = []
    return [f for f in folders if isinstance(f, str)]


def set_watched_folders(lib: Library, folders: list[str]) -> None:
    unique = list(dict.fromkeys(os.path.abspath(f) for f in folders))
    lib.set_setting(_KEY, json.dumps(unique))


def watch_folder(lib: Library, folder: str) -> None:
    set_watched_folders(lib, [*watched_folders(lib), folder])


def unwatch_folder(lib: Library, folder: str) -> None:
    target = os.path.abspath(folder)
    set_watched_folders(lib, [f for f in watched_folders(lib) if f != target])
