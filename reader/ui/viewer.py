"""The article viewer: stored clean HTML in a QTextBrowser that never fetches anything.

* ``loadResource`` refuses every URL except the app's own ``qrc:``/``finews:`` resources, so no
  network request and no file read can come from an article;
* remote images are shown as a placeholder with their alt text and a link;
* links are routed by the window: ``security:`` filters the list, http(s) asks first, nothing
  else is followed.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QUrl, Signal
from PySide6.QtGui import QColor, QHelpEvent, QImage, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QToolTip, QWidget

from reader.core.library import ArticleDetail
from reader.core.securities import Security, display_symbol
from reader.ui.core_words import exchange_name

_IMG_RE = re.compile(r"<img\b([^>]*)>", re.I)
_ATTR_RE = re.compile(r'(\w+)="([^"]*)"')

_BLANK_IMAGE = QImage(1, 1, QImage.Format.Format_ARGB32)
_BLANK_IMAGE.fill(0)

# A long post can link forty securities; the header shows the most mentioned and folds the rest
# (only when that hides a few: "+1 more" would save nothing).
CHIPS_SHOWN = 8
CHIPS_FOLD = 10
CHIPS_MORE, CHIPS_LESS = "chips:more", "chips:less"  # handled here, never routed to the window
_SECURITY_HREF_RE = re.compile(r'href="security:([^"]+)"')

LIGHT = {"fg": "#1d1d1f", "muted": "#6e6e73", "link": "#0b62c4", "chip_bg": "#e8f0fb",
         "chip_fg": "#0b4fa0", "quote": "#f4f5f7", "rule": "#d9dce1", "mark": "#ffe58a",
         "find": "#ffb84d"}
DARK = {"fg": "#e6e6e6", "muted": "#9a9aa0", "link": "#6cb4ff", "chip_bg": "#1f3550",
        "chip_fg": "#9fcbff", "quote": "#26282c", "rule": "#3a3d42", "mark": "#7a6300",
        "find": "#94500a"}


def stylesheet(dark: bool, serif: bool) -> str:
    c = DARK if dark else LIGHT
    family = ('"Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", serif' if serif else
              '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif')
    return f"""
    body {{ font-family: {family}; color: {c['fg']}; }}
    p {{ line-height: 175%; margin-top: 0; margin-bottom: 0.9em; }}
    h1 {{ font-size: 140%; font-weight: 600; margin-bottom: 0.4em; }}
    h2, h3 {{ font-weight: 600; margin-top: 1em; }}
    a {{ color: {c['link']}; text-decoration: none; }}
    a.security {{ color: {c['link']}; border-bottom: 1px dotted {c['link']}; }}
    blockquote {{ background-color: {c['quote']}; color: {c['muted']}; margin: 0 0 1em 0;
                  padding: 8px 12px; }}
    .meta {{ color: {c['muted']}; font-size: 90%; line-height: 130%; margin-bottom: 0.6em; }}
    .chip {{ background-color: {c['chip_bg']}; color: {c['chip_fg']}; }}
    .placeholder {{ color: {c['muted']}; font-size: 90%; }}
    table {{ border-collapse: collapse; }}
    td, th {{ border: 1px solid {c['rule']}; padding: 3px 6px; }}
    hr {{ color: {c['rule']}; }}
    """


def image_placeholders(body: str, label: str = "Image") -> str:
    """Replace each remote image by a placeholder: its alt text and a link to open it."""

    def repl(m: re.Match[str]) -> str:
        attrs = dict(_ATTR_RE.findall(m.group(1)))
        src = html.unescape(attrs.get("src", ""))
        alt = html.unescape(attrs.get("alt", "")).strip()
        text = html.escape(f"[{label}{': ' + alt if alt and alt.lower() != 'image' else ''}]")
        if src.startswith(("http://", "https://")):
            return f'<p class="placeholder">🖼 <a href="{html.escape(src)}">{text}</a></p>'
        return f'<p class="placeholder">🖼 {text}</p>'

    return _IMG_RE.sub(repl, body)


def _unbroken(text: str) -> str:
    """Text no line break splits: Chinese breaks between any two characters, and a chip cut into
    "银" and "行 BK0475" reads as two.  Word joiners (U+2060) are invisible."""
    return "\u2060".join(text)


def chip_order(a: ArticleDetail) -> list[Security]:
    """The article's securities but those its charts show (chips of their own, first), the
    most linked in its text first: what the article is about before what it names in passing
    (ties keep the order of first mention)."""
    counts = Counter(_SECURITY_HREF_RE.findall(a.html))
    charted = set(getattr(a, "charts", ()))
    return sorted((s for s in a.securities if s.secid not in charted), key=lambda s: -counts[s.secid])


class _PrintDocument(QTextDocument):
    """A document for paper: loads no resource either (a plain QTextDocument would read files)."""

    def loadResource(self, type_: int, name: QUrl | str) -> Any:  # noqa: N802 - Qt's name
        if type_ == QTextDocument.ResourceType.ImageResource.value or type_ == QTextDocument.ResourceType.ImageResource:
            return _BLANK_IMAGE
        return QByteArray()


class ArticleViewer(QTextBrowser):
    """Shows one article; emits ``linkActivated`` for the window to route."""

    linkActivated = Signal(QUrl)
    refusedResource = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.anchorClicked.connect(self._anchor_clicked)
        self.article: ArticleDetail | None = None
        self.page_html = ""  # what was given to setHtml: printing renders it again, in light colours
        self._chips_expanded: int | None = None  # the article whose chips are all shown
        self.dark = False
        self.serif = False
        self.refused: list[str] = []
        self._highlight_terms: list[str] = []
        self._find_selections: list[QTextEdit.ExtraSelection] = []
        self._term_selections: list[QTextEdit.ExtraSelection] = []
        self.document().setDocumentMargin(18)
        self.security_info: Any = None  # callable secid -> tooltip text, set by the window
        self.apply_style()

    def event(self, ev: QEvent) -> bool:
        if ev.type() == QEvent.Type.ToolTip and isinstance(ev, QHelpEvent):
            anchor = self.anchorAt(self.viewport().mapFromGlobal(ev.globalPos()))
            if anchor.startswith("security:") and self.security_info is not None:
                QToolTip.showText(ev.globalPos(), self.security_info(anchor.split(":", 1)[1]), self)
                return True
            if anchor.startswith(("http://", "https://")):
                QToolTip.showText(ev.globalPos(), anchor, self)
                return True
            QToolTip.hideText()
            ev.ignore()
            return True
        return super().event(ev)

    # --- never load anything ------------------------------------------------------------------

    def loadResource(self, type_: int, name: QUrl | str) -> Any:  # noqa: N802 - Qt's name
        """Refuse all resources but the app's own (``qrc:``); articles fetch nothing.

        The refusal must be a *valid* empty value: when this returns nothing, QTextDocument
        falls back to reading local files itself (``file:///dev/zero`` would never end).
        """
        name = name if isinstance(name, QUrl) else QUrl(name)
        if name.scheme() in ("qrc",):
            return super().loadResource(type_, name)
        self.refused.append(name.toString()[:200])
        self.refusedResource.emit(name)
        if type_ == QTextDocument.ResourceType.ImageResource.value or type_ == QTextDocument.ResourceType.ImageResource:
            return _BLANK_IMAGE
        return QByteArray()

    # --- content -----------------------------------------------------------------------------

    def apply_style(self) -> None:
        self.document().setDefaultStyleSheet(stylesheet(self.dark, self.serif))
        if self.article is not None:
            self.show_article(self.article, self._highlight_terms)

    def set_theme(self, dark: bool, serif: bool | None = None) -> None:
        self.dark = dark
        if serif is not None:
            self.serif = serif
        self.apply_style()

    def header_html(self, a: ArticleDetail, paper: bool = False) -> str:
        """Title, meta line, tags and chips; on ``paper`` every chip, as nothing can unfold there."""
        e = html.escape
        meta = [a.published.strftime("%Y-%m-%d %H:%M")]
        if a.source:
            meta.append(e(a.source))
        # the archive's tags name its feeds readably (东财滚动新闻); category slugs only as a fallback
        labels = [e(t) for t in a.tags] or [e(c) for c in a.categories]
        if labels:
            meta.append(" · ".join(labels))
        star = "★ " if a.bookmarked else ""
        parts = [f"<h1>{star}{e(a.title)}</h1>", f'<p class="meta">{" &nbsp;|&nbsp; ".join(meta)}']
        if a.url:
            parts.append(f' &nbsp;|&nbsp; <a href="{e(a.url)}">{e(self.tr("Original article"))} ↗</a>')
        parts.append("</p>")
        if a.user_tags:
            tags = " ".join(f'<span class="chip">&nbsp;#{e(t)}&nbsp;</span>' for t in a.user_tags)
            parts.append(f'<p class="meta">{tags}</p>')
        charted = [s for secid in a.charts for s in a.securities if s.secid == secid]
        if charted:  # the K-line charts the article showed: their securities first, as chips
            kline = e(self.tr("K-line"))
            parts.append('<p class="meta">' + " ".join(
                f'<a class="chip" href="security:{e(s.secid)}" title="{e(exchange_name(s.market))}">'
                f"&nbsp;{kline} · {_unbroken(e(s.name or s.code))}&nbsp;{e(display_symbol(s.market, s.code))}&nbsp;</a>"
                for s in charted) + "</p>")
        if len(a.securities) > len(charted):
            secs = chip_order(a)
            folds = len(secs) > CHIPS_FOLD and not paper
            folded = folds and self._chips_expanded != a.id
            chips = " ".join(
                f'<a class="chip" href="security:{e(s.secid)}" title="{e(exchange_name(s.market))}">'
                f"&nbsp;{_unbroken(e(s.name or s.code))}&nbsp;{e(display_symbol(s.market, s.code))}&nbsp;</a>"
                for s in (secs[:CHIPS_SHOWN] if folded else secs)
            )
            if folded:
                more = self.tr("+%1 more").replace("%1", str(len(secs) - CHIPS_SHOWN))
                chips += f' &nbsp;<a href="{CHIPS_MORE}">{e(more)}</a>'
            elif folds:
                chips += f' &nbsp;<a href="{CHIPS_LESS}">{e(self.tr("Show fewer"))}</a>'
            parts.append(f'<p class="meta">{chips}</p>')
        parts.append("<hr/>")
        return "".join(parts)

    def article_html(self, a: ArticleDetail, paper: bool = False) -> str:
        body = image_placeholders(a.html, self.tr("Image"))
        return f"<html><body>{self.header_html(a, paper)}{body}</body></html>"

    def show_article(self, a: ArticleDetail | None, highlight: list[str] | None = None) -> None:
        self.article = a
        self._highlight_terms = list(highlight or [])
        self._find_selections = []
        if a is None or a.id != self._chips_expanded:
            self._chips_expanded = None
        if a is None:
            self.page_html = ""
            self.clear()
            return
        self.page_html = self.article_html(a)
        self.setHtml(self.page_html)
        mark = QColor((DARK if self.dark else LIGHT)["mark"])
        self._term_selections = self._selections_for(self._highlight_terms, mark)
        self._update_selections()
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def show_message(self, title: str, body_html: str) -> None:
        self.article = None
        self.page_html = f"<html><body><h1>{html.escape(title)}</h1>{body_html}</body></html>"
        self.setHtml(self.page_html)

    def _anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == "chips":
            self.expand_chips(url.path() == "more")
            return
        self.linkActivated.emit(url)

    def expand_chips(self, expand: bool) -> None:
        """Show all the article's securities, or the first few again; the page stays where it is."""
        a = self.article
        if a is None:
            return
        self._chips_expanded = a.id if expand else None
        bar = self.verticalScrollBar().value()
        self.show_article(a, self._highlight_terms)
        self.verticalScrollBar().setValue(bar)

    def print_document(self) -> QTextDocument:
        """The page laid out again with the light stylesheet, every chip unfolded: paper is white
        in every theme (the dark theme's light text would barely print) and cannot unfold."""
        doc = _PrintDocument()
        doc.setDefaultStyleSheet(stylesheet(False, self.serif))
        doc.setDefaultFont(self.document().defaultFont())
        doc.setDocumentMargin(self.document().documentMargin())
        doc.setHtml(self.article_html(self.article, paper=True) if self.article else self.page_html)
        return doc

    # --- highlighting and find in page ------------------------------------------------------------

    def _selections_for(self, terms: list[str], color: QColor) -> list[QTextEdit.ExtraSelection]:
        sels: list[QTextEdit.ExtraSelection] = []
        doc = self.document()
        fmt = QTextCharFormat()
        fmt.setBackground(color)
        # the body's colour on the mark, for links too: the marks are chosen to be readable with it
        fmt.setForeground(QColor((DARK if self.dark else LIGHT)["fg"]))
        for term in terms:
            if not term:
                continue
            cursor = QTextCursor(doc)
            while True:
                cursor = doc.find(term, cursor)
                if cursor.isNull():
                    break
                sel = QTextEdit.ExtraSelection()
                sel.cursor = cursor  # type: ignore[attr-defined]
                sel.format = fmt  # type: ignore[attr-defined]
                sels.append(sel)
                if len(sels) > 5000:
                    return sels
        return sels

    def _update_selections(self) -> None:
        self.setExtraSelections(self._term_selections + self._find_selections)

    def find_all(self, text: str) -> int:
        """Highlight every match of ``text``; returns how many."""
        find = QColor((DARK if self.dark else LIGHT)["find"])
        self._find_selections = self._selections_for([text], find) if text else []
        self._update_selections()
        return len(self._find_selections)

    def find_next(self, text: str, backward: bool = False) -> bool:
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        if self.find(text, flags):
            return True
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start)
        self.setTextCursor(cursor)
        return self.find(text, flags)

    @property
    def highlight_count(self) -> int:
        return len(self._term_selections)

    def zoom(self, steps: int) -> None:
        if steps > 0:
            self.zoomIn(steps)
        elif steps < 0:
            self.zoomOut(-steps)
