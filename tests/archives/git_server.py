"""Real git repositories of generated finews posts, served from 127.0.0.1 for the archive tests.

The server side uses the ``git`` command (``git daemon`` for ``git://``, ``git http-backend``
behind :class:`HttpGit` for smart HTTP); the reader side never does.  Every server listens on
127.0.0.1 on a free port and stops with its fixture; every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

GIT = shutil.which("git") or "git"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Archive", "GIT_AUTHOR_EMAIL": "archive@example.invalid",
    "GIT_COMMITTER_NAME": "Archive", "GIT_COMMITTER_EMAIL": "archive@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0",
}
WAIT = 20.0  # seconds: the longest any server start or stop may take


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    proc = subprocess.run([GIT, *args], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=60, check=True)
    return proc.stdout.strip()


def post_text(day: int, n: int, rev: int = 0) -> str:
    return (
        "---\nlayout: post\n"
        f'title: "第{day}天 新闻{n} 版本{rev}"\n'
        f"date: 2022-05-{day:02d} {8 + n // 60:02d}:{n % 60:02d}:00 +0800\n"
        "categories: emnews\ntags: 东财滚动新闻\n---\n\n"
        f"<p>五月{day}日第{n}条新闻正文，修订{rev}。市场消息。</p>\n"
    )


def post_name(day: int, n: int) -> str:
    return f"2022-05-{day:02d}-202205{day:02d}{n:06d}.md"


class FinewsRepo:
    """A working repository with daily commits of posts, as the finews archive grows."""

    def __init__(self, path: Path):
        self.path = path
        path.mkdir(parents=True)
        git(path, "init", "-q", "-b", "main")
        git(path, "config", "uploadpack.allowFilter", "true")
        (path / "_posts").mkdir()
        (path / "old_post").mkdir()
        (path / "_config.yml").write_text("title: finews\n", encoding="utf-8")
        (path / "README.md").write_text("# finews\n", encoding="utf-8")
        self.revs: dict[str, int] = {}

    def day(self, day: int, new: int = 6, rewrite: int = 0, move: int = 0) -> None:
        """Commit one day: ``new`` posts, ``rewrite`` earlier posts changed, ``move`` earlier
        posts moved from ``_posts/`` to ``old_post/``."""
        current = sorted(p.name for p in (self.path / "_posts").glob("*.md"))
        for name in current[:rewrite]:
            self.revs[name] = self.revs.get(name, 0) + 1
            d, n = int(name[8:10]), int(name[-9:-3])  # see post_name
            (self.path / "_posts" / name).write_text(post_text(d, n, self.revs[name]), encoding="utf-8")
        for name in current[rewrite:rewrite + move]:
            git(self.path, "mv", f"_posts/{name}", f"old_post/{name}")
        for n in range(new):
            name = post_name(day, n)
            (self.path / "_posts" / name).write_text(post_text(day, n), encoding="utf-8")
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "-m", f"day {day}")

    def tip(self) -> str:
        return git(self.path, "rev-parse", "HEAD")

    def posts(self) -> dict[str, str]:
        """relative path -> text of every post at the tip."""
        out = {}
        for folder in ("_posts", "old_post"):
            for p in sorted((self.path / folder).glob("*.md")):
                out[f"{folder}/{p.name}"] = p.read_text(encoding="utf-8")
        return out


@contextlib.contextmanager
def refused_port() -> Iterator[int]:
    """A port on 127.0.0.1 where nothing listens, held for the test: bound, never listening,
    so connections are refused and no other server (another test's) can take it meanwhile."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield int(s.getsockname()[1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class GitDaemon:
    """``git daemon`` serving every repository under ``base`` at git://127.0.0.1:port/."""

    def __init__(self, base: Path):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [GIT, "daemon", "--verbose", "--reuseaddr", "--export-all", f"--base-path={base}",
             "--listen=127.0.0.1", f"--port={self.port}", str(base)],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env={**os.environ, **GIT_ENV})
        assert self.proc.stderr is not None
        deadline = time.monotonic() + WAIT
        seen = b""
        while b"Ready to rumble" not in seen:
            left = deadline - time.monotonic()
            assert left > 0, f"git daemon did not start: {seen!r}"
            ready, _, _ = select.select([self.proc.stderr], [], [], left)
            if ready:
                chunk = os.read(self.proc.stderr.fileno(), 4096)
                assert chunk, f"git daemon exited: {seen!r}"
                seen += chunk
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        while os.read(self.proc.stderr.fileno(), 4096):
            pass

    def url(self, name: str) -> str:
        return f"git://127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=WAIT)


class HttpGit:
    """Smart HTTP: ``git http-backend`` run as a CGI program for each request.

    ``cut_after``: when set, a pack response is cut off after this many bytes (the connection
    closed mid-fetch).  ``status``: when set, every request gets this HTTP status instead."""

    def __init__(self, base: Path):
        self.base = base
        self.cut_after: int | None = None
        self.status: int | None = None
        self.requests = 0
        self.pack_bytes: list[int] = []  # the size of each upload-pack response sent
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._cgi()

            def do_POST(self) -> None:
                self._cgi()

            def _cgi(self) -> None:
                server.requests += 1
                if server.status is not None:
                    body = b"no\n"
                    self.send_response(server.status)
                    if server.status == 401:
                        self.send_header("WWW-Authenticate", 'Basic realm="git"')
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                path, _, query = self.path.partition("?")
                if path.startswith("/plain"):
                    body = b"<html><body>a web page, not a repository</body></html>"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length) if length else b""
                env = {
                    **os.environ, **GIT_ENV,
                    "GIT_PROJECT_ROOT": str(server.base), "GIT_HTTP_EXPORT_ALL": "1",
                    "PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": self.command,
                    "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                    "CONTENT_LENGTH": str(len(data)), "REMOTE_ADDR": "127.0.0.1",
                    "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1",
                }
                for name in ("Git-Protocol", "Content-Encoding"):
                    if self.headers.get(name):
                        env["HTTP_" + name.upper().replace("-", "_")] = self.headers[name]
                proc = subprocess.run([GIT, "http-backend"], input=data, env=env,
                                      capture_output=True, timeout=60)
                head, _, body = proc.stdout.partition(b"\r\n\r\n")
                status = 200
                headers = []
                for line in head.split(b"\r\n"):
                    key, _, value = line.decode("latin-1").partition(":")
                    if key.lower() == "status":
                        status = int(value.strip().split()[0])
                    elif key:
                        headers.append((key, value.strip()))
                self.send_response(status)
                for key, value in headers:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                pack = path.endswith("git-upload-pack") and self.command == "POST"
                if pack:
                    server.pack_bytes.append(len(body))
                if pack and server.cut_after is not None and len(body) > server.cut_after:
                    self.wfile.write(body[: server.cut_after])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def url(self, name: str, userinfo: str = "") -> str:
        return f"http://{userinfo}127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=WAIT)


@dataclass
class Served:
    repo: FinewsRepo
    base: Path
    daemon: GitDaemon
    http: HttpGit

    def url(self, transport: str, name: str = "finews") -> str:
        if transport == "http":
            return self.http.url(name)
        if transport == "git":
            return self.daemon.url(name)
        if transport == "file":
            return (self.base / name).as_uri()
        return str(self.base / name)


def library_posts(lib: object) -> Iterator[tuple[str, str]]:
    """(key, title) of every article in a library."""
    for key, title in lib._sql("SELECT key, title FROM article").fetchall():  # type: ignore[attr-defined]
        yield str(key), str(title)
