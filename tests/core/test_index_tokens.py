"""The index's tokens are built with C-level string operations (``textindex.index_columns``);
they must be the very tokens of the plain definition: NFKC + lower case, every CJK run's
bigrams in order followed by the run separator, Latin words whole, the title's tokens apart from
the text's, and the set of CJK characters.  The reference below is that definition, written
plainly; the fast path must agree with it token for token (what FTS5 stores)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core import textindex as ti
from reader.core.post import PostError, parse_file


def reference(title: str, text: str) -> tuple[list[str], list[str]]:
    bi: list[str] = []
    uni: set[str] = set()
    for i, part in enumerate((title, text)):
        if i:
            bi.append(ti.FIELD_SEP)
        norm = unicodedata.normalize("NFKC", part).lower()
        for m in ti._SEGMENT_RE.finditer(norm):
            seg = m.group()
            if m.lastgroup == "cjk":
                bi.extend(seg[k:k + 2] for k in range(len(seg) - 1))
                bi.append(ti.SEP)
                uni.update(seg)
            else:
                bi.append(seg)
    return sorted(uni), bi


def fast(title: str, text: str) -> tuple[list[str], list[str]]:
    uni, bi = ti.index_columns(title, text)
    return sorted(uni.split(" ")) if uni else [], bi.split()


_ALPHABET = st.sampled_from(
    list("央行降准0.25%下调逆回购操作贵州茅台ＥＴ７ＡＢｃ，。：（）「」、　 \n\t-_/abcXYZ123é")
    + ["\u0301", "\u3007", "\u3005", "ア", "ー", "한", "\U00020000", "＜", "\u0338", "İ", "ß", "Σ", "\uff65"]
)


@settings(max_examples=400, deadline=None)
@given(st.text(_ALPHABET, max_size=60), st.text(_ALPHABET, max_size=300))
def test_fast_tokens_are_the_reference_tokens(title: str, text: str) -> None:
    assert fast(title, text) == reference(title, text)


def test_huge_text_takes_the_sliced_path_with_the_same_tokens() -> None:
    text = ("央行下调存款准备金率0.25个百分点，ＥＴ７发布。" * 5000)[: ti._SLICE + 777]
    assert len(ti._index_normalize(text)) > ti._SLICE
    assert fast("标题", text) == reference("标题", text)


def test_corpus_posts_give_the_reference_tokens(corpus_dir: Path) -> None:
    checked = 0
    for path in sorted(corpus_dir.glob("*.md")):
        try:
            art = parse_file(path)
        except PostError:
            continue
        assert fast(art.title, art.text) == reference(art.title, art.text), path.name
        checked += 1
    assert checked >= 10
