"""Synthetic variants of the archive's posts (``tests/fixtures/variants``, from make_variants.py)."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

from reader.core.post import Article, parse_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
VARIANTS = FIXTURES / "variants"
CST = dt.timezone(dt.timedelta(hours=8))
TITLE = "央行：下调金融机构存款准备金率"
OPENING = "中国人民银行决定于2022年3月15日下调金融机构存款准备金率0.5个百分点。"
URL = "http://finance.eastmoney.com/news/1354,202203112288000001.html"
WHEN = dt.datetime(2022, 3, 11, 7, 20, 56, tzinfo=CST)


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_variants", FIXTURES / "make_variants.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXPECTED_FILES = _generator().variants()
FILES = sorted(EXPECTED_FILES)


def parse(name: str) -> Article:
    return parse_file(VARIANTS / name)


def secs(a: Article) -> list[tuple[str, str]]:
    return [(s.secid, s.name) for s in a.securities]


def test_committed_variants_match_the_generator() -> None:
    on_disk = {p.name for p in VARIANTS.iterdir()}
    assert on_disk == set(EXPECTED_FILES), "run python tests/fixtures/make_variants.py"
    for name, data in EXPECTED_FILES.items():
        assert (VARIANTS / name).read_bytes() == data, name


@pytest.mark.parametrize("name", FILES)
def test_every_variant_parses_safely(name: str, check_html) -> None:
    a = parse(name)
    assert a.title.strip()
    assert a.published.tzinfo is not None
    assert check_html(a.html) == []
    for leftover in ("返回", "文章来源", "<>", "&lt;&gt;", "acttg", "开户交易", "隐藏"):
        assert leftover not in a.html and leftover not in a.text, leftover
    if a.url:
        assert a.url not in a.text


# -- encodings and line endings -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name,warning",
    [
        ("encoding-utf8-bom.md", None),
        ("encoding-gb18030.md", "GB18030"),
        ("encoding-utf16.md", "UTF-16"),
        ("encoding-crlf.md", None),
        ("encoding-cr-after-p.md", None),
        ("fm-blank-line-before.md", None),
    ],
)
def test_encodings_and_line_endings(name: str, warning: str | None) -> None:
    a = parse(name)
    assert a.title == TITLE
    assert a.published == WHEN
    assert a.categories == ["emnews"] and a.tags == ["东财滚动新闻"]
    assert a.url == URL
    assert a.text.startswith(OPENING)
    assert "\r" not in a.html and "\r" not in a.text and "\ufeff" not in a.text
    if warning is None:
        assert a.warnings == []
    else:
        assert any(warning in w for w in a.warnings)


def test_truncated_utf8_stays_utf8() -> None:
    """A file cut in the middle of its last character is UTF-8 with one bad character, not
    GB18030 mojibake."""
    a = parse("encoding-truncated-utf8.md")
    assert a.title == TITLE
    assert a.text.startswith(OPENING)
    assert a.text.endswith("最后一段\ufffd")
    assert a.warnings == ["file has invalid UTF-8; bad bytes replaced"]


def test_truncated_utf8_that_looks_like_gb18030_stays_utf8() -> None:
    raw = (VARIANTS / "encoding-truncated-utf8-gb-lookalike.md").read_bytes()
    assert raw.decode("gb18030")  # the trap: it decodes, as mojibake
    a = parse("encoding-truncated-utf8-gb-lookalike.md")
    assert a.title == "央行降准"
    assert a.text == "央行降准释放资金\n银行存款利率下\ufffd"
    assert a.warnings == ["file has invalid UTF-8; bad bytes replaced"]


# -- front matter -------------------------------------------------------------------------------


def test_empty_body() -> None:
    a = parse("fm-empty-body.md")
    assert (a.title, a.published) == (TITLE, WHEN)
    assert (a.html, a.text, a.summary, a.url, a.source) == ("", "", "", "", "")
    assert a.securities == [] and a.warnings == []
    assert a.word_count == len("央行下调金融机构存款准备金率")


def test_no_front_matter_title_from_heading() -> None:
    a = parse("fm-none-heading.md")
    assert a.title == "央行宣布降准0.5个百分点"
    assert "no front matter" in a.warnings
    assert "no title; taken from the first heading" in a.warnings
    assert any("modification time" in w for w in a.warnings)
    mtime = dt.datetime.fromtimestamp((VARIANTS / "fm-none-heading.md").stat().st_mtime, dt.UTC)
    assert a.published == mtime
    assert a.categories == [] and a.tags == []


def test_no_front_matter_no_heading_title_from_text() -> None:
    a = parse("fm-none-no-heading.md")
    assert a.title == "中国人民银行决定下调存款准备金率。"
    assert "no title; taken from the digest" in a.warnings


def test_empty_file_title_from_file_name() -> None:
    a = parse("2022-03-11-202203112288000011.md")
    assert a.title == "2022-03-11-202203112288000011"
    assert a.key == "202203112288000011"
    assert a.published == dt.datetime(2022, 3, 11, tzinfo=CST)
    assert "no title; taken from the file name" in a.warnings
    assert "no usable date; taken from the file name" in a.warnings
    assert (a.html, a.text) == ("", "")


def test_title_with_unescaped_quotes_is_recovered() -> None:
    a = parse("fm-broken-yaml-quote.md")
    assert a.title == '央行"降准"0.5个百分点'
    assert a.published == WHEN
    assert a.categories == ["emnews"] and a.tags == ["东财滚动新闻"]
    assert len(a.warnings) == 1 and "fields recovered line by line" in a.warnings[0]
    assert a.text == OPENING


def test_toml_front_matter() -> None:
    a = parse("fm-toml.md")
    assert (a.title, a.published, a.url) == (TITLE, WHEN, URL)
    assert a.categories == ["emnews"] and a.tags == ["东财滚动新闻", "降准"]
    assert a.warnings == []


def test_yaml_lists() -> None:
    a = parse("fm-tags-list.md")
    assert a.title == "列表标签"
    assert a.categories == ["emnews", "macro"] and a.tags == ["东财滚动新闻", "降准"]


# -- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,expected",
    [
        ("date-offset.md", WHEN),
        ("date-naive.md", WHEN),  # naive: Asia/Shanghai (no _config.yml here)
        ("date-iso.md", WHEN),
        ("date-utc.md", WHEN),
        ("date-only.md", dt.datetime(2022, 3, 11, tzinfo=CST)),
    ],
)
def test_dates(name: str, expected: dt.datetime) -> None:
    a = parse(name)
    assert a.published == expected
    assert a.published.utcoffset() is not None
    assert a.warnings == []


def test_date_offset_kept_as_written() -> None:
    assert parse("date-utc.md").published.utcoffset() == dt.timedelta(0)
    assert parse("date-offset.md").published.utcoffset() == dt.timedelta(hours=8)


def test_bare_offset_date_comes_from_the_dash_id() -> None:
    a = parse("-202203112288000012.md")
    assert a.key == "202203112288000012"
    assert a.published == dt.datetime(2022, 3, 11, tzinfo=CST)
    assert a.title == OPENING  # title: "" -> the digest's first sentence
    assert "date '+0800' is not a date" in a.warnings
    assert "no usable date; taken from the file name" in a.warnings


def test_missing_date_comes_from_the_name_prefix() -> None:
    a = parse("2022-03-11-date-missing.md")
    assert a.published == dt.datetime(2022, 3, 11, tzinfo=CST)
    assert a.warnings == ["no usable date; taken from the file name"]


def test_unusable_date_without_name_date_falls_back_to_mtime() -> None:
    path = VARIANTS / "date-garbage.md"
    a = parse_file(path)
    assert a.published == dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    assert a.warnings == ["date '某日' is not a date", "no usable date; taken from the file's modification time"]


# -- securities ---------------------------------------------------------------------------------


def test_bare_code_takes_its_market_from_the_href() -> None:
    a = parse("body-bare-code.md")
    assert secs(a) == [("1.688376", "美迪西")]
    assert a.securities[0].symbol == "688376.SH"
    assert a.html == '<p>CRO龙头<a href="security:1.688376" class="security">美迪西</a>涨停。</p>'


def test_info_span_ids() -> None:
    a = parse("body-info-span.md")
    assert secs(a) == [("116.02176", "赛生药业"), ("116.00700", "腾讯控股")]
    assert [s.symbol for s in a.securities] == ["02176.HK", "00700.HK"]
    assert a.text == "港股赛生药业大涨，腾讯控股小幅走高。"


def test_securities_in_order_of_first_mention_whatever_their_form() -> None:
    a = parse("body-mention-order.md")
    assert secs(a) == [("116.00700", "腾讯控股"), ("1.600519", "贵州茅台"), ("0.000333", "美的集团"),
                       ("106.BABA", "阿里巴巴")]
    assert a.text == "腾讯控股、贵州茅台、美的集团与阿里巴巴走高，腾讯控股领涨。"
    assert a.html.count("security:116.00700") == 2


def test_board_span() -> None:
    a = parse("body-bk-span.md")
    assert secs(a) == [("90.BK0493", "新能源")]
    assert a.securities[0].symbol == "BK0493"
    assert a.html == '<p>国内首款<a href="security:90.BK0493" class="security">新能源</a>汽车来了。</p>'


def test_stock_key_common_spans_and_repeats() -> None:
    a = parse("body-stock-key-common.md")
    assert secs(a) == [("106.NIO", "蔚来"), ("0.000931", "中关村")]  # once each, first mention first
    assert a.html.count('href="security:0.000931"') == 2
    assert a.text == "蔚来与中关村合作；中关村再度提及。"


def test_quote_placeholders_vanish() -> None:
    a = parse("body-quote-placeholders.md")
    assert a.text == "贵州茅台股价重回2000元，板块走强。"
    assert a.securities == []


def test_topic_links_become_plain_text() -> None:
    a = parse("body-infokey.md")
    assert a.html == "<p>公司将其作为未来新的业绩增长点，PPI数据稍后公布。</p>"
    assert a.securities == []


# -- clutter ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["body-hidden.md", "body-toplink.md", "body-chart.md", "footer-one-line.md",
                                  "footer-two-lines.md", "footer-zning.md"])
def test_clutter_goes_leaving_the_story(name: str) -> None:
    a = parse(name)
    assert a.html == f"<p>{OPENING}</p>"
    assert a.text == OPENING
    assert a.url == URL
    # the chart picture goes, but the security it shows is a mention (and a chart)
    charted = ["106.NIO"] if name == "body-chart.md" else []
    assert [s.secid for s in a.securities] == [s.secid for s in a.charts] == charted
    assert a.warnings == []


def test_advert_links() -> None:
    a = parse("body-acttg.md")
    assert a.text == OPENING + "\n行情请看。"
    assert "东方财富APP下载" not in a.text


def test_promo_paragraph_goes_but_news_about_accounts_stays() -> None:
    a = parse("body-promo.md")
    assert "开户交易" not in a.text and "极速开户" not in a.text
    assert a.text == OPENING + "\n新增开户数创新高，东方财富受益。"
    assert secs(a) == [("0.300059", "东方财富")]


def test_no_inline_styles_fonts_or_centering() -> None:
    a = parse("body-styles.md")
    assert a.html == '<p>红色大字正文。</p><img src="https://dfscdn.dfcfw.com/download/D1.jpg">'


def test_media_category_footer_and_share_url() -> None:
    a = parse("footer-category.md")
    assert a.url == "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202203112288000001"
    assert a.text == OPENING


def test_empty_original_url_line() -> None:
    a = parse("footer-empty-url.md")
    assert a.url == "" and a.text == OPENING
    assert a.warnings == ["the original-URL line is empty"]


def test_source_lines() -> None:
    media = parse("body-em-media.md")
    assert media.source == "证券时报"
    assert media.securities == []  # the 证券 board link inside the source line is no mention
    assert media.text == OPENING
    plain = parse("body-source-plain.md")
    assert plain.source == "财联社" and plain.text == OPENING


def test_digest_that_repeats_the_opening_is_shown_once() -> None:
    a = parse("body-digest-repeat.md")
    assert a.summary == OPENING + "（财联社）"
    assert a.text == OPENING + "\n此次降准释放长期资金约5300亿元。"
    assert "<blockquote" not in a.html


def test_digest_that_says_something_else_stays() -> None:
    a = parse("body-digest-distinct.md")
    assert a.summary == "央行降准0.5个百分点，释放长期资金约5300亿元。（财联社）"
    assert a.html.startswith("<blockquote>")
    assert a.text == "央行降准0.5个百分点，释放长期资金约5300亿元。（财联社）\n为支持实体经济发展，人民银行决定下调存款准备金率。"
