"""Rendered post HTML -> safe, clean HTML plus what the page says about itself.

Two passes.  The first (lxml) understands the archive: it turns eastmoney security links into
``security:`` links, removes quote placeholders, topic links, adverts, hidden blocks, stock
charts and the site's navigation footer, and lifts the source line, the original URL and the
digest out of the body.  The second (nh3, an allowlist) makes whatever is left inert.

The first pass is built to cost little per post (it was most of the cost of parsing one):
one parse by libxml2 into plain ``lxml.etree`` elements (no lxml.html element classes, whose
Python class lookup ran for every element touched), the parsed ``<body>`` used in place and
serialised once for nh3.  Each rule visits only its candidates, found in C: tag-filtered
iteration, an XPath over attributes, and words of the text looked for by libxml2 from the top
down (``_holding``), never by building the text of every block at every depth.  A rule whose
marker the raw HTML lacks is skipped outright (``_Hints``; sound, see there), and so is the
removal of unwanted elements when the tree has none.  The rules themselves, their order and
their output are unchanged (``tests/core/test_same_articles.py``; an old-against-new check of
every output field on the corpus, the generated archive, the test suite's inputs and random
markup found no difference).  nh3's allowlist is built once per thread, not on every call.

Over the ~400-line rule on purpose: the first pass is one walk of one tree whose rules share
what they find (securities, the source, the URL, the digest), so they stay side by side.
"""

from __future__ import annotations

import html as htmlmod
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice, pairwise
from typing import Any, TypeAlias

import lxml.etree
import nh3

from reader.core.attribution import trailing_source
from reader.core.securities import Security, secid_from_href
from reader.core.securities import resolve as _resolve

ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "caption", "code", "del", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s",
    "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "security"}
# Removed with everything inside them (the rest of the unknown tags keep their text).
DROP_WITH_CONTENT = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
    "noscript", "template", "link", "meta", "base", "svg", "math", "head", "title", "input",
    "button", "select", "textarea", "audio", "video", "source", "track", "canvas", "map",
    "param", "portal", "dialog",
}
BLOCK_TAGS = {"p", "div", "blockquote", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "pre",
              "table", "ul", "ol", "figure", "hr", "center"}

_CHART_START_RE = re.compile(r"<!--\s*EM_StockImg_Start\s*-->", re.I)
_CHART_END_RE = re.compile(r"<!--\s*EM_StockImg_End\s*-->", re.I)
# a chart's link (class EmImageRemark) or picture, and the attributes naming its security
_CHART_TAG_RE = re.compile(r"<(?:a|img)\s[^<>]{0,2000}?data-code=[^<>]{0,2000}>", re.I)
_ATTR_CODE_RE = re.compile(r"""\sdata-code\s*=\s*["']([^"'<>]{1,60})["']""", re.I)
_ATTR_HREF_RE = re.compile(r"""\shref\s*=\s*["']([^"'<>]{1,300})["']""", re.I)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SOURCE_RE = re.compile(r"^\s*[（(]?\s*文章来源\s*[:：]\s*(.+?)\s*[）)]?\s*$", re.S)
_PROMO_RE = re.compile(r"开户交易|免费开户|一键开户|极速开户|炒股.{0,4}(?:软件|神器|APP|app)|点击.{0,8}(?:下载|开户)")
_ATTRIBUTION_RE = re.compile(r"[（(][^（()）]{1,30}[）)]\s*$")
_WS_RE = re.compile(r"\s+")
_FOOTER_HOST_RE = re.compile(r"finews\.(?:withounder\.com|zning\.(?:me|xyz))", re.I)
_TAG_RE = re.compile(r"<[^>]*>")
_BLOCK_END_RE = re.compile(r"<br\s*/?>|</(?:p|li|h[1-6]|tr|blockquote|pre|table|figcaption|caption)>", re.I)
_CELL_END_RE = re.compile(r"</t[dh]>", re.I)
# Characters XML (and so lxml) refuses; invisible in a post anyway.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
# References to them, which libxml2 decodes into the tree (where lxml then refuses to touch the
# text around them): exactly the spellings libxml2 2.14 turns into such a character.
_CONTROL_REF_RE = re.compile(
    r"&#(?:0*(?:[1-8]|1[124-9]|2[0-9]|3[01]|127|6553[45])(?![0-9])"
    r"|[xX]0*(?:[1-8bcefBCEF]|1[0-9a-fA-F]|7[fF]|[fF]{3}[eEfF])(?![0-9a-fA-F]));?")
_SECURITY_HREF_RE = re.compile(r"^security:\d{1,3}\.[A-Za-z0-9_\-.]{1,24}$")
_ABSOLUTE_HTTP_RE = re.compile(r"^https?://[^/\\\s?#]", re.I)
_QUOTE_HOST_RE = re.compile(r"^(?:https?:)?//quote\.eastmoney\.com/", re.I)
# Tags kept when markup is too deep for the tree pass: none of them can nest in itself.
_FLAT_TAGS = {"p", "br", "a", "img"}
_FLAT_ATTRIBUTES = {"a": {"href", "title", "class", "data-code"}, "img": {"src", "alt", "title"}}
# Tags the flattening pass hands to nh3: the flat ones and those dropped with their content.
# <dialog> nests, and nh3 (html5ever) takes time quadratic in the depth of nesting blocks.
_FLAT_KEEP = _FLAT_TAGS | DROP_WITH_CONTENT - {"dialog"}
_TAG_START_RE = re.compile(r"<(/?)([A-Za-z][\w:-]*)([^<>]*>)?")
# A cell spanning more columns or rows than this is cut down to it (the viewer lays out and
# allocates every spanned column).
MAX_SPAN = 50
_TABLE_PARTS = ("thead", "tbody", "tfoot", "tr", "caption")
_local = threading.local()
# The same mentions come back post after post (resolve is pure, Security immutable): 0.13 us
# a call from the cache against 2.0 us, about 5 calls a post on the generated archive.
resolve = lru_cache(maxsize=4096)(_resolve)


@dataclass
class CleanResult:
    html: str
    text: str
    securities: list[Security] = field(default_factory=list)
    source: str = ""
    url: str = ""
    summary: str = ""
    warnings: list[str] = field(default_factory=list)
    # the source named in brackets at the end of the last paragraph (the text keeps it): the
    # article's source only when it has no 文章来源 line (see reader.core.attribution)
    trailing_source: str = ""
    # the securities the post's K-line charts show (the pictures themselves go); each is
    # also a mention in ``securities``
    charts: list[Security] = field(default_factory=list)


# The tree is plain lxml.etree (no lxml.html element classes): the HTML parser builds the same
# tree, and every element proxy is made in C instead of through a Python class lookup.
_Element: TypeAlias = lxml.etree._Element


def _classes(el: _Element) -> set[str]:
    cls = el.get("class")
    return set(cls.split()) if cls else set()


def _string(el: _Element) -> str:
    """The element's text with its descendants' (XPath's string-value, without its tail): a
    leaf's own text, else libxml2's concatenation, both without building an XPath context."""
    if not len(el):
        return el.text or ""
    out: str = lxml.etree.tostring(el, method="text", encoding="unicode", with_tail=False)
    return out


def _text(el: _Element) -> str:
    return " ".join(_string(el).split())  # = _WS_RE.sub(" ", ...).strip(), without a regex


def _squash(s: str) -> str:
    return "".join(s.split())


def _drop(el: _Element) -> None:
    """Remove an element and its content, keeping the text that follows it (lxml.html's
    ``drop_tree``)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + el.tail
        else:
            previous.tail = (previous.tail or "") + el.tail
    parent.remove(el)


def _unwrap(el: _Element) -> None:
    """Remove an element's tag, keeping its content in its place (lxml.html's ``drop_tag``)."""
    parent = el.getparent()
    if parent is None:
        return
    previous = el.getprevious()
    if el.text and isinstance(el.tag, str):
        if previous is None:
            parent.text = (parent.text or "") + el.text
        else:
            previous.tail = (previous.tail or "") + el.text
    if el.tail:
        if len(el):
            last = el[-1]
            last.tail = (last.tail or "") + el.tail
        elif previous is None:
            parent.text = (parent.text or "") + el.tail
        else:
            previous.tail = (previous.tail or "") + el.tail
    index = parent.index(el)
    parent[index:index + 1] = el[:]


def _elements(root: _Element, *tags: str) -> list[_Element]:
    return [el for el in root.iter(*tags) if isinstance(el.tag, str)]


def _top_blocks(root: _Element) -> Iterator[_Element]:
    for el in root:
        if isinstance(el.tag, str):
            yield el


def _top_blocks_reversed(root: _Element) -> Iterator[_Element]:
    for el in reversed(root):
        if isinstance(el.tag, str):
            yield el


def _safe_url(value: str, *, image: bool = False) -> str | None:
    if value.startswith(("https://", "http://")) and not value[-1].isspace():
        # the common case, decided at once: what the general path below returns for it
        return value if _ABSOLUTE_HTTP_RE.match(value) else None
    v = value.strip()
    if v.startswith("//"):
        v = "https:" + v
    scheme = v.split(":", 1)[0].lower() if ":" in v else ""
    allowed = {"http", "https"} if image else URL_SCHEMES
    if scheme not in allowed:
        return None
    if scheme == "security" and not _SECURITY_HREF_RE.match(v):
        return None  # only the links this module writes: security:<market>.<code>
    if scheme in {"http", "https"} and not _ABSOLUTE_HTTP_RE.match(v):
        return None  # "http:foo", "https:/x", "http:\\host": relative or mangled, not absolute
    return v


def _span(value: str) -> str | None:
    try:
        n = int(value.strip())
    except ValueError:
        return None
    return str(min(n, MAX_SPAN)) if n > 1 else None


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "href":
        return _safe_url(value)
    if attr == "src":
        return _safe_url(value, image=True)
    if attr in ("colspan", "rowspan"):
        return _span(value)
    return value


_ALLOWLIST: dict[str, Any] = {
    "tags": ALLOWED_TAGS,
    "clean_content_tags": DROP_WITH_CONTENT - {"head", "title"} | {"script", "style"},
    "attributes": {k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
    "attribute_filter": _attribute_filter,
    "url_schemes": URL_SCHEMES,
    "link_rel": None,
    "strip_comments": True,
    "allowed_classes": {"a": {"security"}},
}


class _EachCallCleaner:
    """An older nh3, without ``Cleaner``: the same allowlist, built on every call."""

    def clean(self, html: str) -> str:
        out: str = nh3.clean(html, **_ALLOWLIST)
        return out


def _cleaner() -> nh3.Cleaner | _EachCallCleaner:
    """The allowlist, built once per thread (``nh3.clean`` would build it again for every call)."""
    cleaner: nh3.Cleaner | _EachCallCleaner | None = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = nh3.Cleaner(**_ALLOWLIST) if hasattr(nh3, "Cleaner") else _EachCallCleaner()
        _local.cleaner = cleaner
    return cleaner


def sanitize(fragment: str) -> str:
    """The allowlist pass alone: whatever goes in, nothing executable or fetchable comes out."""
    return _cleaner().clean(_CONTROL_RE.sub("", fragment))


def html_to_text(fragment: str) -> str:
    """Plain text of clean HTML: one line per block, entities decoded.  (``str.split()`` splits
    on exactly the characters ``\\s`` matches, and is several times faster than a regex.)"""
    s = _BLOCK_END_RE.sub("\n", fragment)
    s = _CELL_END_RE.sub("\t", s)
    s = htmlmod.unescape(_TAG_RE.sub("", s))
    return "\n".join(filter(None, [" ".join(line.split()) for line in s.split("\n")]))


def _is_security_element(el: _Element, classes: set[str]) -> bool:
    if classes & {"keytip", "em_stock_key_common"}:
        return True
    href = el.get("href") or ""
    if not _QUOTE_HOST_RE.match(href.strip()):
        return False
    # a quote link with a code, or a plain link to one security's quote page
    return bool(el.get("data-code")) or (el.tag == "a" and secid_from_href(href) is not None)


def _is_mention_span_id(span_id: str) -> bool:
    return span_id.startswith(("stock_", "bk_", "Info."))


def _wrapper_span_id(el: _Element) -> str:
    parent = el.getparent()
    if parent is not None and parent.tag == "span":
        return parent.get("id") or ""
    return ""


def _record(found: dict[str, Security], sec: Security, name: str) -> None:
    """Keep each security once, in order of first mention, with the first name given."""
    if sec.secid not in found:
        found[sec.secid] = sec
    elif name and not found[sec.secid].name:
        found[sec.secid] = Security(sec.market, sec.code, name)


def _replace_with_link(el: _Element, sec: Security, name: str) -> None:
    if not len(el):  # a leaf: turned into the link in place (the same tree, no new element)
        el.attrib.clear()
        el.tag = "a"
        el.set("href", f"security:{sec.secid}")
        el.set("class", "security")
        el.text = name or sec.symbol
        return
    # Its children leave with it, and the pass still visits them where they go.
    link = el.makeelement("a", {"href": f"security:{sec.secid}", "class": "security"})
    link.text = name or sec.symbol
    link.tail = el.tail
    el.addprevious(link)
    el.tail = None
    _drop(el)


def _holds_mention(span: _Element) -> bool:
    """Whether a wrapper span has a link of its own inside (that link is the mention)."""
    for inner in span.iterdescendants("a", "span"):
        classes = _classes(inner)
        if "infokey" in classes or _is_security_element(inner, classes):
            return True
    return False


def _is_index_link(el: _Element) -> bool:
    """An ``infokey`` link to one security's quote page (上证指数 -> ``/unify/r/1.000001``): a
    mention like a keytip.  Infokey links to data pages are topic keywords."""
    href = (el.get("href") or "").strip()
    return el.tag == "a" and bool(_QUOTE_HOST_RE.match(href)) and secid_from_href(href) is not None


def _may_be_security(el: _Element) -> bool:
    """Whether ``_convert_securities`` could act on this link or span: a superset, by the
    attributes alone (which that pass never changes)."""
    cls = el.get("class")
    if cls and ("infokey" in cls or "keytip" in cls or "EmImageRemark" in cls
                or "em_stock_key_common" in cls):
        return True
    sid = el.get("id")
    if sid and sid.startswith(_SECURITY_ID_PREFIXES):
        return True
    href = el.get("href")
    return bool(href) and "quote.eastmoney.com" in href.lower()


def _convert_securities(root: _Element, found: dict[str, Security],
                        charts: list[Security]) -> None:
    """One pass in document order, so the list keeps the order of first mention."""
    for el in [el for el in root.iter("a", "span") if _may_be_security(el)]:
        if el.getparent() is None:
            continue
        classes = _classes(el)
        if "infokey" in classes and not _is_index_link(el):  # topic keyword link: keep the words only
            parent = el.getparent()
            _unwrap(el)
            if parent is not None and parent.tag == "span" and (parent.get("id") or "").startswith("Info."):
                _unwrap(parent)
            continue
        if "EmImageRemark" in classes:  # a K-line chart picture outside the chart markers
            sec = resolve(el.get("data-code"), el.get("href"))
            if sec is not None:
                charts.append(sec)
            _drop(el)
            continue
        if el.tag == "span":
            sid = el.get("id") or ""
            if sid.startswith(("quote_", "bkquote_")) and not _text(el):
                _drop(el)
                continue
            if not _is_security_element(el, classes):
                # A span naming a security only by id ("Info.116.02176") around plain text.
                if _is_mention_span_id(sid) and not _holds_mention(el):
                    name = _text(el)
                    sec = resolve(None, None, sid, name)
                    if sec is not None and name:
                        _record(found, sec, name)
                        _replace_with_link(el, sec, name)
                continue
        elif not (_is_security_element(el, classes) or "infokey" in classes):
            continue
        span_id = _wrapper_span_id(el)
        name = _text(el)
        sec = resolve(el.get("data-code"), el.get("href"), span_id or el.get("id"), name)
        parent = el.getparent()
        if sec is None:
            _unwrap(el)
        else:
            _record(found, sec, name)
            _replace_with_link(el, sec, name)
        if parent is not None and parent.tag == "span" and span_id and parent.getparent() is not None:
            _unwrap(parent)


class _Hints:
    """Which rules could act on a post, read off the raw HTML in a few C scans, so a rule whose
    marker is absent costs nothing.  Sound: text and attribute values reach the tree only as
    written or through character references, unless the HTML has a reference that could spell
    a marker (any numeric one, or a named one beyond the five everyday ones): then every rule
    runs.  A word of the text may be split by markup (``开<b>户</b>``, or an element between
    its halves that a rule removes), so each pair of its neighbouring characters must be in
    the raw HTML side by side, or the first before a ``<`` and the second after a ``>``."""

    __slots__ = ("promo", "ad_link", "em_media", "source", "footer")

    def __init__(self, raw: str) -> None:
        odd = "&" in raw and _ODD_REFERENCE_RE.search(raw) is not None

        def words(*choices: str) -> bool:
            if odd:
                return True
            for word in choices:
                if not all(ch in raw for ch in word):  # one-character scans are the cheap ones
                    continue
                if word in raw or all(a + b in raw or (a + "<" in raw and ">" + b in raw)
                                      for a, b in pairwise(word)):
                    return True
            return False

        self.promo = words(*_PROMO_WORDS)
        self.ad_link = odd or "acttg.eastmoney.com" in raw or "toplink" in raw
        self.em_media = odd or "em_media" in raw
        self.source = self.em_media or words("文章来源")
        self.footer = words("返回")


_ODD_REFERENCE_RE = re.compile(r"&(?:#|(?!(?:amp|lt|gt|quot|nbsp);)[A-Za-z])")
_PROMO_WORDS = ("开户", "炒股", "点击")
_SECURITY_ID_PREFIXES = ("quote_", "bkquote_", "stock_", "bk_", "Info.")
_XML_SPACE_RE = re.compile(r"[ \t\n\r]+")
_STYLED = lxml.etree.XPath(".//*[@style or @hidden]")
_UNWANTED_NODES = DROP_WITH_CONTENT | {lxml.etree.Comment, lxml.etree.ProcessingInstruction}


_CHILDREN_WITH: dict[tuple[str, ...], lxml.etree.XPath] = {}


def _children_with(words: tuple[str, ...]) -> lxml.etree.XPath:
    """An XPath selecting the children whose text (string-value) has one of the words (the
    words are literals: variables would make libxml2 build each child's text once per word)."""
    xpath = _CHILDREN_WITH.get(words)
    if xpath is None:
        test = " or ".join(f'contains(., "{word}")' for word in words)
        xpath = _CHILDREN_WITH[words] = lxml.etree.XPath(f"*[{test}]")
    return xpath


def _holding(root: _Element, words: tuple[str, ...], tags: tuple[str, ...]) -> list[_Element]:
    """The elements of these tags whose text (XPath string-value) has one of the words, in
    document order (what ``.//*[self::p ...][contains(., word)]`` selects).  A walk down from
    the root that enters only elements whose text has a word (none below one without can), so
    libxml2 builds the text of the root's children and of few elements below them, not of
    every element at every depth."""
    if len(words) > 1:  # only the words the text has
        whole = _string(root)
        words = tuple(word for word in words if word in whole)
        if not words:
            return []
    select = _children_with(words)
    out: list[_Element] = []
    stack = [root]  # depth first, children pushed last first: document order, no recursion
    while stack:
        el = stack.pop()
        if el is not root and el.tag in tags:
            out.append(el)
        if len(el):
            stack.extend(reversed(select(el)))
    return out


def _remove_adverts(root: _Element, hints: _Hints) -> None:
    for el in _STYLED(root):
        if el.getparent() is None:
            continue
        if _HIDDEN_STYLE_RE.search(el.get("style") or "") or el.get("hidden") is not None:
            _drop(el)
    # Promo paragraphs first, while their advert links are still there to recognise them.
    for p in _holding(root, _PROMO_WORDS, ("p", "div")) if hints.promo else ():  # only blocks whose text has a word every promo has
        if p.getparent() is None:
            continue
        t = _text(p)
        if not t or len(t) >= 80 or not _PROMO_RE.search(t):
            continue
        ad_links = [a for a in p.iter("a") if not _classes(a) & {"keytip", "infokey"}
                    and "quote.eastmoney.com" not in (a.get("href") or "")]
        if ad_links:
            _drop(p)
    for a in _elements(root, "a") if hints.ad_link else ():
        if a.getparent() is None:
            continue
        href = a.get("href") or ""
        if "acttg.eastmoney.com" in href or "toplink" in _classes(a):
            block = _enclosing_block(a)
            if block is not None and _squash(_text(block)) == _squash(_text(a)):
                _drop(block)
            else:
                _drop(a)


def _enclosing_block(el: _Element) -> _Element | None:
    node = el.getparent()
    while node is not None and node.tag not in BLOCK_TAGS:
        node = node.getparent()
    if node is None or node.getparent() is None:
        return None
    return node


# The source line: a block whose text has 文章来源, or one of class em_media.  (Once an XPath,
# ``.//*[self::p or self::div or self::span][contains(., "文章来源") or contains(concat(" ",
# normalize-space(@class), " "), " em_media ")]``, which built the text of every block.)
def _source_candidates(root: _Element, hints: _Hints) -> list[_Element]:
    if not hints.source:
        return []
    holders = _holding(root, ("文章来源",), ("p", "div", "span"))
    if not hints.em_media:
        return holders
    held = set(holders)
    return [el for el in root.iter("p", "div", "span") if el in held or _xml_class_token(el, "em_media")]


def _xml_class_token(el: _Element, token: str) -> bool:
    """Whether ``token`` is one of the class names as XPath's normalize-space splits them."""
    cls = el.get("class") or ""
    return token in cls and token in _XML_SPACE_RE.split(cls)


def _take_source(root: _Element, hints: _Hints) -> str:
    source = ""
    for p in _source_candidates(root, hints):
        if p.getparent() is None:
            continue
        t = _text(p)
        if "em_media" in _classes(p) or (len(t) < 60 and _SOURCE_RE.match(t)):
            m = _SOURCE_RE.match(t)
            if m:
                source = m.group(1).strip()
            elif "em_media" in _classes(p):
                source = t.strip("（）() ")
            _drop(p)
    return source


_SCHEME_RE = re.compile(r"^[a-z]+:", re.I)
_FOOTER_SEPARATORS_RE = re.compile(r"[\s｜|/·]")
_HTTP_PREFIX_RE = re.compile(r"https?://")
_BARE_URL_RE = re.compile(r"https?://\S+")


def _is_footer_link(a: _Element) -> bool:
    text = _text(a)
    href = a.get("href") or ""
    if not text.startswith("返回"):
        return False
    return (not _SCHEME_RE.match(href) and not href.startswith("//")) or bool(
        _FOOTER_HOST_RE.search(href)
    )


def _remove_footer(root: _Element, hints: _Hints) -> None:
    links = [a for a in root.iter("a") if "返回" in _string(a)] if hints.footer else []
    for a in links:
        if a.getparent() is not None and _is_footer_link(a):
            block = _enclosing_block(a)
            _drop(a)
            if block is not None and not _FOOTER_SEPARATORS_RE.sub("", _text(block)) and next(block.iter("img"), None) is None:
                _drop(block)


def _take_original_url(root: _Element, warnings: list[str]) -> str:
    url = ""
    for block in list(islice(_top_blocks_reversed(root), 4)):
        if block.tag != "p":
            continue
        t = _text(block)
        links = list(block.iterchildren("a"))
        if len(links) == 1 and t == _text(links[0]) and _HTTP_PREFIX_RE.match(links[0].get("href") or ""):
            href = links[0].get("href") or ""
            if t.rstrip("/") == href.rstrip("/") or t.startswith("http"):
                url = url or href
                _drop(block)
                continue
        if t == "<>":
            warnings.append("the original-URL line is empty")
            _drop(block)
            continue
        if not links and _BARE_URL_RE.fullmatch(t):
            url = url or t
            _drop(block)
    return url


def _take_digest(root: _Element) -> str:
    blocks = list(islice(_top_blocks(root), 4))
    if not blocks or blocks[0].tag != "blockquote":
        return ""
    quote = blocks[0]
    digest = _text(quote)
    core = _squash(_ATTRIBUTION_RE.sub("", digest))
    if core and any(core in _squash(_text(b)) for b in blocks[1:4]):
        _drop(quote)  # the digest repeats the opening: show it once
    return digest


_CLOSING_BLOCKS = {"p", "div", "blockquote"}


def _last_paragraph(root: _Element) -> str:
    """The text of the post's last paragraph (words left loose after it count as one)."""
    last = next(_top_blocks_reversed(root), None)
    if last is None:
        return _WS_RE.sub(" ", root.text or "").strip()
    tail = _WS_RE.sub(" ", last.tail or "").strip()
    if tail:
        return tail
    return _text(last) if last.tag in _CLOSING_BLOCKS else ""


def _remove_empty_blocks(root: _Element) -> None:
    """Blocks with no words (``\\s`` matches exactly what ``str.isspace`` does), no picture
    and no rule."""
    for el in reversed(list(root.iter("p", "div", "center", "span", "strong", "b", "em"))):
        text = el.text
        if text and not text.isspace():  # words of its own: the common case, decided at once
            continue
        if el is root or el.getparent() is None:
            continue
        text = _string(el)
        if (not text or text.isspace()) and next(el.iter("img", "hr"), None) is None:
            _drop(el)


def _flatten_nested_tables(root: _Element) -> None:
    """A table inside a table keeps its words, not its structure: a row becomes a line, a cell
    a run of words (the viewer lays out nested tables in time exponential in their depth)."""
    for table in reversed(_elements(root, "table")):  # the innermost first
        if table.getparent() is None or next(table.iterancestors("table"), None) is None:
            continue
        for cell in _elements(table, "td", "th"):
            cell.tail = " " + (cell.tail or "")
            _unwrap(cell)
        for part in _elements(table, *_TABLE_PARTS):
            if part.tag in ("tr", "caption") and part.find(".//p") is None:
                part.tag = "p"  # a paragraph in a paragraph would break into empty ones
            else:
                _unwrap(part)
        _unwrap(table)


def _summary_from(text: str, limit: int = 160) -> str:
    first = next((line for line in text.split("\n") if line.strip()), "")
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _chart_security(block: str) -> Security | None:
    """The security a chart block shows: its ``EmImageRemark`` link's code (``600519|1|2``),
    else its quote link, else the picture's own code (``K 600519|1|2``)."""
    for m in _CHART_TAG_RE.finditer(block):
        tag = m.group(0)
        code = _ATTR_CODE_RE.search(tag)
        href = _ATTR_HREF_RE.search(tag)
        sec = resolve(htmlmod.unescape(code.group(1)) if code else None,
                      htmlmod.unescape(href.group(1)) if href else None)
        if sec is not None:
            return sec
    return None


def _remove_chart_blocks(rendered: str, charts: list[Security]) -> str:
    """Cut ``<!-- EM_StockImg_Start -->...<!-- EM_StockImg_End -->`` blocks, keeping the
    security each shows in ``charts`` (linear time: an unterminated start marker is left alone
    instead of being searched for again and again)."""
    if "EM_StockImg_Start" not in rendered:
        return rendered
    out: list[str] = []
    pos = 0
    while True:
        start = _CHART_START_RE.search(rendered, pos)
        if start is None:
            break
        end = _CHART_END_RE.search(rendered, start.end())
        if end is None:
            break
        out.append(rendered[pos:start.start()])
        sec = _chart_security(rendered[start.end():end.start()])
        if sec is not None:
            charts.append(sec)
        pos = end.end()
    out.append(rendered[pos:])
    return "".join(out)


def _parser(huge: bool) -> lxml.etree.HTMLParser:
    """A parser per thread (lxml parsers must not be shared between threads)."""
    key = "huge" if huge else "normal"
    parser = getattr(_local, key, None)
    if parser is None:
        parser = lxml.etree.HTMLParser(huge_tree=huge)
        setattr(_local, key, parser)
    return parser


_FULL_HTML_RE = re.compile(r"^\s*<(?:html|!doctype)", re.I)


def _parse(fragment: str, *, huge: bool = False) -> tuple[_Element | None, str]:
    """(tree, problem): the problem is a warning when the parser could not take it all.

    The tree is the ``<body>`` of the parsed page, as lxml.html's ``fragment_fromstring`` finds
    it, used in place (that function moves every child into a new ``<div>``, a walk of the whole
    tree); leading whitespace and the body's attributes go, as they did there."""
    parser = _parser(huge)
    html = fragment or "<p></p>"
    if not _FULL_HTML_RE.match(html):
        html = f"<html><body>{html}</body></html>"
    try:
        doc = lxml.etree.fromstring(html, parser)
        bodies = [] if doc is None or doc.tag != "html" else [e for e in doc if e.tag == "body"]
        if len(bodies) != 1:
            raise ValueError("no single body")
    except Exception:  # XMLSyntaxError, "<html></html>" (no body): any failure
        return None, "markup could not be parsed; its formatting was removed"
    root = bodies[0]
    if root.text and not root.text.strip():
        root.text = None
    root.attrib.clear()
    for entry in parser.error_log:
        if entry.type_name == "ERR_RESOURCE_LIMIT" or "XML_PARSE_HUGE" in entry.message:
            # libxml2 drops what lies beyond its depth or size limits
            what = "nested too deeply" if "depth" in entry.message.lower() else "too large"
            return root, f"markup {what} for full cleaning; its formatting was removed"
    return root, ""


def _inner_html(root: _Element) -> str:
    """The body's content as HTML: one serialisation, the ``<body>`` tags cut off."""
    out: str = lxml.etree.tostring(root, method="html", encoding="unicode", with_tail=False)
    return out[len("<body>"):-len("</body>")]


def _keep_flat_tag(m: re.Match[str]) -> str:
    if m.group(2).lower() in _FLAT_KEEP:
        return m.group(0)
    return "" if m.group(3) else "&lt;" + m.group(0)[1:]  # an unfinished tag is text


def _flatten(fragment: str) -> str:
    """Markup the tree pass cannot take, reduced to paragraphs, breaks, links and images.

    The tags that would go anyway are removed first, in one linear pass: given thousands of
    nested blocks, nh3 would take time quadratic in their depth."""
    return nh3.clean(
        _TAG_START_RE.sub(_keep_flat_tag, fragment),
        tags=_FLAT_TAGS,
        clean_content_tags=DROP_WITH_CONTENT - {"head", "title"} | {"script", "style"},
        attributes={k: set(v) for k, v in _FLAT_ATTRIBUTES.items()},
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def clean(rendered: str) -> CleanResult:
    """Clean one rendered post body.  Never raises on any input string."""
    warnings: list[str] = []
    found: dict[str, Security] = {}
    charts: list[Security] = []
    source = url = digest = closing = ""
    rendered = _CONTROL_RE.sub("", rendered)
    if "&#" in rendered:
        rendered = _CONTROL_REF_RE.sub("", rendered)
    rendered = _remove_chart_blocks(rendered, charts)
    root, problem = _parse(rendered)
    if problem:  # keep the words: reduce the markup to what cannot nest, and parse again
        warnings.append(problem)
        root, problem = _parse(_flatten(rendered), huge=True)
    if root is not None and not problem:
        hints = _Hints(rendered)
        tags = {el.tag for el in root.iter()}  # one walk in C: which rules have work
        if not tags.isdisjoint(_UNWANTED_NODES):
            for bad in _elements(root, *DROP_WITH_CONTENT):
                _drop(bad)
            for node in list(root.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction)):
                _drop(node)
        _remove_adverts(root, hints)
        source = _take_source(root, hints)  # first: a name in the source line is not a mention
        _convert_securities(root, found, charts)
        _remove_footer(root, hints)
        url = _take_original_url(root, warnings)
        digest = _take_digest(root)
        for center in _elements(root, "center", "font"):
            _unwrap(center)
        if "table" in tags:
            _flatten_nested_tables(root)
        _remove_empty_blocks(root)
        closing = _last_paragraph(root)
        inner = _inner_html(root)
    else:
        inner = htmlmod.escape(rendered)
    # the tree was made from text without control characters, and serialises none
    safe = _cleaner().clean(inner).strip()
    text = html_to_text(safe)
    summary = digest or _summary_from(text)
    shown: dict[str, Security] = {}
    for sec in charts:  # each chart once; a chart's security is a mention, after the text's
        shown.setdefault(sec.secid, found.get(sec.secid, sec))
        found.setdefault(sec.secid, sec)
    return CleanResult(
        html=safe,
        text=text,
        securities=list(found.values()),
        charts=list(shown.values()),
        source=source,
        url=url,
        summary=summary,
        warnings=warnings,
        trailing_source=trailing_source(closing) if closing else "",
    )
