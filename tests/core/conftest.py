"""Helpers for the post-core tests: an independent check that cleaned HTML is inert."""

from __future__ import annotations

import re
from collections.abc import Callable

import lxml.etree
import lxml.html
import pytest

# Elements that must never survive cleaning (the cleaner's allowlist is far narrower still).
DISALLOWED_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
    "button", "select", "textarea", "svg", "math", "base", "meta", "link", "noscript", "template",
    "audio", "video", "source", "track", "canvas", "map", "area", "param", "portal", "dialog",
    "html", "head", "body", "title", "font", "center", "marquee", "xmp", "plaintext", "noembed",
}
ABSOLUTE_HTTP = re.compile(r"https?://[^/\\\s?#]", re.I)
SECURITY_HREF = re.compile(r"security:\d{1,3}\.[A-Za-z0-9_\-.]{1,24}")
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "background", "poster", "data",
                  "cite", "longdesc", "lowsrc", "dynsrc", "xlink:href", "ping", "codebase", "manifest"}


def html_problems(html: str) -> list[str]:
    """Every way this HTML could run, fetch or restyle something (empty when it is inert)."""
    problems: list[str] = []
    if not html.strip():
        return problems
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for el in root.iter():
        if not isinstance(el.tag, str):
            if el.tag is not lxml.etree.Comment:
                problems.append(f"node {el.tag!r}")
            else:
                problems.append("comment")
            continue
        tag = el.tag.lower()
        if tag in DISALLOWED_TAGS and el is not root:
            problems.append(f"element <{tag}>")
        for name, value in el.attrib.items():
            attr = name.lower()
            if attr.startswith("on"):
                problems.append(f"event attribute {name} on <{tag}>")
            if attr in {"style", "color", "size", "face", "bgcolor", "background", "width", "height"}:
                problems.append(f"presentation attribute {name} on <{tag}>")
            if attr in URL_ATTRIBUTES:
                v = value.strip()
                scheme = v.split(":", 1)[0].lower() if ":" in v else ""
                allowed = {"http", "https"} | ({"security"} if attr == "href" and tag == "a" else set())
                if attr not in {"href", "src"} or scheme not in allowed:
                    problems.append(f"url {name}={value!r} on <{tag}>")
                elif scheme != "security" and not ABSOLUTE_HTTP.match(v):
                    problems.append(f"relative or mangled url {name}={value!r} on <{tag}>")
                elif scheme == "security" and not SECURITY_HREF.fullmatch(v):
                    problems.append(f"security link that names no secid: {value!r}")
                if tag == "img" and attr == "src" and scheme not in {"http", "https"}:
                    problems.append(f"image source {value!r}")
    return problems


@pytest.fixture(scope="session")
def check_html() -> Callable[[str], list[str]]:
    return html_problems
