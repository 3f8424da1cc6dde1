"""The package reads top-down, cli -> ui -> core: the window never imports the command line, and
its modules import each other in no circle.

The rooms (browse, reading, importing...) name ``MainWindow`` for the type checker only, under
``TYPE_CHECKING``; those imports never run, so they are left out here (the core's own layer test
counts them, since core has no such back-references).
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.core.test_layers import ROOT, find_cycle

UI = ROOT / "reader" / "ui"


def _runtime_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for n in ast.walk(node)}
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in out if m.startswith("reader.")}


def ui_modules() -> dict[str, Path]:
    return {f"reader.ui.{p.stem}": p for p in sorted(UI.glob("*.py")) if p.stem != "__init__"}


def test_the_window_never_imports_the_command_line() -> None:
    bad = {name: sorted(m for m in _runtime_imports(p) if m == "reader.cli" or m.startswith("reader.cli."))
           for name, p in ui_modules().items()}
    assert not {k: v for k, v in bad.items() if v}


def test_the_windows_modules_import_each_other_in_no_circle() -> None:
    modules = ui_modules()
    graph = {name: {m for m in _runtime_imports(p) if m in modules and m != name}
             for name, p in modules.items()}
    assert find_cycle(graph) is None, find_cycle(graph)
    assert graph["reader.ui.main_window"] >= {"reader.ui.browse", "reader.ui.reading", "reader.ui.importing"}


def test_the_circle_finder_sees_a_runtime_import_circle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"a"}}) is not None
