"""Layers stay layers: ``reader.core`` never imports the window (``reader.ui``) or the command
line (``reader.cli``), and no two ``reader.core`` modules import each other in a circle.

Read from the source with ``ast`` (imports under ``TYPE_CHECKING`` and inside functions
count too: a circle there is one refactoring away from a real one).  Importing
``reader.core.library.x`` from outside that package also runs ``reader/core/library/__init__``,
so it counts as importing the package as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "reader" / "core"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def core_modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(CORE.rglob("*.py"))}


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """Every ``reader.*`` module the file imports (resolved against ``known`` for
    ``from package import module``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([node.module] if node.module else []))
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known}
    return {m for m in out if m == "reader" or m.startswith("reader.")}


def core_graph() -> dict[str, set[str]]:
    modules = core_modules()
    known = set(modules)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges: set[str] = set()
        for target in imports_of(path, name, known):
            parts = target.split(".")
            for i in range(3, len(parts) + 1):  # the packages it runs on the way, below reader.core
                step = ".".join(parts[:i])
                if step in known and step != name and not name.startswith(step + "."):
                    edges.add(step)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_core_never_imports_the_window_or_the_command_line() -> None:
    modules = core_modules()
    known = set(modules)
    upward = {
        name: sorted(m for m in imports_of(path, name, known)
                     if m.startswith(("reader.ui", "reader.cli")) or m == "reader.ui")
        for name, path in modules.items()
    }
    assert {n: m for n, m in upward.items() if m} == {}


def test_no_import_circle_among_core_modules() -> None:
    graph = core_graph()
    assert "reader.core.library.facade" in graph  # the walk sees the library's rooms
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_cycle_finder_finds_a_circle() -> None:
    graph = core_graph()
    graph["reader.core.sql"] = {"reader.core.search"}  # search imports sql: a circle if sql imported search
    assert find_cycle(graph) is not None
