"""Every text of both themes is readable: WCAG AA, a contrast ratio of at least 4.5:1.

The ratios are computed here (WCAG 2 relative luminance, translucent colours mixed with what is
under them) from what the app really uses: the palettes ``ReaderApp.apply_theme`` installs (light:
Fusion's own palette made readable; dark: ours), the viewer's stylesheet and highlights, and the
stylesheets of the main window's bars.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QStyleFactory, QStyleOptionViewItem, QWidget

from reader.core.library import Library
from reader.ui.main_window import MainWindow
from reader.ui.theme import error_color, themed_palette, watched_color
from reader.ui.viewer import ArticleViewer, stylesheet

AA = 4.5
R = QPalette.ColorRole
G = QPalette.ColorGroup

# (text, background) role pairs the widgets draw; PlaceholderText is also the read articles' titles
# (on both row colours), the sidebar's counts and the timeline's labels (on the window)
PAIRS = [
    (R.WindowText, R.Window), (R.Text, R.Base), (R.Text, R.AlternateBase), (R.ButtonText, R.Button),
    (R.HighlightedText, R.Highlight), (R.PlaceholderText, R.Base), (R.PlaceholderText, R.AlternateBase),
    (R.PlaceholderText, R.Window), (R.Link, R.Base), (R.Link, R.Window), (R.ToolTipText, R.ToolTipBase),
]


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def _luminance(rgb: tuple[float, float, float]) -> float:
    r, g, b = (_linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(fg: QColor, bg: QColor) -> float:
    a = fg.alphaF()
    seen = tuple(f * a + b * (1 - a) for f, b in zip(fg.getRgbF()[:3], bg.getRgbF()[:3], strict=True))
    lf, lb = _luminance(seen), _luminance(tuple(bg.getRgbF()[:3]))  # type: ignore[arg-type]
    return (max(lf, lb) + 0.05) / (min(lf, lb) + 0.05)


def fusion_light() -> QPalette:
    return QStyleFactory.create("Fusion").standardPalette()


def app_palette(dark: bool) -> QPalette:
    """What ``ReaderApp.apply_theme(dark)`` sets, starting from Fusion's palette."""
    return themed_palette(dark, fusion_light())


@pytest.fixture
def themed(qapp) -> Iterator[Callable[[bool], QPalette]]:
    """Switches the application palette as the app's theme does; put back afterwards."""
    before = QPalette(qapp.palette())

    def use(dark: bool) -> QPalette:
        qapp.setPalette(app_palette(dark))
        return qapp.palette()

    yield use
    qapp.setPalette(before)


def _hex(c: QColor) -> str:
    return c.name(QColor.NameFormat.HexArgb)


def test_the_check_itself_matches_known_wcag_ratios() -> None:
    assert ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert ratio(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)
    assert ratio(QColor(0, 0, 0, 128), QColor("#ffffff")) == pytest.approx(3.95, abs=0.06)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_palette_text_meets_aa(qapp, dark: bool) -> None:
    p = app_palette(dark)
    bad = []
    for group in (G.Active, G.Inactive):
        for fg, bg in PAIRS:
            r = ratio(p.color(group, fg), p.color(group, bg))
            if r < AA:
                bad.append(f"{group.name} {fg.name} {_hex(p.color(group, fg))} on {bg.name} "
                           f"{_hex(p.color(group, bg))}: {r:.2f}")
    for name, color, backgrounds in (("watched/star", watched_color(p), (R.Base, R.AlternateBase)),
                                     ("search error", error_color(p), (R.Window, R.Base))):
        for bg in backgrounds:
            r = ratio(color, p.color(bg))
            if r < AA:
                bad.append(f"{name} {_hex(color)} on {bg.name}: {r:.2f}")
    assert not bad, "below 4.5:1:\n" + "\n".join(bad)


BLOCKS = {"body", "blockquote", "pre", "table", "td", "th"}  # backgrounds other text can sit on
_RULE_RE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def css_rules(css: str) -> list[tuple[str, dict[str, str]]]:
    rules = []
    for selector, body in _RULE_RE.findall(css):
        decls = {}
        for decl in body.split(";"):
            if ":" in decl:
                key, value = decl.split(":", 1)
                decls[key.strip().lower()] = value.strip()
        rules.append((" ".join(selector.split()), decls))
    return rules


def _background(decls: dict[str, str]) -> str | None:
    return decls.get("background-color") or decls.get("background")


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_viewer_stylesheet_text_meets_aa(qapp, dark: bool) -> None:
    """Each text colour of the article stylesheet on its own background, else on the viewer's
    (the palette's Base) and inside any block that sets a background (quotes)."""
    base = app_palette(dark).color(R.Base)
    rules = css_rules(stylesheet(dark, False))
    containers = [QColor(_background(d)) for s, d in rules if _background(d) and s in BLOCKS]
    assert containers, "the quote's background is part of the check"
    bad = []
    for selector, decls in rules:
        if "color" not in decls or selector in ("hr",):  # a rule's colour is a line, not text
            continue
        fg = QColor(decls["color"])
        own = _background(decls)
        for bg in [QColor(own)] if own else [base, *containers]:
            r = ratio(fg, bg)
            if r < AA:
                bad.append(f"{selector}: {decls['color']} on {bg.name()}: {r:.2f}")
    assert not bad, "below 4.5:1:\n" + "\n".join(bad)


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def library_path(tmp_path_factory) -> Path:
    shared = ROOT.parent / "shared" / "corpus" / "finews"
    corpus = shared if shared.is_dir() else ROOT / "tests" / "fixtures" / "corpus"
    path = tmp_path_factory.mktemp("contrast") / "lib"
    with Library.open(path) as lib:
        lib.import_paths([corpus], workers=1)
    return path


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_search_marks_and_find_matches_are_readable(qtbot, themed, library_path, dark: bool) -> None:
    """Highlighted words keep a readable colour, links among them too (a search for a company
    marks its security links)."""
    themed(dark)
    with Library.open(library_path) as lib:
        aid = lib.query_ids("茅台")[0]
        art = lib.article(aid)
    viewer = ArticleViewer()
    qtbot.addWidget(viewer)
    viewer.set_theme(dark)
    viewer.show_article(art, ["茅台"])
    assert viewer.find_all(art.title[:2]) > 0 and viewer.highlight_count > 0
    doc_fg = QColor(re.search(r"body \{[^}]*color: (#[0-9a-f]{6})", stylesheet(dark, False)).group(1))
    bad = []
    for sel in viewer.extraSelections():
        fmt = sel.format
        bg = fmt.background().color()
        has_fg = fmt.hasProperty(fmt.Property.ForegroundBrush)
        fg = fmt.foreground().color() if has_fg else None
        cursor = sel.cursor
        char = cursor.charFormat()
        # without a colour of its own, a match keeps its text's: a link's, else the body's
        texts = [fg] if fg is not None else [char.foreground().color() if char.isAnchor() else doc_fg]
        for t in texts:
            if ratio(t, bg) < AA:
                bad.append(f"{cursor.selectedText()!r}: {t.name()} on {bg.name()}: {ratio(t, bg):.2f}")
    assert not bad, "below 4.5:1:\n" + "\n".join(sorted(set(bad)))


def _resolve(value: str, widget: QWidget) -> QColor | None:
    value = value.split()[0] if value.startswith("#") else value
    m = re.fullmatch(r"palette\(([a-z-]+)\)", value.strip())
    if m:
        wanted = m.group(1).replace("-", "").lower()
        role = next(r for r in R if r.name.lower() == wanted)
        return widget.palette().color(role)
    color = QColor(value.strip())
    return color if color.isValid() else None


def _window(qtbot, library_path: Path, tmp_path: Path, demo: bool) -> MainWindow:
    w = MainWindow(None, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.quiet_reports = True
    with qtbot.waitSignal(w.listUpdated, timeout=10000):
        w.set_library(Library.open(library_path), demo=demo)
    return w


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_window_stylesheets_meet_aa(qtbot, themed, library_path, tmp_path, dark: bool) -> None:
    """The bars with a stylesheet of their own (the sample archive's welcome, the search error):
    a colour they set on the background they set or stand on; text inside a background they set."""
    themed(dark)
    w = _window(qtbot, library_path, tmp_path, demo=True)
    w.show()
    qtbot.waitExposed(w)
    if hasattr(w, "browse") and hasattr(w.browse, "show_search_error"):
        w.browse.show_search_error("“2022-13-45” is not a date")
    checked, bad = 0, []
    for widget in [w, *w.findChildren(QWidget)]:
        css = widget.styleSheet()
        if not css:
            continue
        for selector, decls in css_rules(css):
            bg_value = _background(decls)
            bg = _resolve(bg_value, widget) if bg_value else widget.palette().color(R.Window)
            if "color" in decls:
                fg = _resolve(decls["color"], widget)
                texts = [(selector, fg)]
            else:
                texts = [(f"{selector} {type(lbl).__name__}", lbl.palette().color(R.WindowText))
                         for lbl in widget.findChildren(QLabel) if lbl.text()]
            for what, fg in texts:
                checked += 1
                if fg is not None and bg is not None and ratio(fg, bg) < AA:
                    bad.append(f"{what}: {fg.name()} on {bg.name()}: {ratio(fg, bg):.2f}")
    assert checked >= 2, "the welcome banner and the search error were checked"
    assert not bad, "below 4.5:1:\n" + "\n".join(bad)
    w.close()
    w.library.close()


def test_sidebar_counts_follow_a_theme_switch(qtbot, themed, library_path, tmp_path) -> None:
    """The counts beside the sidebar's entries are painted in the current theme's colours: built
    in the light theme, still readable after switching to the dark one, and back."""
    themed(False)
    w = _window(qtbot, library_path, tmp_path, demo=False)
    w.show()
    qtbot.waitExposed(w)
    sidebar = w.sidebar
    item = sidebar.item_for("all")
    assert item is not None and int(item.text(1)) > 0
    index = sidebar.indexFromItem(item, 1)

    def count_colors() -> tuple[QColor, QColor]:
        opt = QStyleOptionViewItem()
        sidebar.initViewItemOption(opt)
        sidebar.itemDelegateForIndex(index).initStyleOption(opt, index)
        return opt.palette.color(R.Text), sidebar.palette().color(R.Base)

    for dark in (False, True, False):
        themed(dark)
        w.act_theme.setChecked(dark)
        w.toggle_theme()
        qtbot.waitUntil(lambda d=dark: sidebar.palette().color(R.Base) == app_palette(d).color(R.Base))
        fg, bg = count_colors()
        assert ratio(fg, bg) >= AA, f"{'dark' if dark else 'light'}: count {fg.name(QColor.NameFormat.HexArgb)} on {bg.name()}"
    w.close()
    w.library.close()
