"""Flat front matter is read without the YAML parser (``reader.core.flatyaml``); wherever that
fast path answers, its mapping must be the one PyYAML builds, value for value and type for type."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.flatyaml import flat_yaml
from reader.core.post import _YAML_LOADER, decode

FM_START = "---\n"


def front_matter(path: Path) -> str | None:
    text, _ = decode(path.read_bytes())
    if not text.startswith(FM_START):
        return None
    end = text.find("\n---", len(FM_START))
    return text[len(FM_START):end] if end > 0 else None


def yaml_load(fm: str) -> object:
    return yaml.load(fm, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader


def test_corpus_front_matter_reads_as_yaml_reads_it(corpus_dir: Path) -> None:
    fast = 0
    for path in sorted(corpus_dir.glob("*.md")):
        fm = front_matter(path)
        if fm is None:
            continue
        got = flat_yaml(fm)
        if got is not None:
            fast += 1
            assert got == yaml_load(fm), path.name
            assert [type(v) for v in got.values()] == [type(v) for v in yaml_load(fm).values()], path.name  # type: ignore[union-attr]
    assert fast >= 10  # the common shape is common


def test_the_usual_post_takes_the_fast_path() -> None:
    fm = 'layout: post\ntitle: "收评：沪指涨2.16% 两市成交额突破万亿"\ndate: 2022-01-09 22:55:20 +0800\ncategories: cailianshe\ntags: 财联社新闻'
    assert flat_yaml(fm) == {"layout": "post", "title": "收评：沪指涨2.16% 两市成交额突破万亿",
                             "date": "2022-01-09 22:55:20 +0800", "categories": "cailianshe", "tags": "财联社新闻"}


def test_other_shapes_are_left_to_yaml() -> None:
    for fm in ("tags: [a, b]", "title: 'single'", "title: \"esc\\\"aped\"", "a:\n  b: 1", "title: x # note",
               "- a", "title: a: b", "title: ok\n  continued", "&a title: x", "title:\tx", "title: \x07",
               "title: a\rb", "null: x", "title: *alias", "title: |", "? key"):
        assert flat_yaml(fm) is None, fm


_VALUE = st.one_of(
    st.text(st.sampled_from(list("ab 1:#-.'\"\\é中文：，+0800TtZz_/|&*!%@`[]{}?,>~\t")), min_size=1, max_size=24),
    st.sampled_from(["2022-01-09 22:55:20 +0800", "2021-12-01 13:33:50", "2021-12-01", "2021-12-01T13:33:50Z",
                     "yes", "No", "on", "OFF", "true", "null", "~", "12", "0x1f", "1_000", "3.5", ".inf",
                     "-.5", "1e3", "0o17", "010", "1:30", "190:20:30", ".nan", "+12", "2022-1-9 1:02:03 +8"]),
)
_KEY = st.sampled_from(["title", "date", "tags", "categories", "layout", "yes", "null", "on", "x_1", "a-b"])


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(_KEY, _VALUE, st.booleans()), min_size=1, max_size=5))
def test_generated_lines_read_as_yaml_reads_them(lines: list[tuple[str, str, bool]]) -> None:
    fm = "\n".join(f'{k}: "{v}"' if quoted else f"{k}: {v}" for k, v, quoted in lines)
    got = flat_yaml(fm)
    if got is None:
        return
    want = yaml_load(fm)
    assert got == want
    assert isinstance(want, dict)
    assert [type(v) for v in got.values()] == [type(v) for v in want.values()]
