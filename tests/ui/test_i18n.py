"""Every user-visible string in reader/ui has a Simplified Chinese translation in resources/i18n/zh_CN.json.

The extraction is static (``ast``, no Qt): it collects the string literals passed to ``tr("...")`` and
``translate("app", "...")`` in ``reader/ui/*.py``, plus the strings of module-level tables such as
``SHORTCUTS`` / ``THEMES`` / ``LANGUAGES`` that are passed through ``tr(variable)`` in a loop over the table.
"""

from __future__ import annotations

import ast
import contextlib
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI_DIR = ROOT / "reader" / "ui"
CATALOG = ROOT / "resources" / "i18n" / "zh_CN.json"

TR_NAMES = {"tr", "translate"}
PLACEHOLDER_RE = re.compile(r"%(?:[1-5]|n)(?!\d)")
TAG_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\b[^>]*?/?>")


def _call_name(call: ast.Call) -> str | None:
    fn = call.func
    if isinstance(fn, ast.Attribute):
        return fn.attr
    if isinstance(fn, ast.Name):
        return fn.id
    return None


def _source_arg(call: ast.Call) -> ast.expr | None:
    """The source-text argument: ``tr(text, ...)`` or ``translate(context, text, ...)``."""
    name = _call_name(call)
    if name == "tr":
        return call.args[0] if call.args else None
    if name == "translate":
        # QApplication.translate("app", "...") / QCoreApplication.translate(...); skip our own overrides.
        return call.args[1] if len(call.args) >= 2 else None
    return None


def _str_literal(node: ast.expr | None) -> str | None:
    # Adjacent literals ("a" "b") are already folded into one Constant by the parser.
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return parents


def _module_tables(trees: dict[Path, ast.Module]) -> dict[str, object]:
    """Module-level ``NAME = [...]`` constants (literal-evaluable) of all ui modules."""
    tables: dict[str, object] = {}
    for tree in trees.values():
        for stmt in tree.body:
            targets: list[ast.expr] = []
            value = None
            if isinstance(stmt, ast.Assign):
                targets, value = stmt.targets, stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                targets, value = [stmt.target], stmt.value
            for target in targets:
                if isinstance(target, ast.Name) and isinstance(value, (ast.List, ast.Tuple)):
                    with contextlib.suppress(ValueError):
                        tables[target.id] = ast.literal_eval(value)
    return tables


def _resolve_variable(var: str, node: ast.AST, parents: dict[ast.AST, ast.AST],
                      tables: dict[str, object]) -> list[str] | None:
    """Strings a ``tr(var)`` can see, when ``var`` comes from ``for ... in TABLE`` (loop or comprehension)."""
    cur: ast.AST | None = node
    while cur is not None:
        loops: list[tuple[ast.expr, ast.expr]] = []
        if isinstance(cur, (ast.For, ast.AsyncFor)):
            loops.append((cur.target, cur.iter))
        elif isinstance(cur, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            loops.extend((gen.target, gen.iter) for gen in cur.generators)
        for target, iterable in loops:
            if not isinstance(iterable, ast.Name) or iterable.id not in tables:
                continue
            rows = tables[iterable.id]
            if isinstance(target, ast.Name) and target.id == var:
                return [r for r in rows if isinstance(r, str)]  # type: ignore[union-attr]
            if isinstance(target, (ast.Tuple, ast.List)):
                for i, elt in enumerate(target.elts):
                    if isinstance(elt, ast.Name) and elt.id == var:
                        return [r[i] for r in rows  # type: ignore[union-attr]
                                if isinstance(r, (tuple, list)) and len(r) > i and isinstance(r[i], str)]
        cur = parents.get(cur)
    return None


def extract_strings(ui_dir: Path = UI_DIR) -> tuple[dict[str, list[str]], list[str]]:
    """``({source: ["file:line", ...]}, [unresolved call sites])``."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
             for path in sorted(ui_dir.glob("*.py"))}
    tables = _module_tables(trees)
    found: dict[str, list[str]] = {}
    unresolved: list[str] = []
    for path, tree in trees.items():
        parents = _parents(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _call_name(node) not in TR_NAMES:
                continue
            arg = _source_arg(node)
            if arg is None:
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            text = _str_literal(arg)
            if text is not None:
                found.setdefault(text, []).append(where)
                continue
            if isinstance(arg, ast.Name):
                values = _resolve_variable(arg.id, node, parents, tables)
                if values:
                    for value in values:
                        found.setdefault(value, []).append(where)
                    continue
            if _call_name(node) == "translate" and not (
                    isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in {"QApplication", "QCoreApplication", "QGuiApplication"}):
                continue  # some other object's translate(), e.g. DictTranslator internals
            unresolved.append(f"{where}: {ast.unparse(node)}")
    return found, unresolved


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER_RE.findall(text))


def tag_names(text: str) -> set[str]:
    return {name.lower() for name in TAG_RE.findall(text)}


@pytest.fixture(scope="module")
def extracted() -> dict[str, list[str]]:
    return extract_strings()[0]


@pytest.fixture(scope="module")
def catalog() -> dict[str, str]:
    return json.loads(CATALOG.read_text(encoding="utf-8"))


def test_extraction_finds_strings(extracted: dict[str, list[str]]) -> None:
    assert len(extracted) > 50
    assert "Next article" in extracted  # from SHORTCUTS, passed through tr() at runtime


def test_every_tr_call_is_extractable() -> None:
    _, unresolved = extract_strings()
    assert not unresolved, "tr()/translate() with a non-literal source text:\n" + "\n".join(unresolved)


def test_catalog_is_flat_and_sorted(catalog: dict[str, str]) -> None:
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in catalog.items())
    assert list(catalog) == sorted(catalog)


def test_every_string_is_translated(extracted: dict[str, list[str]], catalog: dict[str, str]) -> None:
    missing = [f"{src!r} ({', '.join(where)})" for src, where in sorted(extracted.items())
               if not catalog.get(src, "").strip()]
    assert not missing, f"{len(missing)} string(s) without a zh_CN translation:\n" + "\n".join(missing)


def test_translations_keep_placeholders_and_tags(extracted: dict[str, list[str]],
                                                 catalog: dict[str, str]) -> None:
    bad = []
    for src in sorted(extracted):
        dst = catalog.get(src)
        if not dst:
            continue
        if placeholders(src) != placeholders(dst):
            bad.append(f"placeholders {sorted(placeholders(src))} != {sorted(placeholders(dst))}: {src!r} -> {dst!r}")
        if tag_names(src) != tag_names(dst):
            bad.append(f"HTML tags {sorted(tag_names(src))} != {sorted(tag_names(dst))}: {src!r} -> {dst!r}")
    assert not bad, "\n".join(bad)
