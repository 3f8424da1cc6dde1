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


# --- the Chinese UI on screen: Qt's own strings, shortcuts, what core says in English -------------

import sys  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402

from PySide6.QtCore import QLocale, QSettings, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QKeySequence  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTabBar,
    QTextBrowser,
    QWidget,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))

from modal import answering, close_dialog  # noqa: E402

from reader.core.importer import Failure, ImportReport  # noqa: E402
from reader.core.library import Library  # noqa: E402
from reader.core.search import QueryError  # noqa: E402
from reader.core.securities import MARKETS  # noqa: E402
from reader.ui.core_words import EXCHANGES, QUERY_ERRORS, exchange_name, query_error_text  # noqa: E402

CJK_RE = re.compile(r"[\u4e00-\u9fff]")
MODIFIERS = ("Ctrl", "Shift", "Alt", "Meta")


@pytest.fixture(scope="module")
def library_path(tmp_path_factory) -> Path:
    shared = ROOT.parent / "shared" / "corpus" / "finews"
    corpus = shared if shared.is_dir() else ROOT / "tests" / "fixtures" / "corpus"
    path = tmp_path_factory.mktemp("zh") / "lib"
    with Library.open(path) as lib:
        lib.import_paths([corpus], workers=1)
    return path


@pytest.fixture
def zh_cn(qapp) -> Iterator[None]:
    """The Chinese UI as ``ui/language = zh_CN`` installs it; Qt's widget dialogs (as on a desktop
    without native ones)."""
    from reader.ui.app import install_translators

    native = qapp.testAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
    locale = QLocale()
    qapp.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
    installed = install_translators(qapp, "zh_CN")
    assert len(installed) == 2, "the app's translation and Qt's own (qtbase_zh_CN)"
    yield
    for translator in installed:
        qapp.removeTranslator(translator)
    qapp.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, native)
    QLocale.setDefault(locale)


@pytest.fixture
def zh_window(qtbot, zh_cn, library_path, tmp_path):
    from reader.ui.main_window import MainWindow

    w = MainWindow(None, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.quiet_reports = True
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.set_library(Library.open(library_path))
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()
    if w.library is not None:
        w.library.close()


def blanks(dlg: QWidget) -> list[str]:
    """Every visible text of a dialog that is empty: buttons without text or icon, labels without
    text or picture, headers, combo box entries, tabs, and the text fields' context menus."""
    where = f"{type(dlg).__name__} “{dlg.windowTitle()}”"
    out = [] if dlg.windowTitle() else [f"{where}: window title"]
    for b in dlg.findChildren(QAbstractButton):
        if b.isVisible() and not b.text() and b.icon().isNull() \
                and b.objectName() != "qt_tableview_cornerbutton":  # a table's corner: no text
            out.append(f"{where}: {type(b).__name__} {b.objectName()!r}")
    for lbl in dlg.findChildren(QLabel):
        if lbl.isVisible() and not lbl.text() and lbl.pixmap().isNull():
            out.append(f"{where}: label {lbl.objectName()!r}")
    for h in dlg.findChildren(QHeaderView):
        if h.isVisible():
            for i in range(h.count()):
                if not h.isSectionHidden(i) and not str(h.model().headerData(i, h.orientation()) or ""):
                    out.append(f"{where}: header section {i}")
    for c in dlg.findChildren(QComboBox):
        if c.isVisible():
            out += [f"{where}: combo entry {i}" for i in range(c.count()) if not c.itemText(i)]
    for t in dlg.findChildren(QTabBar):
        if t.isVisible():
            out += [f"{where}: tab {i}" for i in range(t.count()) if not t.tabText(i)]
    for e in dlg.findChildren(QLineEdit):
        if e.isVisible():
            menu = e.createStandardContextMenu()
            out += [f"{where}: text field menu entry {i}" for i, a in enumerate(menu.actions())
                    if not a.isSeparator() and not a.text().split("\t")[0]]
            menu.deleteLater()
    return out


def untranslated(dlg: QWidget) -> list[str]:
    """Qt's own labels, buttons and headers still in English (no Chinese character)."""
    texts = [b.text() for b in dlg.findChildren(QAbstractButton) if b.isVisible() and b.text()]
    texts += [lbl.text() for lbl in dlg.findChildren(QLabel)
              if lbl.isVisible() and lbl.text() and lbl.buddy() is not None]
    for h in dlg.findChildren(QHeaderView):
        if h.isVisible():
            texts += [str(h.model().headerData(i, h.orientation())) for i in range(h.count())
                      if not h.isSectionHidden(i)]
    return [t for t in texts if not CJK_RE.search(t)]


def yes_no(dlg: QWidget) -> list[str]:
    assert isinstance(dlg, QMessageBox)
    texts = {b.text() for b in dlg.buttons()}
    return untranslated(dlg) + ([] if texts == {"是(&Y)", "否(&N)"} else [f"Yes/No buttons: {texts}"])


def file_dialog(dlg: QWidget) -> list[str]:
    assert isinstance(dlg, QFileDialog)  # Qt's own, not the desktop's
    return untranslated(dlg)


def _inspect(found: list[str], also: Callable[[QWidget], list[str]] | None = None):
    def handle(dlg: QWidget) -> None:
        found.extend(blanks(dlg))
        if also is not None:
            found.extend(also(dlg))
        close_dialog(dlg)

    return handle


def test_zh_dialogs_show_every_text(qtbot, zh_window) -> None:
    """Settings, the tag editor, the import dialogs and report, the shortcuts, About, a Yes/No
    question and Qt's file dialog: nothing blank, and Qt's own parts in Chinese."""
    w = zh_window
    w.select_row(0)
    found: list[str] = []
    openers: list[tuple[str, Callable[[], object], Callable[[QWidget], list[str]] | None]] = [
        ("settings", w.act_settings.trigger, None),
        ("tags", w.act_tag.trigger, None),
        ("shortcuts", w.act_help.trigger, None),
        ("about", w.act_about.trigger, None),
        ("question", lambda: w.confirm_open_external(QUrl("https://finance.eastmoney.com/a.html")),
         yes_no),
        ("import folder", w.act_import.trigger, None),
        ("file dialog", w.act_import_files.trigger, file_dialog),
    ]
    for name, open_it, also in openers:
        with answering(_inspect(found, also)) as seen:
            open_it()
        assert seen, f"the {name} dialog opened"
    from reader.ui.dialogs import ImportReportDialog

    report = ImportReport(added=3, failed=1, failures=[Failure("_posts/broken.md", "not UTF-8")])
    dlg = ImportReportDialog(report, w)
    qtbot.addWidget(dlg)
    dlg.open()
    qtbot.waitExposed(dlg)
    found.extend(blanks(dlg))
    dlg.reject()
    assert not found, "blank or untranslated:\n" + "\n".join(found)


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing)")  # offscreen popups
def test_zh_menus_keep_their_shortcuts_modifiers(qtbot, zh_window) -> None:
    """Every menu entry has its text, and its shortcut as written (Ctrl+Shift+R, not R); the text
    fields' context menu too."""
    w = zh_window
    problems: list[str] = []
    checked_modifiers = 0
    for top in w.menuBar().actions():
        menu = top.menu()
        if not top.text():
            problems.append("a menu without a title")
        menu.popup(w.mapToGlobal(w.rect().center()))
        qtbot.waitUntil(menu.isVisible)
        for act in menu.actions():
            if act.isSeparator():
                continue
            if not act.text():
                problems.append(f"{top.text()}: an entry without text")
            key = act.shortcut()
            if key.isEmpty():
                continue
            portable = key.toString(QKeySequence.SequenceFormat.PortableText)
            native = key.toString(QKeySequence.SequenceFormat.NativeText)
            if not native:
                problems.append(f"{act.text()}: shortcut {portable} shown empty")
            for mod in MODIFIERS:
                if mod + "+" in portable:
                    checked_modifiers += 1
                    if mod not in native:
                        problems.append(f"{act.text()}: shortcut {portable} shown as {native!r}")
        menu.close()
    assert checked_modifiers >= 5
    edit_menu = w.search_box.createStandardContextMenu()
    for act in edit_menu.actions():
        if act.isSeparator():
            continue
        label, _, keys = act.text().partition("\t")
        if not label or not CJK_RE.search(label):
            problems.append(f"search box menu: {act.text()!r}")
        if keys and "Ctrl" not in keys:
            problems.append(f"search box menu: {act.text()!r} lost its Ctrl")
    assert not problems, "\n".join(problems)


def test_zh_shortcuts_help_exchanges_and_search_errors_are_chinese(qtbot, zh_window) -> None:
    w = zh_window
    from reader.ui.dialogs import ShortcutsDialog

    help_text = ShortcutsDialog(w).findChild(QTextBrowser).toPlainText()
    assert " or " not in help_text and "Space" not in help_text
    assert "或" in help_text and "空格" in help_text

    panel = w.securities_panel
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0)  # the panel fills off the GUI thread
    rows = [r for r in range(panel.model.rowCount())
            if panel.model.data(panel.model.index(r, 1)) == "600519.SH"]
    assert rows, "贵州茅台 is in the library"
    tip = panel.model.data(panel.model.index(rows[0], 0), Qt.ItemDataRole.ToolTipRole)
    assert "上交所" in tip and "Shanghai" not in tip
    with Library.open(w.library.folder) as lib:
        art = lib.article(lib.query_ids("sec:1.600519")[0])
    assert "上交所" in w.viewer.header_html(art) and "Shanghai" not in w.viewer.header_html(art)

    w.search_box.setFocus()
    qtbot.keyClicks(w.search_box, "after:2022-13-45")
    qtbot.keyClick(w.search_box, Qt.Key.Key_Return)

    def shown_error() -> str:
        label = getattr(w, "search_error", None)
        text = label.text() if label is not None and label.isVisible() else ""
        return text or w.statusBar().currentMessage()

    qtbot.waitUntil(lambda: "2022-13-45" in shown_error())
    assert "不是日期" in shown_error() and "is not a date" not in shown_error()


def test_core_keeps_its_english_for_the_command_line(library_path, capsys) -> None:
    from reader.cli import main as cli_main

    with Library.open(library_path) as lib, pytest.raises(QueryError) as err:
        lib.query_ids("after:2022-13-45")
    assert str(err.value) == "'2022-13-45' is not a date"
    assert (err.value.code, err.value.params) == ("not_a_date", ("2022-13-45",))
    assert query_error_text(err.value) == "“2022-13-45” is not a date"  # no translator installed
    assert cli_main(["--library", str(library_path), "search", "after:2022-13-45"]) != 0
    assert "'2022-13-45' is not a date" in capsys.readouterr().err
    assert exchange_name(0) == "Shenzhen" and exchange_name(999) == "Market 999"


def test_every_exchange_and_search_error_can_be_translated() -> None:
    """Each exchange name of the core's table and each coded QueryError has its entry here (the
    catalogue test above then asks for its Chinese); a QueryError without a code could only be
    shown in English."""
    assert not {name for name, _ in MARKETS.values()} - set(EXCHANGES)
    codes = {code for code, _ in QUERY_ERRORS}
    missing = []
    for path in sorted((ROOT / "reader" / "core").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _call_name(node) == "QueryError":
                code = _str_literal(node.args[1]) if len(node.args) > 1 else None
                if code not in codes:
                    missing.append(f"{path.name}:{node.lineno} code {code!r}")
    assert not missing, "QueryError without a translatable message:\n" + "\n".join(missing)


def test_qt_translation_ships_with_pyside6() -> None:
    """qtbase_zh_CN.qm comes with the PySide6-Essentials wheel (PySide6/Qt/translations)."""
    from PySide6.QtCore import QLibraryInfo

    from reader.ui.app import load_qt_translator

    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    assert (folder / "qtbase_zh_CN.qm").is_file()
    qt = load_qt_translator("zh_CN")
    assert qt is not None and qt.translate("QFileDialog", "Look in:") == "查找范围："
