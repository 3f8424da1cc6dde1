"""Markdown with inline HTML -> HTML, as Jekyll would render a post (CommonMark, HTML passthrough)."""

from __future__ import annotations

import html
import types
from typing import Any

from markdown_it import MarkdownIt

MAX_NESTING = 64

_md = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING}).enable(["table", "strikethrough"])
_block_tokenize = _md.block.tokenize


def _tokenize_noting_depth(self: Any, state: Any, startLine: int, endLine: int) -> None:  # noqa: N803
    # markdown-it silently skips every line nested deeper than maxNesting; note it, so the
    # post is shown as plain text (with a warning) instead of losing those lines.
    if state.level >= state.md.options.maxNesting and startLine < endLine:
        state.env["too_deep"] = True
    _block_tokenize(state, startLine, endLine)


# Nested blocks (quotes, lists) call ``state.md.block.tokenize``: this instance's method.
_md.block.tokenize = types.MethodType(_tokenize_noting_depth, _md.block)  # type: ignore[method-assign]


def render_markdown(body: str) -> tuple[str, list[str]]:
    """Render a post body; never raises.  Returns (html, warnings)."""
    env: dict[str, Any] = {}
    try:
        rendered = _md.render(body, env)
        if not env.get("too_deep"):
            return rendered, []
        reason = "markup nested too deeply to render"
    except RecursionError:
        reason = "markup nested too deeply to render"
    except Exception as exc:  # markdown-it is robust, but a post must never be lost
        reason = f"markdown could not be rendered ({type(exc).__name__})"
    escaped = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n") if p.strip())
    return escaped, [f"{reason}; shown as plain text"]
