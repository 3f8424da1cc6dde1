"""Fetch an archive's git repository without the ``git`` command, and read its posts safely.

Why dulwich: it is on the package index as wheels for every platform (pure Python, optional
compiled speedups), so the double-clicked app needs no ``git``; it does shallow fetches over
smart HTTP, ``git://``, ``file://`` and local paths.  Only the object store is kept (a bare
repository): no hooks, no ``.gitattributes`` filters, no submodules, no checkout by git.  The
posts are written out by :func:`write_post` from blobs, one validated name at a time.

Only the tip of the default branch is fetched (depth 1); the history a reader never needs
stays on the server.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import socket
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from dulwich.client import HTTPUnauthorized, get_transport_and_path
from dulwich.errors import GitProtocolError, HangupException, NotGitRepository
from dulwich.objects import Blob, Commit, Tree
from dulwich.repo import Repo

from reader.core.importer import _NOT_POSTS, POST_SUFFIXES

# dulwich logs (e.g. "object filtering not recognized by server") would reach stderr through
# logging's last-resort handler; the reader reports what matters itself
logging.getLogger("dulwich").addHandler(logging.NullHandler())

POST_ROOTS = ("_posts", "old_post")  # where a finews (Jekyll) archive keeps its posts
MAX_POST_BYTES = 8 * 1024 * 1024  # a real post is 2-15 KB; larger blobs are skipped
MAX_DEPTH = 16  # folders inside a post root
NETWORK_TIMEOUT = 60.0  # seconds without a byte before a fetch gives up
_DEVICE = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$")
_BAD_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\/]')
URL_SCHEMES = ("https", "http", "git", "file")


class ArchiveError(Exception):
    """An archive cannot be added or updated; the message is one sentence for the user."""


class FetchCancelled(ArchiveError):
    """The user cancelled the fetch; nothing was changed."""


def is_url(source: str) -> bool:
    return bool(re.match(r"(?i)^(https?|git|file)://", source))


def clean_url(url: str) -> str:
    """The URL without user name or password (never stored nor printed)."""
    if not is_url(url):
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class PostEntry:
    path: str  # relative, "/"-separated, validated
    sha: bytes


def safe_name(name: bytes) -> str | None:
    """The entry's name if it can be written on any platform without leaving its folder."""
    try:
        text = name.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text in ("", ".", "..") or _BAD_CHARS.search(text) or _DEVICE.match(text):
        return None
    if text != text.rstrip(" .") or text.startswith("."):
        return None
    return text


def post_entries(repo: Repo, commit_id: bytes) -> tuple[dict[str, PostEntry], list[Skipped]]:
    """The post files of a commit's tree (under ``_posts/`` and ``old_post/``) and what was
    skipped (symlinks, submodules, unsafe names), read from the object store only."""
    store = _store(repo)
    commit = store[commit_id]
    if not isinstance(commit, Commit):
        raise ArchiveError("The fetched tip is not a commit.")
    root = store[commit.tree]
    assert isinstance(root, Tree)
    posts: dict[str, PostEntry] = {}
    skipped: list[Skipped] = []
    for entry in root.items():
        name = entry.path.decode("utf-8", "replace")
        if name in POST_ROOTS and stat.S_ISDIR(entry.mode):
            _walk(repo, entry.sha, name, 0, posts, skipped)
        elif name in POST_ROOTS:
            skipped.append(Skipped(name, "not a folder (a symlink or a submodule?)"))
    return posts, skipped


def _walk(repo: Repo, tree_id: bytes, prefix: str, depth: int,
          posts: dict[str, PostEntry], skipped: list[Skipped]) -> None:
    tree = _store(repo)[tree_id]
    if not isinstance(tree, Tree):
        skipped.append(Skipped(prefix, "not a folder"))
        return
    for entry in tree.items():
        name = safe_name(entry.path)
        shown = prefix + "/" + entry.path.decode("utf-8", "replace")
        mode = entry.mode
        if name is None:
            skipped.append(Skipped(shown, "unsafe file name"))
        elif stat.S_ISDIR(mode):
            if depth >= MAX_DEPTH:
                skipped.append(Skipped(shown, "folders nested too deeply"))
            else:
                _walk(repo, entry.sha, prefix + "/" + name, depth + 1, posts, skipped)
        elif mode == 0o160000:
            skipped.append(Skipped(shown, "submodule (not fetched)"))
        elif stat.S_ISLNK(mode):
            skipped.append(Skipped(shown, "symbolic link (not followed)"))
        elif os.path.splitext(name)[1].lower() in POST_SUFFIXES and not _NOT_POSTS.match(name):
            posts[prefix + "/" + name] = PostEntry(prefix + "/" + name, entry.sha)


def newest_first(paths: list[str]) -> list[str]:
    """Post files by their file name (``YYYY-MM-DD-...``), newest first; undated ones last."""
    return sorted(paths, key=lambda p: (p.rsplit("/", 1)[-1][:1].isdigit(), p.rsplit("/", 1)[-1]),
                  reverse=True)


def write_post(repo: Repo, entry: PostEntry, dest_root: Path) -> Skipped | None:
    """Write one post blob under ``dest_root`` (never through a symlink); a skip, or None."""
    obj = _store(repo)[entry.sha]
    if not isinstance(obj, Blob):
        return Skipped(entry.path, "not a file")
    if obj.raw_length() > MAX_POST_BYTES:
        return Skipped(entry.path, f"larger than {MAX_POST_BYTES // (1024 * 1024)} MB")
    target = dest_root.joinpath(*entry.path.split("/"))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o644)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in obj.chunked:
                fh.write(chunk)
        os.replace(tmp, target)
    except BaseException:
        with _quiet():
            os.unlink(tmp)
        raise
    return None


def remove_post(dest_root: Path, rel: str) -> None:
    with _quiet():
        dest_root.joinpath(*rel.split("/")).unlink()


def _quiet() -> suppress:
    return suppress(OSError)


def _store(repo: Repo) -> Any:
    """The object store, indexed by plain ``bytes`` ids (dulwich types them as a NewType)."""
    return repo.object_store


# --- fetching ------------------------------------------------------------------------------------


def open_store(git_dir: Path) -> Repo:
    """The bare repository holding the archive's objects (created when missing)."""
    if (git_dir / "objects").is_dir():
        return Repo(str(git_dir))
    git_dir.mkdir(parents=True, exist_ok=True)
    return Repo.init_bare(str(git_dir))


def _location(source: str) -> tuple[str, str]:
    """(what to fetch from, what to show the user) for a URL or a local repository."""
    shown = clean_url(source)
    if is_url(source):
        return source, shown
    local = Path(source).expanduser()
    if not local.exists():
        raise ArchiveError(f"{shown} does not exist.")
    if not ((local / ".git").exists() or (local / "objects").is_dir() and (local / "HEAD").exists()):
        raise ArchiveError(f"{shown} is not a git repository.")
    return str(local.resolve()), shown


class _NoHaves:
    """The repository as a fetch target that claims to have nothing: asked for blobs by id, a
    server would otherwise leave out those reachable from the commit we have."""

    def __init__(self, repo: Repo):
        self._repo = repo

    def get_graph_walker(self, heads: Any = None) -> Any:
        return self._repo.get_graph_walker(heads=[])

    def __getattr__(self, name: str) -> Any:
        return getattr(self._repo, name)


def _fetch(location: str, shown: str, target: Any, wants: Any, *, depth: int | None = None,
           filter_spec: bytes | None = None, cancel: threading.Event | None = None) -> None:
    def on_progress(data: bytes) -> None:
        if cancel is not None and cancel.is_set():
            raise FetchCancelled("The update was cancelled; nothing was changed.")

    try:
        client, path = get_transport_and_path(location, quiet=True)
        with _socket_timeout():
            client.fetch(path, target, determine_wants=wants, progress=on_progress, depth=depth,
                         filter_spec=filter_spec)
    except ArchiveError:
        raise
    except Exception as exc:
        raise ArchiveError(explain(exc, shown)) from exc


def fetch_tip(
    source: str,
    repo: Repo,
    *,
    cancel: threading.Event | None = None,
    trees_only: bool = True,
) -> bytes:
    """Fetch the default branch's tip of ``source`` (depth 1) into ``repo``; its commit id.

    ``trees_only``: ask for the commit and its trees without blobs (where the server allows
    filters; otherwise everything comes), so the posts' blobs can follow newest first
    (:func:`fetch_blobs`).  Raises :class:`ArchiveError` with one sentence for every failure a
    user can act on.
    """
    location, shown = _location(source)
    chosen: list[bytes] = []

    def wants(refs: Any, depth: int | None = None) -> Any:
        tip = _default_tip(refs)
        if tip is None:
            raise ArchiveError(f"The repository at {shown} has no branches.")
        chosen.append(tip)
        return [] if tip in _store(repo) else [tip]

    _fetch(location, shown, repo, wants, depth=1, filter_spec=b"blob:none" if trees_only else None,
           cancel=cancel)
    if not chosen or chosen[0] not in _store(repo):
        raise ArchiveError(f"The download from {shown} was cut off before it finished; "
                           "nothing was changed. Try again.")
    # the next fetch offers this commit as one it has: the server then sends only what is new
    # (without a ref it resent the whole tip: 2.1 s for a day's 650 changed posts of 2,300)
    refs: Any = repo.refs
    refs[b"HEAD"] = chosen[0]
    return chosen[0]


def fetch_blobs(source: str, repo: Repo, shas: list[bytes], tip: bytes, *,
                cancel: threading.Event | None = None) -> None:
    """Make sure these blobs are in ``repo``: asked for by id (a partial clone's request), or,
    from a server that refuses that, with the whole tip."""
    store = _store(repo)
    missing = list(dict.fromkeys(s for s in shas if s not in store))
    if not missing:
        return
    location, shown = _location(source)
    try:
        _fetch(location, shown, _NoHaves(repo), lambda refs, depth=None: missing, cancel=cancel)
    except FetchCancelled:
        raise
    except ArchiveError:
        if any(s in store for s in missing):
            raise  # it was sending them: a cut-off or a network error
        _fetch(location, shown, _NoHaves(repo), lambda refs, depth=None: [tip], depth=1, cancel=cancel)
    if any(s not in store for s in missing):
        raise ArchiveError(f"The download from {shown} was cut off before it finished; "
                           "nothing was changed. Try again.")


def _default_tip(refs: Any) -> bytes | None:
    refs = dict(refs)
    head = refs.get(b"HEAD")
    if head:
        return bytes(head)
    for name in (b"refs/heads/main", b"refs/heads/master", b"refs/heads/gh-pages"):
        if refs.get(name):
            return bytes(refs[name])
    heads = sorted(k for k in refs if k.startswith(b"refs/heads/"))
    return bytes(refs[heads[0]]) if heads else None


@contextmanager
def _socket_timeout() -> Iterator[None]:
    """``git://`` sockets get no timeout of their own: bound a stalled server."""
    old = socket.getdefaulttimeout()
    socket.setdefaulttimeout(NETWORK_TIMEOUT)
    try:
        yield
    finally:
        socket.setdefaulttimeout(old)


def explain(exc: BaseException, shown: str) -> str:
    """One sentence for the user about a failed fetch."""
    host = urlsplit(shown).hostname or shown
    chain: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and len(chain) < 8:
        chain.append(e)
        e = e.__cause__ or e.__context__
    text = " ".join(str(c) for c in chain).lower()
    for c in chain:
        if isinstance(c, socket.gaierror) or "name or service not known" in text \
                or "failed to resolve" in text or "nodename nor servname" in text:
            return f"The host {host} could not be found: check the address and your network connection."
        if isinstance(c, OSError) and c.errno == errno.ENOSPC:
            return "The disk is full: free some space and try again; nothing was changed."
        if isinstance(c, HTTPUnauthorized) or " 401" in text or " 403" in text:
            return (f"The repository at {shown} needs a user name and password; the reader only "
                    "reads public repositories.")
        if isinstance(c, NotGitRepository):
            return f"{shown} is not a git repository."
    # before any "404" test: a port number such as 40405 in the message is not an HTTP status
    for c in chain:
        if isinstance(c, ConnectionRefusedError | TimeoutError | socket.timeout) or (
                isinstance(c, OSError) and c.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH)):
            return f"Cannot reach {host}: you may be offline, or the server is down. Try again later."
        if "max retries" in text or "connection refused" in text or "timed out" in text:
            return f"Cannot reach {host}: you may be offline, or the server is down. Try again later."
    if re.search(r"(?<![\d:])404(?!\d)", text) or "not found" in text \
            or "does not appear to be a git repository" in text \
            or "no such repository" in text or "access denied" in text:
        return (f"No git repository was found at {shown}: check the address (a private "
                "repository needs credentials, which the reader does not take).")
    if any(isinstance(c, HangupException | GitProtocolError | EOFError | ConnectionError | AssertionError
                      | ValueError) for c in chain) or "eof" in text or "incomplete" in text:
        if "not a git" in text or "info/refs" in text or "pkt" in text and ("bad" in text or "invalid" in text):
            return f"{shown} is not a git repository."
        return (f"The download from {shown} was cut off before it finished; nothing was changed. "
                "Try again.")
    return f"Cannot fetch {shown}: {exc}"[:300]
