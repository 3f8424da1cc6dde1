"""Fixtures for the reliability tests: a hostile archive with canaries, imported once."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from reliability_hostile import (  # noqa: E402
    HELPER,
    HostileArchive,
    ImportResult,
    build_hostile_archive,
    subprocess_env,
)


@dataclass
class CanaryServer:
    """A listening socket on 127.0.0.1 that records every connection made to it."""

    sock: socket.socket
    port: int
    accepted: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, addr = self.sock.accept()
            except OSError:
                continue
            try:
                conn.settimeout(0.5)
                first = conn.recv(200)
            except OSError:
                first = b""
            self.accepted.append(f"{addr} {first!r}")
            conn.close()


@pytest.fixture(scope="session")
def canary_server() -> Iterator[CanaryServer]:
    sock = socket.create_server(("127.0.0.1", 0))
    server = CanaryServer(sock, sock.getsockname()[1])
    t = threading.Thread(target=server.serve, daemon=True)
    t.start()
    try:
        yield server
    finally:
        server.stop.set()
        t.join(2)
        sock.close()


@pytest.fixture(scope="session")
def hostile_archive(tmp_path_factory: pytest.TempPathFactory, canary_server: CanaryServer) -> HostileArchive:
    base = tmp_path_factory.mktemp("hostile")
    return build_hostile_archive(base / "archive", base / "canaries", canary_server.port)


@pytest.fixture(scope="session")
def hostile_import(tmp_path_factory: pytest.TempPathFactory, hostile_archive: HostileArchive) -> ImportResult:
    """The hostile archive imported (two worker processes) in a subprocess of its own, so that a
    crash of the parser cannot take pytest down with it."""
    base = tmp_path_factory.mktemp("hostile-import")
    out = base / "out.json"
    proc = subprocess.run(
        [sys.executable, str(HELPER), "import", str(hostile_archive.root), str(base / "lib"), str(out),
         "--workers", "2"],
        capture_output=True, env=subprocess_env(), timeout=240,
    )
    assert proc.returncode == 0, f"the import died ({proc.returncode}): {proc.stderr.decode()[-3000:]}"
    return ImportResult(base / "lib", json.loads(out.read_text(encoding="utf-8")))
