"""Same articles, proven: what a reader sees of every known post is pinned by a snapshot.

Any change to the parsing pipeline (markdown renderer, cleaner, front matter) must leave each
post's title, time, categories, tags, source, URL, summary, securities (secid + name), warnings
and the text of every paragraph exactly as recorded in ``tests/fixtures/same_articles.json``.
The HTML itself is not compared byte for byte: only the whitespace-normalised text of each block
element (p, li, h1-h6, td, th, blockquote), so whitespace between tags may change, nothing else.

Files compared: the real archive samples (the shared corpus when present, else the committed
subset), the bundled sample archive (resources/sample) and the variant fixtures.  The snapshot
also records the shared corpus; its entries are compared only when those files are present.

To regenerate the snapshot deliberately (after a change that is *meant* to alter articles)::

    FINEWS_UPDATE_SNAPSHOT=1 python3 -m pytest -q tests/core/test_same_articles.py

then review the diff of ``tests/fixtures/same_articles.json`` before committing it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from reader.core.post import PostError, archive_timezone, parse_bytes, read_post_bytes
from tests.conftest import FIXTURE_CORPUS, ROOT, SHARED_CORPUS

SNAPSHOT = ROOT / "tests" / "fixtures" / "same_articles.json"
ROOTS: dict[str, Path] = {
    "shared": SHARED_CORPUS,
    "fixture-corpus": FIXTURE_CORPUS,
    "sample": ROOT / "resources" / "sample",
    "variants": ROOT / "tests" / "fixtures" / "variants",
}
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "blockquote"}
_SPACE = re.compile(r"\s+")


def _paragraphs(html: str) -> list[str]:
    """The whitespace-normalised text of each block element, in document order."""
    if not html.strip():
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return [
        _SPACE.sub(" ", el.text_content()).strip()
        for el in root.iter()
        if isinstance(el.tag, str) and el.tag in BLOCKS
    ]


def _article(path: Path) -> dict[str, Any]:
    # parse_bytes with a fixed mtime: a post without a date falls back to its file's mtime,
    # which a checkout does not preserve.
    try:
        raw, _ = read_post_bytes(path)
        art = parse_bytes(raw, path, tz_name=archive_timezone(str(path.parent.resolve())), mtime=0.0)
    except PostError as exc:
        return {"error": str(exc)}
    j = art.to_json()
    return {
        "title": j["title"],
        "time": j["published"],
        "categories": j["categories"],
        "tags": j["tags"],
        "source": j["source"],
        "url": j["url"],
        "summary": j["summary"],
        "securities": [[s.secid, s.name] for s in art.securities],
        "warnings": j["warnings"],
        "paragraphs": _paragraphs(j["html"]),
    }


def _files() -> list[tuple[str, Path]]:
    out = []
    for name, root in ROOTS.items():
        if root.is_dir():
            out += [(f"{name}/{p.relative_to(root).as_posix()}", p)
                    for p in sorted(root.rglob("*.md")) if p.is_file()]
    return out


def _current() -> dict[str, Any]:
    return {key: _article(path) for key, path in _files()}


@pytest.fixture(scope="module")
def snapshot() -> dict[str, Any]:
    if os.environ.get("FINEWS_UPDATE_SNAPSHOT") == "1":
        old = json.loads(SNAPSHOT.read_text("utf-8")) if SNAPSHOT.exists() else {}
        present = {name for name, root in ROOTS.items() if root.is_dir()}
        # Keep the entries of an absent root (the shared corpus) rather than dropping them.
        kept = {k: v for k, v in old.items() if k.split("/", 1)[0] not in present}
        data = dict(sorted({**kept, **_current()}.items()))
        SNAPSHOT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    loaded: dict[str, Any] = json.loads(SNAPSHOT.read_text("utf-8"))
    return loaded


def test_snapshot_covers_every_file(snapshot: dict[str, Any]) -> None:
    missing = [key for key, _ in _files() if key not in snapshot]
    assert not missing, f"files not in the snapshot (regenerate deliberately): {missing[:10]}"


@pytest.mark.parametrize("root", sorted(ROOTS))
def test_same_articles(snapshot: dict[str, Any], root: str) -> None:
    files = [(k, p) for k, p in _files() if k.startswith(root + "/")]
    if not files:
        pytest.skip(f"{root} not present")
    changed = {}
    for key, path in files:
        now = _article(path)
        if snapshot.get(key) != now:
            was = snapshot.get(key) or {}
            changed[key] = {f: (was.get(f), now.get(f)) for f in now if was.get(f) != now.get(f)}
    assert not changed, json.dumps(dict(list(changed.items())[:3]), ensure_ascii=False, indent=1)


def test_paragraphs_ignore_only_whitespace_between_tags() -> None:
    assert _paragraphs("<p>a  b</p>\n\n<ul><li>c\n d</li></ul>") == ["a b", "c d"]
    assert _paragraphs("<p>a b</p><ul><li>c d</li></ul>") == ["a b", "c d"]
    assert _paragraphs("<p>a b</p>") != _paragraphs("<p>a c</p>")
