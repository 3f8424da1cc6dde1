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

import operator
import re
import unicodedata

# Bump when tokenisation changes: the library then rebuilds its index.
# 2: 〇 々 〡-〩 count as Chinese (二〇二二年 is one run); kana punctuation and combining marks
#    (・ ゠ ゛ ゜) do not; CJK extension G and later planes included; a token between the
#    title and the text, so that no phrase spans the two.
TOKENIZER_VERSION = 2
SEP = "\ue000"  # a private-use character: FTS5's unicode61 keeps it as a token
FIELD_SEP = "\ue001"  # between the title's tokens and the text's

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
_CJK_CHAR_RE = re.compile(f"[{_CJK}]")


# Full-width ASCII and the ideographic space: their NFKC forms, applied by str.translate first
# so that most Chinese text is then already normalised (a quick check instead of a full NFKC).
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalize(text: str) -> str:
    """NFKC, then lower case: what the index stores and what queries are compared with."""
    if text.isascii():
        return text.lower()
    t = text.translate(_FULLWIDTH)  # NFKC(translate(x)) == NFKC(x): these are their NFKC images
    if not unicodedata.is_normalized("NFKC", t):
        t = unicodedata.normalize("NFKC", t)
    return t.lower()


def segments(text: str) -> list[tuple[bool, str]]:
    """[(is_cjk, segment)] of normalised text."""
    return [(m.lastgroup == "cjk", m.group()) for m in _SEGMENT_RE.finditer(normalize(text))]


def _bigrams(run: str) -> list[str]:
    return list(map(str.__add__, run[:-1], run[1:]))


# One findall gives every segment as a (cjk, word) pair, one of them empty; the bigrams of a run
# are ``map(add, run, run[1:])`` joined in C.  Measured by ``bench_parse.py`` (index tokens):
# 0.18 ms/post against 0.59 ms for a per-segment match loop.  What the FTS5 tokenizer sees is
# the same token sequence (only the number of spaces between tokens differs).
_PAIR_RE = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)")
_RUN_END = " " + SEP
# Text longer than this is tokenised in slices, so that a huge post never holds all its
# bigrams as objects at once.
_SLICE = 1 << 16
# Full-width punctuation and the ideographic space: the index drops them like any separator, so
# replacing them with a space (one C pass) gives the tokens ``normalize`` gives.  Full-width
# letters and digits stay for NFKC.
_FULLWIDTH_PUNCT_RE = re.compile("[\u3000\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff5e]")


def _index_normalize(text: str) -> str:
    """``normalize`` for the index's tokens: the same tokens, faster (see above)."""
    if text.isascii():
        return text.lower()
    t = _FULLWIDTH_PUNCT_RE.sub(" ", text)
    if not unicodedata.is_normalized("NFKC", t):
        t = unicodedata.normalize("NFKC", t)
    if "\u03a3" in t:  # Σ lowers by its neighbours (final sigma), which the spaces would change
        return normalize(text)
    return t.lower()


def _tokens(norm: str, bi: list[str], uni: dict[str, None]) -> None:
    """Append the ``bi`` tokens of normalised text to ``bi`` and add its CJK characters to
    ``uni``.  Beyond ``_SLICE`` characters, segment by segment in bounded slices (a huge post
    never holds all its bigrams as objects at once)."""
    if len(norm) > _SLICE:
        _bi_tokens(norm, bi)
        uni.update(dict.fromkeys(sorted(_cjk_chars(norm))))
        return
    found = _PAIR_RE.findall(norm)
    add = operator.add
    bi.append(" ".join([" ".join(map(add, c, c[1:])) + _RUN_END if c else w for c, w in found]))
    uni.update(dict.fromkeys("".join([c for c, _w in found])))


def _bi_tokens(norm: str, out: list[str]) -> None:
    """The ``bi`` tokens of a huge text, a few thousand to a string."""
    batch: list[str] = []
    add = batch.append
    pair = str.__add__
    for m in _SEGMENT_RE.finditer(norm):
        seg = m.group()
        if m.lastgroup == "cjk":
            for i in range(0, len(seg) - 1, 4096):
                part = seg[i:i + 4097]
                add(" ".join(map(pair, part[:-1], part[1:])))
            add(SEP)
        else:
            add(seg)
        if len(batch) >= 4096:
            out.append(" ".join(batch))
            batch.clear()
    if batch:
        out.append(" ".join(batch))


def _cjk_chars(norm: str) -> set[str]:
    return {c for c in set(norm) if _CJK_CHAR_RE.match(c)}


def index_columns(title: str, text: str) -> tuple[str, str]:
    """(uni, bi) column values for one article.

    The title's tokens and the text's are kept apart by ``FIELD_SEP``, so that no phrase runs
    from the end of the title into the start of the text.
    """
    bi: list[str] = []
    uni: dict[str, None] = {}  # first occurrence order: the same column for the same text, unsorted
    _tokens(_index_normalize(title), bi, uni)
    bi.append(FIELD_SEP)
    _tokens(_index_normalize(text), bi, uni)
    return " ".join(uni), " ".join(bi)


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _phrase_variant(segs: list[tuple[bool, str]]) -> str | None:
    """One phrase: the segments' tokens in order, as the index lays them out."""
    if any(is_cjk and len(seg) == 1 for is_cjk, seg in segs):
        # a lone character cannot sit in a bigram phrase: require each part
        return " AND ".join(filter(None, (match_expression(seg) for _, seg in segs)))
    tokens: list[str] = []
    for i, (is_cjk, seg) in enumerate(segs):
        if is_cjk:
            tokens.extend(_bigrams(seg))
            if i < len(segs) - 1:
                tokens.append(SEP)
        else:
            tokens.append(seg)
    return "bi : " + _quote(" ".join(tokens))


def _phrase_expression(term: str) -> str | None:
    """A quoted phrase: its parts in order.  Two Chinese parts the query separates with spaces
    may also be written together in the text (``"逆回购 操作"`` finds 逆回购操作)."""
    norm = normalize(term)
    found = [(m.lastgroup == "cjk", m.group(), m.start(), m.end()) for m in _SEGMENT_RE.finditer(norm)]
    if not found:
        return None
    joinable = [
        i for i in range(1, len(found))
        if found[i - 1][0] and found[i][0] and norm[found[i - 1][3]:found[i][2]].isspace()
    ]
    choices: list[set[int]] = []
    if len(joinable) <= 3:
        for mask in range(1 << len(joinable)):
            choices.append({j for b, j in enumerate(joinable) if mask >> b & 1})
    else:
        choices = [set(), set(joinable)]
    variants: list[str] = []
    for joined in choices:
        segs: list[tuple[bool, str]] = []
        for i, (is_cjk, seg, _a, _b) in enumerate(found):
            if i in joined:
                segs[-1] = (True, segs[-1][1] + seg)
            else:
                segs.append((is_cjk, seg))
        expr = _phrase_variant(segs) if len(segs) > 1 else match_expression(segs[0][1])
        if expr and expr not in variants:
            variants.append(expr)
    if not variants:
        return None
    return variants[0] if len(variants) == 1 else "(" + " OR ".join(f"({v})" for v in variants) + ")"


def match_expression(term: str, *, phrase: bool = False) -> str | None:
    """The FTS5 expression for one query term (a word or a quoted phrase), or None if empty.

    A word mixing scripts (``ET7新能源``) must contain every part; a phrase must contain them
    in order.
    """
    if phrase:
        return _phrase_expression(term)
    segs = segments(term)
    if not segs:
        return None
    parts: list[str] = []
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
