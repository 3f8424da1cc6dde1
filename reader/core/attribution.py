"""The source a short post names in brackets at its very end: ``……路径模式。（财联社）``.

Most of the archive's first year has no 文章来源 line: the news service put the source in
brackets after the last sentence instead (full-width as a rule, ASCII in a few posts:
``……目标。(中证网)``).  Trailing brackets hold other things too: a date (``（12-08）``), a
figure or a unit (``（3.5%）``, ``（亿元）``), a note (``（附名单）``, ``（完）``), a byline or
an aside.  So a bracket counts only when it closes the paragraph right after a sentence (or
stands alone as the paragraph) and holds something shaped like a name.  The words stay in the
body as written; only the name is lifted into the article's source.
"""

from __future__ import annotations

import re

_TAIL = 200  # characters of a paragraph that can hold its closing bracket
MAX_NAME = 16  # "东方财富Choice数据" is 13; a longer bracket is an aside, not a name

# A bracket closing the text, after a sentence end or alone.  Both halves of the same kind.
_TRAILING_RE = re.compile(
    r"(?:^|(?<=[。！？!?…”’」』]))\s*(?:（([^（）()\n]{1,40})）|\(([^（）()\n]{1,40})\))\s*$"
)
# "（来源：财联社）", "（据新华社）": the name inside
_LEAD_IN_RE = re.compile(r"^(?:(?:文章|数据|消息|信息)?来源\s*[:：]\s*|据)(.+?)(?:报道|消息)?$")
# Notes and credits, not sources: what a paragraph-closing bracket holds besides a name.
_NOTE_RE = re.compile(
    r"^(?:附|详见|见|注|图|视频|音频|组图|多图|全文|完|续|待续|未完|更新|持续更新|下同|同上|同比|环比"
    r"|记者|编辑|责编|责任编辑|作者|实习生|编译|整理|翻译|原标题|本文|以上|点击|上篇|中篇|下篇|之)"
    r"|(?:摄|供图|制图|整理|编译|翻译)$"
)
# Dates, times, figures, units: nothing else but these characters.
_FIGURE_RE = re.compile(
    r"^[\d\s.,:/~+\-–—～：%％‰"
    r"年月日号时分秒周天点个十百千万亿兆元角股手吨斤克米瓦倍户人次家只台辆套亩基美港欧日英镑民币]+$"
)
_CN_NUMERAL_RE = re.compile(r"^[一二三四五六七八九十百千〇零两]+$")
_LONG_NUMBER_RE = re.compile(r"\d{3}")  # years, security codes, amounts
_PUNCT_RE = re.compile(r"[，,。；;：:！!？?、“”\"'‘’《》<>\[\]【】=|\\/…]")
_CJK_SPACE_RE = re.compile(r"[^\x00-\x7f]\s|\s[^\x00-\x7f]")  # "记者 张三", "张三 摄"
_WS_RE = re.compile(r"\s+")
_LETTER_RE = re.compile(r"[A-Za-z\u3400-\u4dbf\u4e00-\u9fff]")


def trailing_note(paragraph: str) -> str:
    """What the bracket closing this paragraph holds, or "" when none closes it after a
    sentence (a bracket mid-text or mid-sentence is the text's own)."""
    m = _TRAILING_RE.search(paragraph[-_TAIL:])  # a bracket and its lead-in fit in the tail
    if m is None:
        return ""
    return (m.group(1) or m.group(2) or "").strip()


def source_name(note: str) -> str:
    """The media name a closing bracket holds, or "" when it holds a date, a figure, a note or
    an aside."""
    name = note.strip()
    lead_in = _LEAD_IN_RE.match(name)
    if lead_in:
        name = lead_in.group(1).strip()
    if not 2 <= len(name) <= MAX_NAME or not _LETTER_RE.search(name):
        return ""
    if _PUNCT_RE.search(name) or _CJK_SPACE_RE.search(name) or _LONG_NUMBER_RE.search(name):
        return ""
    if _FIGURE_RE.match(name) or _CN_NUMERAL_RE.match(name) or _NOTE_RE.search(name):
        return ""
    return name


def trailing_source(paragraph: str) -> str:
    """The source named in brackets at the end of a post's last paragraph, or ""."""
    return source_name(trailing_note(paragraph))


def repeats_title(paragraph: str, title: str) -> bool:
    """Whether this paragraph is the headline again: a headline-only post repeats its title as
    its body (``……哪些股？（附名单）``), and a closing bracket then belongs to the headline."""
    return bool(title) and _WS_RE.sub("", paragraph) == _WS_RE.sub("", title)
