"""Helpers shared by the library tests (imported by name: the test folders are not packages)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED_CORPUS = ROOT.parent / "shared" / "corpus" / "finews"
FIXTURE_CORPUS = ROOT / "tests" / "fixtures" / "corpus"

CONFIG_YML = "title: 金融消息\ntimezone: Asia/Shanghai\n"

# Stories present in both corpora (the fixture subset is drawn from the shared folder).
KEY_MAOTAI = "202205302396671645"  # mentions 贵州茅台 1.600519 among seven securities
KEY_PBOC = "202205302396506117"  # 央行研究局课题组..., source 央行网站
KEY_SNOWBALL = "202201072239307540"  # one file only: moved between folders in the tests
KEY_BONDS = "202112082206870651"  # one file only: edited in the tests


def corpus_path() -> Path:
    return SHARED_CORPUS if SHARED_CORPUS.is_dir() else FIXTURE_CORPUS


def archive_relpath(name: str) -> str:
    """Where a flattened corpus file lives in a Jekyll archive (``old_post__x.md`` -> old_post/x.md)."""
    if name.startswith("old_post__"):
        return "old_post/" + name[len("old_post__"):]
    if name.startswith("_posts__"):
        return "_posts/" + name[len("_posts__"):]
    return "_posts/" + name


def make_archive(dest: Path, corpus: Path) -> Path:
    """A Jekyll-shaped copy of the corpus (``_config.yml``, ``_posts/``, ``old_post/``); mtimes kept."""
    (dest / "_posts").mkdir(parents=True, exist_ok=True)
    (dest / "old_post").mkdir(exist_ok=True)
    (dest / "_config.yml").write_text(CONFIG_YML, encoding="utf-8")
    for f in sorted(corpus.glob("*.md")):
        shutil.copy2(f, dest / archive_relpath(f.name))
    return dest


def file_of(archive: Path, key: str) -> Path:
    """The one post file of a story in an archive."""
    found = [p for p in archive.rglob("*.md") if re.search(rf"(?:^|-){key}\.md$", p.name)]
    assert len(found) == 1, found
    return found[0]
