"""The common shape of a post's front matter, read without the YAML parser.

Nearly every finews post's front matter is a few ``key: value`` lines of plain scalars or
double-quoted strings (``title: "…"``, ``date: 2022-01-09 22:55:20 +0800``, ``tags: 财联社新闻``).
PyYAML reads them through an event parser and a Python constructor (about 0.1 ms a post, a
twentieth of the import's per-post work); this reads them with one regex per line and gives the
mapping YAML gives.  Anything else (lists, nesting, comments, quotes with escapes, a value
YAML would refuse) returns None, and the caller hands the text to YAML as before.

A plain value's type is decided by PyYAML's own resolver and built by its own constructor
(dates, numbers, booleans, null), so the two paths cannot disagree on a scalar;
``tests/core/test_flat_yaml.py`` compares them on the corpus and on generated lines.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_LINE_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*): +(\S(?:.*\S)?)[ \t]*")
# A double-quoted string without escapes: its text is what lies between the quotes.
_QUOTED_RE = re.compile(r'"([^"\\]*)"')
# A plain scalar starting with none of YAML's indicators, holding no comment (" #") and no
# mapping (": "), not ending with ":"; PyYAML refuses the characters of _NON_PRINTABLE.
_PLAIN_START = set("-?:,[]{}#&*!|>'\"%@`")
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Line breaks to YAML that are not "\n" (and the byte-order mark): left to YAML.
_ODD_BREAKS = re.compile("[\x85\u2028\u2029\ufeff]|\r(?!\n)")
_STR = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _scalar(text: str) -> tuple[bool, Any]:
    """(True, value) of a plain scalar as YAML reads it, or (False, None) when not plain."""
    if text[0] in _PLAIN_START or " #" in text or ": " in text or text.endswith(":") or "\t#" in text:
        return False, None
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    if tag == _STR:
        return True, text
    build = _CONSTRUCTOR.yaml_constructors.get(tag)
    if build is None:
        return False, None
    return True, build(_CONSTRUCTOR, yaml.ScalarNode(tag, text))


def flat_yaml(fm: str) -> dict[str, Any] | None:
    """The mapping of flat front matter, or None when it is not of the common shape."""
    if _NON_PRINTABLE.search(fm) or _ODD_BREAKS.search(fm):
        return None
    out: dict[str, Any] = {}
    for line in fm.split("\n"):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        m = _LINE_RE.fullmatch(line)
        if m is None:
            return None
        key, value = m.groups()
        ok, k = _scalar(key)
        if not ok or not isinstance(k, str):
            return None
        q = _QUOTED_RE.fullmatch(value)
        if q is not None:
            out[k] = q.group(1)
            continue
        ok, v = _scalar(value)
        if not ok:
            return None
        out[k] = v  # a repeated key: the last one, as PyYAML
    return out
