"""Markdown with inline HTML -> HTML, as Jekyll would render a post (CommonMark, HTML passthrough)."""

from __future__ import annotations

import html

from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": True, "maxNesting": 40}).enable(["table", "strikethrough"])


def render_markdown(body: str) -> tuple[str, list[str]]:
    """Render a post body; never raises.  Returns (html, warnings)."""
    try:
        return _md.render(body), []
    except RecursionError:
        reason = "markup nested too deeply to render"
    except Exception as exc:  # markdown-it is robust, but a post must never be lost
        reason = f"markdown could not be rendered ({type(exc).__name__})"
    escaped = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n") if p.strip())
    return escaped, [f"{reason}; shown as plain text"]
