"""Chinese-aware tokens for the full-text index.

SQLite's FTS5 splits text on spaces and punctuation, which treats a whole run of Chinese as one
"word".  We feed it pre-tokenised text instead, in two columns of one contentless FTS5 table:

* ``uni`` — the distinct CJK characters of the article: a one-character query matches here;
* ``bi``  — every overlapping CJK bigram in order, plus Latin words and numbers, with a
  separator token after each CJK run.  A query of n >= 2 CJK characters becomes the phrase of
  its n-1 bigrams, which matches exactly where the string occurs (the separator stops a phrase
  from bridging two runs).

So one-, two- and longer Chinese queries return exactly the articles containing the string,
and every lookup is an index lookup, never a scan.  Latin text is NFKC-normalised and
case-folded; Latin words match whole words.
"""

from __future__ import annotations

import re
import unicodedata

# Bump when tokenisation changes: the library then rebuilds its index.
# 2: 〇 々 〡-〩 count as Chinese (二〇二二年 is one run); kana punctuation and combining marks
#    (・ ゠ ゛ ゜) do not; CJK extension G and later planes included.
TOKENIZER_VERSION = 2
SEP = "\ue000"  # a private-use character: FTS5's unicode61 keeps it as a token

# Characters indexed one by one and as bigrams: ideographs (with 〇 and the iteration marks),
# kana and Hangul syllables.  Every one is a letter or number to FTS5's unicode61 tokenizer too,
# so each stays a single token.
_CJK = (
    "\u3005-\u3007\u3021-\u3029\u3038-\u303b"
    "\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7a3"
    "\U00020000-\U0003ffff"
)
_SEGMENT_RE = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[^\W_{_CJK}]+)")


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def segments(text: str) -> list[tuple[bool, str]]:
    """[(is_cjk, segment)] of normalised text."""
    return [(m.lastgroup == "cjk", m.group()) for m in _SEGMENT_RE.finditer(normalize(text))]


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_columns(title: str, text: str) -> tuple[str, str]:
    """(uni, bi) column values for one article."""
    chars: set[str] = set()
    bi: list[str] = []
    for is_cjk, seg in segments(title + "\n" + text):
        if is_cjk:
            chars.update(seg)
            bi.extend(_bigrams(seg))
            bi.append(SEP)
        else:
            bi.append(seg)
    return " ".join(sorted(chars)), " ".join(bi)


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def match_expression(term: str, *, phrase: bool = False) -> str | None:
    """The FTS5 expression for one query term (a word or a quoted phrase), or None if empty.

    A word mixing scripts (``ET7新能源``) must contain every part; a phrase must contain them
    in order.
    """
    segs = segments(term)
    if not segs:
        return None
    parts: list[str] = []
    if phrase and len(segs) > 1:
        tokens: list[str] = []
        for i, (is_cjk, seg) in enumerate(segs):
            if is_cjk:
                if len(seg) == 1:
                    return " AND ".join(
                        filter(None, (match_expression(s) for _, s in segs))
                    )  # a lone character cannot sit in a bigram phrase: require each part
                tokens.extend(_bigrams(seg))
                if i < len(segs) - 1:
                    tokens.append(SEP)
            else:
                tokens.append(seg)
        return "bi : " + _quote(" ".join(tokens))
    for is_cjk, seg in segs:
        if is_cjk and len(seg) == 1:
            parts.append("uni : " + _quote(seg))
        elif is_cjk:
            parts.append("bi : " + _quote(" ".join(_bigrams(seg))))
        else:
            parts.append("bi : " + _quote(seg))
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def literal_parts(term: str) -> list[str]:
    """The normalised strings a term looks for (for highlighting and snippets)."""
    return [seg for _, seg in segments(term)]
