"""File names made from article titles: readable (Chinese kept), valid on every file system."""

from __future__ import annotations

import re

# The characters Windows forbids (and "/" everywhere) become their full-width forms, which read
# the same in a Chinese title: 央行研究局课题组：… keeps its meaning, and "A/B" stays "A／B".
_FULL_WIDTH = str.maketrans({"/": "／", "\\": "＼", ":": "：", "*": "＊", "?": "？", '"': "＂",
                             "<": "＜", ">": "＞", "|": "｜"})
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_SPACE_RE = re.compile(r"\s+")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
MAX_BYTES = 180  # of UTF-8, suffix included: file systems allow 255, a folder path needs room too


def file_name_for(title: str, fallback: str, suffix: str = ".pdf") -> str:
    """``title`` + ``suffix`` as a safe file name; ``fallback`` when the title leaves nothing."""
    name = _SPACE_RE.sub(" ", _CONTROL_RE.sub(" ", title.translate(_FULL_WIDTH))).strip(" .")
    budget = MAX_BYTES - len(suffix.encode())
    if len(name.encode()) > budget:
        name = name.encode()[:budget].decode(errors="ignore").rstrip(" .")
    if not name:
        name = _CONTROL_RE.sub("", fallback.translate(_FULL_WIDTH)).strip(" .") or "article"
    if name.split(".")[0].upper() in _RESERVED:
        name = "_" + name
    return name + suffix
