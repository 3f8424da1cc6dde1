"""``reader.core`` is pure Python: importing any of its modules must not pull in Qt.

The module list comes from pkgutil, so a module added later is covered without editing this test.
Each import runs in a fresh interpreter (the test process itself may well have Qt loaded).
"""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import reader.core

REPO = Path(__file__).resolve().parents[2]
MODULES = sorted(f"reader.core.{m.name}" for m in pkgutil.iter_modules(reader.core.__path__))


def _run(code: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_the_core_has_modules() -> None:
    assert {"reader.core.post", "reader.core.clean", "reader.core.securities", "reader.core.render"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_without_qt(module: str) -> None:
    code = (
        f"import {module}, sys\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'PyQt5', 'PyQt6', 'PySide2', 'shiboken6'))\n"
        "assert not qt, qt\n"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr


def test_all_core_modules_together_without_qt() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}: importlib.import_module(name)\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules)\n"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr
