"""A repository is hostile input: symlinks, escaping or device-like names, submodules, huge
posts, ``.gitattributes`` filters and hook-shaped files are skipped and reported; nothing is
executed and nothing is written or read outside the archive's folder.

The hostile trees cannot be made with ``git add`` (git refuses ``..``), so they are written
object by object; the servers serve them as they are.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from git_server import Served, post_text

from reader.core import gitfetch
from reader.core.library import Library

GOOD = "2022-05-01-20220501000001.md"
FILTERED = "2022-05-01-20220501000002.md"


def _tree(repo: object, entries: dict[bytes, tuple[int, bytes]]) -> bytes:
    from dulwich.objects import Tree

    tree = Tree()
    for name, (mode, sha) in entries.items():
        tree.add(name, mode, sha)
    repo.object_store.add_object(tree)  # type: ignore[attr-defined]
    return bytes(tree.id)


def _blob(repo: object, data: bytes) -> bytes:
    from dulwich.objects import Blob

    blob = Blob.from_string(data)
    repo.object_store.add_object(blob)  # type: ignore[attr-defined]
    return bytes(blob.id)


def make_hostile(path: Path) -> None:
    from dulwich.objects import Commit
    from dulwich.repo import Repo

    repo = Repo.init_bare(str(path), mkdir=True)
    post = _blob(repo, post_text(1, 1).encode())
    escaped = _tree(repo, {b"escaped.md": (0o100644, _blob(repo, post_text(1, 7).encode()))})
    up = _tree(repo, {b"..": (0o40000, escaped)})
    hooks = _tree(repo, {b"post-checkout": (0o100755, _blob(repo, b"#!/bin/sh\ntouch /tmp/pwned\n"))})
    dotgit = _tree(repo, {b"hooks": (0o40000, hooks)})
    posts = _tree(repo, {
        GOOD.encode(): (0o100644, post),
        FILTERED.encode(): (0o100644, _blob(repo, post_text(1, 2).encode())),
        b"2022-05-01-link.md": (0o120000, _blob(repo, b"/etc/passwd")),
        b"..": (0o40000, up),
        b"a/b.md": (0o100644, post),
        b"evil\\..\\x.md": (0o100644, post),
        b"CON.md": (0o100644, post),
        b"nul.md": (0o100644, post),
        b".git": (0o40000, dotgit),
        b"sub": (0o160000, b"1" * 40),
        b"2022-05-01-20220501000009.md": (0o100644, _blob(repo, b"x" * (9 * 1024 * 1024))),
    })
    old = _tree(repo, {b"2022-04-30-link.md": (0o120000, _blob(repo, b"../../../../../../etc/hostname"))})
    root = _tree(repo, {
        b"_posts": (0o40000, posts),
        b"old_post": (0o40000, old),
        b".gitattributes": (0o100644, _blob(repo, b"*.md filter=evil diff=evil\n")),
        b".gitmodules": (0o100644, _blob(repo, b'[submodule "sub"]\n\tpath = _posts/sub\n\turl = ../x\n')),
    })
    commit = Commit()
    commit.tree = root
    commit.author = commit.committer = b"Hostile <h@example.invalid>"
    commit.author_time = commit.commit_time = 1651363200
    commit.author_timezone = commit.commit_timezone = 0
    commit.message = b"hostile\n"
    repo.object_store.add_object(commit)
    repo.refs[b"refs/heads/main"] = commit.id
    repo.refs.set_symbolic_ref(b"HEAD", b"refs/heads/main")
    repo.close()


@pytest.mark.parametrize("transport", ["http", "file"])
def test_hostile_repository(served: Served, library: Library, tmp_path: Path, transport: str) -> None:
    make_hostile(served.base / "hostile.git")
    out = library.add_archive(served.url(transport, "hostile.git")).to_json()
    assert (out["added"], out["updated"]) == (2, 0)
    reasons = {f["path"]: f["error"] for f in out["failures"]}
    assert reasons == {
        "_posts/2022-05-01-link.md": "skipped: symbolic link (not followed)",
        "old_post/2022-04-30-link.md": "skipped: symbolic link (not followed)",
        "_posts/..": "skipped: unsafe file name",
        "_posts/a/b.md": "skipped: unsafe file name",
        "_posts/evil\\..\\x.md": "skipped: unsafe file name",
        "_posts/CON.md": "skipped: unsafe file name",
        "_posts/nul.md": "skipped: unsafe file name",
        "_posts/.git": "skipped: unsafe file name",
        "_posts/sub": "skipped: submodule (not fetched)",
        "_posts/2022-05-01-20220501000009.md": "skipped: larger than 8 MB",
    }
    assert out["failed"] == len(reasons)
    folder = Path(out["path"])
    written = sorted(p.relative_to(folder / "posts").as_posix()
                     for p in (folder / "posts").rglob("*") if not p.is_dir())
    assert written == [f"_posts/{GOOD}", f"_posts/{FILTERED}"]
    assert not any(p.name == "escaped.md" for p in tmp_path.rglob("*"))
    assert not any(p.is_symlink() for p in folder.rglob("*"))
    assert not (folder / "git" / "hooks" / "post-checkout").exists()
    # written as fetched: no .gitattributes filter ran
    assert (folder / "posts" / "_posts" / FILTERED).read_text(encoding="utf-8") == post_text(1, 2)


def test_a_root_post_folder_that_is_a_symlink_is_skipped(tmp_path: Path) -> None:
    from dulwich.repo import Repo

    path = tmp_path / "r.git"
    repo = Repo.init_bare(str(path), mkdir=True)
    root = _tree(repo, {b"_posts": (0o120000, _blob(repo, b"/etc"))})
    posts, skipped = gitfetch.post_entries(repo, _commit(repo, root))
    assert posts == {} and [s.path for s in skipped] == ["_posts"]
    repo.close()


def _commit(repo: object, tree: bytes) -> bytes:
    from dulwich.objects import Commit

    commit = Commit()
    commit.tree = tree
    commit.author = commit.committer = b"H <h@example.invalid>"
    commit.author_time = commit.commit_time = 0
    commit.author_timezone = commit.commit_timezone = 0
    commit.message = b"x\n"
    repo.object_store.add_object(commit)  # type: ignore[attr-defined]
    return bytes(commit.id)


@pytest.mark.parametrize("name", [b"..", b".", b"", b"a/b", b"a\\b", b"CON", b"con.md", b"LPT1.txt",
                                  b"x.md.", b"x.md ", b"a\x00b", b"\xff.md", b".hidden.md", b"a:b.md"])
def test_unsafe_names(name: bytes) -> None:
    assert gitfetch.safe_name(name) is None


@pytest.mark.parametrize("name", [b"2022-05-01-202205011234.md", "新闻.md".encode(), b"console.md"])
def test_safe_names(name: bytes) -> None:
    assert gitfetch.safe_name(name) == name.decode()
