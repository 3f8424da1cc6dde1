"""Markdown with inline HTML -> HTML, as Jekyll would render a post (CommonMark, HTML passthrough).

Rendered by cmark-gfm (GitHub's C implementation, through cmarkgfm): about 13x faster per post than
markdown-it-py, with the same articles (tests/core/test_same_articles.py).  Options as before: raw
HTML passed through (the cleaner sanitises it later), tables, ``~~strikethrough~~`` only with two
tildes; no bare-URL linkify and no tag filter (autolinks ``<http://…>`` are CommonMark itself).
"""

from __future__ import annotations

import html
import re

import cmarkgfm
from cmarkgfm.cmark import Options

MAX_NESTING = 64

_OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE
_EXTENSIONS = ["table", "strikethrough"]
_NESTING_TAG = re.compile(r"<(/?)(?:blockquote|ul|ol|li)[\s>]")


def _too_deep(rendered: str) -> bool:
    """Whether markdown block containers (quotes, lists, items) nest MAX_NESTING deep or more.

    cmark itself copes with any depth, but such markup is hostile, not news: it is shown as plain
    text with a warning, as before.  Counting first (in C) keeps the scan off ordinary posts.
    """
    if rendered.count("<blockquote") + rendered.count("<li") + rendered.count("<ul") \
            + rendered.count("<ol") < MAX_NESTING:
        return False
    depth = 0
    for m in _NESTING_TAG.finditer(rendered):
        depth += -1 if m.group(1) else 1
        if depth >= MAX_NESTING:
            return True
    return False


def render_markdown(body: str) -> tuple[str, list[str]]:
    """Render a post body; never raises.  Returns (html, warnings)."""
    try:
        rendered: str = cmarkgfm.markdown_to_html_with_extensions(
            body, options=_OPTIONS, extensions=_EXTENSIONS)
        if not _too_deep(rendered):
            return rendered, []
        reason = "markup nested too deeply to render"
    except Exception as exc:  # cmark is robust, but a post must never be lost
        reason = f"markdown could not be rendered ({type(exc).__name__})"
    escaped = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n") if p.strip())
    return escaped, [f"{reason}; shown as plain text"]
