"""Real finews posts: every one parses, and a spread of them gives exactly what is expected.

The corpus is the shared folder of 160 verbatim posts beside the repository when it exists,
else the committed subset in ``tests/fixtures/corpus`` (every pinned file is in both).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from reader.core.post import Article, archive_timezone, parse_file, story_key

REPO = Path(__file__).resolve().parents[2]
SHARED_CORPUS = REPO.parent / "shared" / "corpus" / "finews"
FIXTURE_CORPUS = REPO / "tests" / "fixtures" / "corpus"
CORPUS = SHARED_CORPUS if SHARED_CORPUS.is_dir() else FIXTURE_CORPUS
SITE_CONFIG = REPO / "tests" / "fixtures" / "site" / "_config.yml"
FILES = sorted(CORPUS.glob("*.md"))
CST = dt.timezone(dt.timedelta(hours=8))


def parse(name: str) -> Article:
    return parse_file(CORPUS / name)


def secs(article: Article) -> list[tuple[str, str, str]]:
    return [(s.secid, s.name, s.symbol) for s in article.securities]


def test_corpus_is_there() -> None:
    assert len(FILES) >= 14
    if CORPUS == SHARED_CORPUS:
        assert len(FILES) == 160


def test_fixture_subset_is_verbatim() -> None:
    fixtures = sorted(FIXTURE_CORPUS.glob("*.md"))
    assert len(fixtures) >= 12
    if not SHARED_CORPUS.is_dir():
        pytest.skip("the shared corpus is not beside this checkout")
    for f in fixtures:
        assert f.read_bytes() == (SHARED_CORPUS / f.name).read_bytes(), f.name


# -- every file ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_every_post_parses(path: Path, check_html) -> None:
    a = parse_file(path)
    assert a.title.strip()
    assert a.published.tzinfo is not None and a.published.utcoffset() is not None
    assert dt.date(2021, 1, 1) <= a.published.date() <= dt.date(2022, 12, 31)
    assert a.key and a.key == story_key(path)
    assert a.content_hash and a.size == path.stat().st_size
    assert isinstance(a.categories, list) and isinstance(a.tags, list)
    assert a.categories and a.tags
    assert a.html.strip() and a.text.strip()
    assert a.word_count > 0 and a.char_count >= len(a.text.replace("\n", "").replace(" ", "")) > 0
    # the site's navigation footer and the source line are lifted out
    for leftover in ("返回", "文章来源", "finews.withounder.com", "&lt;&gt;"):
        assert leftover not in a.html, leftover
        assert leftover not in a.text, leftover
    if a.url:
        assert a.url.startswith("http")
        assert a.url not in a.text and a.url not in a.html
    assert check_html(a.html) == []
    # each security once, and every link in the text is one of them
    secids = [s.secid for s in a.securities]
    assert len(secids) == len(set(secids))
    for s in a.securities:
        assert f'href="security:{s.secid}"' in a.html
    assert a.to_json()["published"] == a.published.isoformat()


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_html_and_text_carry_no_markup_residue(path: Path) -> None:
    a = parse_file(path)
    for junk in ("keytip", "em_stock_key_common", "data-code", "quote.eastmoney.com", "EmImageRemark",
                 "webquoteklinepic", "display:none", "style=", "<span", "<center", "<!--"):
        assert junk not in a.html, junk
    assert not re.search(r"</?[A-Za-z!]", a.text)  # no tags in the text ("<1%" is fine)


# -- identity -----------------------------------------------------------------------------------


PAIRS = sorted(
    (f, CORPUS / f.name.replace("_posts__", "old_post__", 1))
    for f in FILES
    if f.name.startswith("_posts__") and (CORPUS / f.name.replace("_posts__", "old_post__", 1)).exists()
)


@pytest.mark.parametrize("posts_copy,old_copy", PAIRS, ids=[p.name.split("__")[1] for p, _ in PAIRS])
def test_posts_and_old_post_copies_are_one_story(posts_copy: Path, old_copy: Path) -> None:
    a, b = parse_file(posts_copy), parse_file(old_copy)
    assert a.key == b.key == posts_copy.name.split("-")[-1].removesuffix(".md")
    assert a.title == b.title
    assert a.published == b.published  # one naive, one with +0800: the same instant
    assert a.url == b.url


def test_pairs_exist() -> None:
    assert PAIRS
    if CORPUS == SHARED_CORPUS:
        assert len(PAIRS) == 38


def test_dash_id_and_dated_name_share_a_key() -> None:
    dash, dated = parse("-202205262391921712.md"), parse("2022-05-26-202205262391921712.md")
    assert dash.key == dated.key == "202205262391921712"
    assert secs(dash) == secs(dated)
    assert dash.text == dated.text


def test_keys_are_unique_but_for_copies() -> None:
    keys: dict[str, list[str]] = {}
    for f in FILES:
        keys.setdefault(story_key(f), []).append(f.name)
    for key, names in keys.items():
        if len(names) > 1:
            stems = {n.removeprefix("_posts__").removeprefix("old_post__").removeprefix("2022-05-26") for n in names}
            assert len(stems) == 1, (key, names)


# -- pinned posts -------------------------------------------------------------------------------

NIO_SECURITIES = [
    ("90.BK0493", "新能源", "BK0493"),
    ("106.NIO", "蔚来", "NIO.US"),
    ("1.600160", "巨化股份", "600160.SH"),
    ("0.300343", "联创股份", "300343.SZ"),
    ("1.600636", "国新文化", "600636.SH"),
    ("90.BK0839", "知识产权", "BK0839"),
]
NIO_DIGEST = (
    "据霍尼韦尔官网消息，5月24日，霍尼韦尔宣布为蔚来旗下ET7新能源汽车提供HFO-1234yf(四氟丙烯)制冷剂。"
    "据悉，这也标志着蔚来成为国内首家使用HFO-1234yf制冷剂的汽车企业。（上海证券报）"
)


def test_nio_post() -> None:
    a = parse("2022-05-26-202205262391921712.md")
    assert a.title == "国内首次！蔚来汽车启用这款“绿色”制冷液 哪些A股公司早有布局？"
    assert a.published == dt.datetime(2022, 5, 26, 0, 19, 55, tzinfo=CST)
    assert a.categories == ["emnews"] and a.tags == ["东财滚动新闻"]
    assert a.source == "上海证券报"
    assert a.url == "http://finance.eastmoney.com/news/1354,202205262391921712.html"
    assert a.summary == NIO_DIGEST
    assert secs(a) == NIO_SECURITIES
    nio = a.securities[1]
    assert (nio.market, nio.code, nio.exchange) == (106, "NIO", "NYSE")
    assert nio.quote_url == "https://quote.eastmoney.com/unify/r/106.NIO"
    # the 证券 board link inside the source line is not a mention
    assert "90.BK0473" not in [s.secid for s in a.securities]
    assert a.text.startswith("国内首款使用超低GWP(全球变暖潜值)制冷剂的新能源汽车来了！")
    # the digest repeats the second paragraph: shown once
    assert a.text.count("据霍尼韦尔官网消息，5月24日") == 1
    assert "<blockquote" not in a.html
    # topic link words stay as plain text, chart pictures and hidden paragraphs go
    assert "新的业绩增长点" in a.text
    assert "webquoteklinepic" not in a.html and "K图" not in a.html
    assert a.html.count('<img src="https://dfscdn.dfcfw.com/download/') == 3
    assert a.html.count('href="security:1.600160"') == 3
    assert "《<蒙特利尔议定书>基加利修正案》" in a.text
    assert a.warnings == []


def test_nio_post_without_date_or_title() -> None:
    """``title: ""`` and ``date:  +0800``: the title comes from the digest, the day from the id."""
    a = parse("-202205262391921712.md")
    assert a.published == dt.datetime(2022, 5, 26, tzinfo=CST)
    assert a.title == "5月24日，霍尼韦尔宣布为蔚来旗下ET7新能源汽车提供HFO-1234yf(四氟丙烯)制冷剂。"
    assert a.summary == NIO_DIGEST
    assert a.source == "上海证券报"
    assert a.url == ""
    assert secs(a) == NIO_SECURITIES
    joined = " | ".join(a.warnings)
    assert "no title" in joined and "file name" in joined and "+0800" in joined
    assert "original-URL line is empty" in joined


def test_canada_pension_post() -> None:
    a = parse("2022-05-30-202205302396671645.md")
    assert a.title == "加拿大年金计划委员会手握190只中国股票 市值超500亿元"
    assert a.published == dt.datetime(2022, 5, 30, 22, 0, 29, tzinfo=CST)
    assert a.source == "中国证券报"
    assert a.url == "http://finance.eastmoney.com/news/1353,202205302396671645.html"
    assert a.summary.startswith("近日，加拿大主权财富基金——加拿大年金计划委员会(CPPIB)披露最新财报")
    assert a.summary.endswith("约合人民币62亿元。（中国证券报）")
    assert secs(a) == [
        ("116.00700", "腾讯控股", "00700.HK"),
        ("0.000333", "美的集团", "000333.SZ"),
        ("106.BABA", "阿里巴巴", "BABA.US"),
        ("0.300750", "宁德时代", "300750.SZ"),
        ("1.600519", "贵州茅台", "600519.SH"),
        ("1.601318", "中国平安", "601318.SH"),
        ("105.PDD", "拼多多", "PDD.US"),
    ]
    assert [s.exchange for s in a.securities][:3] == ["Hong Kong", "Shenzhen", "NYSE"]
    assert a.securities[-1].exchange == "NASDAQ"
    # "C<PPI topic link>B" reads as CPPIB again, and 中免集团 (no link) is no mention
    assert "加拿大年金计划委员会(CPPIB)" in a.text
    assert a.html.count("security:116.00700") == 2


def test_canada_pension_media_copy() -> None:
    a = parse("2022-05-30-NW202205302396671645.md")
    assert a.key == "NW202205302396671645"
    assert a.title == "加拿大年金计划委员会手握190只中国股票 市值超500亿元"
    assert a.categories == ["zhongguozhengquanbao"] and a.tags == ["中国证券报新闻"]
    assert a.source == "中国证券报"
    assert a.url == "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202205302396671645"
    assert a.securities == []
    assert a.summary.startswith("近日，加拿大主权财富基金")


def test_central_bank_post() -> None:
    a = parse("2022-05-30-202205302396506117.md")
    assert a.title == "央行研究局课题组：促进消费投资增长 实现经济平稳高质量运行"
    assert a.published == dt.datetime(2022, 5, 30, 17, 33, 9, tzinfo=CST)
    assert a.source == "央行网站"
    assert a.url == "http://finance.eastmoney.com/news/1345,202205302396506117.html"
    assert [s.secid for s in a.securities] == [
        "0.300959", "1.601519", "90.BK1074", "90.BK0823", "90.BK1061", "90.BK0922", "90.BK0579",
        "90.BK0800", "90.BK0740", "90.BK1005", "116.01315", "90.BK1030", "90.BK0989", "90.BK0581",
        "90.BK1076", "90.BK0474", "90.BK0475",
    ]
    assert secs(a)[:2] == [("0.300959", "线上线下", "300959.SZ"), ("1.601519", "大智慧", "601519.SH")]
    assert ("116.01315", "绿色经济", "01315.HK") in secs(a)
    # this digest does not repeat the opening paragraph: it stays, once
    assert a.summary.startswith("央行研究局课题组发布题为《促进消费投资增长 实现经济平稳高质量运行》的文章称")
    assert a.html.startswith("<blockquote>")
    assert a.text.count("央行研究局课题组发布题为") == 1


def test_central_bank_media_copy() -> None:
    a = parse("2022-05-30-NW202205302396506117.md")
    assert a.categories == ["yangxingwangzhan"] and a.tags == ["央行网站新闻"]
    assert a.source == "央行网站"
    assert a.url == "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202205302396506117"
    assert a.securities == []
    assert a.summary.startswith("今年我国经济平稳开局")


def test_snowball_post() -> None:
    a = parse("2022-01-07-202201072239307540.md")
    assert a.title == "资管圈风向又变！雪球结构产品再迎强监管 信托公司雪球发行被叫停 影响多大？"
    assert a.published == dt.datetime(2022, 1, 7, 8, 14, 19, tzinfo=CST)
    assert a.source == "券商中国"
    assert a.url == "http://finance.eastmoney.com/news/1353,202201072239307540.html"
    assert a.summary == (
        "券商中国获悉，1月5日，部分涉及衍生品业务的信托公司(主要是雪球类)收到监管窗口指导，"
        "暂停涉及雪球类券商收益凭证产品的发行。（券商中国）"
    )
    assert secs(a) == [
        ("90.BK0473", "证券", "BK0473"),
        ("0.000776", "广发证券", "000776.SZ"),
        ("1.601211", "国泰君安", "601211.SH"),
        ("1.601688", "华泰证券", "601688.SH"),
        ("0.000166", "申万宏源", "000166.SZ"),
        ("1.600999", "招商证券", "600999.SH"),
        ("1.601995", "中金公司", "601995.SH"),
        ("1.601066", "中信建投", "601066.SH"),
        ("1.600030", "中信证券", "600030.SH"),
        ("90.BK0475", "银行", "BK0475"),
        ("90.BK0474", "保险", "BK0474"),
    ]
    assert a.text.startswith("资管新规刚刚迈入落地元年")
    assert a.text.count("券商中国获悉，1月5日") == 1  # the digest repeats the second paragraph


def test_changchun_pair() -> None:
    a = parse("2022-04-21-202204212352230938.md")
    b = parse("2022-04-21-NW202204212352230938.md")
    assert a.title == b.title == "长春发布若干政策措施支持市场主体纾困促进经济恢复发展"
    assert a.published == b.published == dt.datetime(2022, 4, 21, 18, 36, 14, tzinfo=CST)
    assert a.source == b.source == "财联社"
    assert a.categories == ["emnews"] and b.categories == ["cailianshe"]
    assert b.tags == ["财联社新闻"]
    assert a.url == "http://finance.eastmoney.com/news/1350,202204212352230938.html"
    assert b.url == "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202204212352230938"
    assert a.text == b.text  # the repeated digest is dropped: the same story body
    assert a.summary.startswith("长春发布《关于支持市场主体纾困促进经济恢复发展的若干政策措施》。")


def test_plain_2021_post_with_two_line_footer() -> None:
    a = parse("2021-12-08-202112082206768417.md")
    assert a.title == "四部门：加强对数据中心建设的统筹指导 坚决避免数据中心盲目无序发展"
    assert a.published == dt.datetime(2021, 12, 8, 10, 53, 3, tzinfo=CST)  # naive: archive zone
    assert a.url == "http://finance.eastmoney.com/news/1355,202112082206768417.html"
    assert a.source == "" and a.securities == []
    assert a.summary.startswith("国家发改委等四部门印发《贯彻落实碳达峰碳中和目标要求")
    assert a.text.count("\n") == 0 and a.html.count("<p>") == 1
    assert a.warnings == []


def test_empty_original_url_line() -> None:
    a = parse("2021-12-08-202112082206870651.md")
    assert a.title == "财政部两期国债中标结果出炉（12-08）"
    assert a.url == ""
    assert a.warnings == ["the original-URL line is empty"]
    assert a.text == (
        "2021年12月8日讯，财政部2年期续发国债中标利率为2.4576%，边际利率为2.4823%，全场倍数为3.7，"
        "边际倍数为2.2。(东方财富Choice数据)"
    )


def test_posts_copy_with_blank_line_before_front_matter() -> None:
    a = parse("_posts__2021-12-08-202112082206703990.md")
    assert (CORPUS / "_posts__2021-12-08-202112082206703990.md").read_bytes().startswith(b"\n---")
    assert a.title == "FF：有充足的现金支持到FF 91完成投产"
    assert a.published == dt.datetime(2021, 12, 8, 10, 18, 31, tzinfo=CST)
    assert a.url == "http://stock.eastmoney.com/news/1611,202112082206703990.html"
    assert a.warnings == []


def test_site_news_post() -> None:
    a = parse("2021-12-01-init.md")
    assert a.key == "2021-12-01-init"
    assert a.title == "开站大吉"
    assert a.published == dt.datetime(2021, 12, 1, 13, 33, 50, tzinfo=CST)
    assert a.categories == ["sitenews"] and a.tags == ["站长消息"]
    assert a.text == "祝贺开站" and a.summary == "祝贺开站"
    assert (a.word_count, a.char_count) == (8, 8)  # 开站大吉 + 祝贺开站


# -- the archive's time zone --------------------------------------------------------------------


def test_naive_dates_take_the_archive_time_zone(tmp_path: Path) -> None:
    site = tmp_path / "site"
    posts = site / "_posts"
    posts.mkdir(parents=True)
    (site / "_config.yml").write_text("title: x\ntimezone: America/New_York\n", encoding="utf-8")
    for name in ("2021-12-08-202112082206768417.md", "old_post__2021-12-08-202112082206703990.md"):
        shutil.copyfile(CORPUS / name, posts / name)
    archive_timezone.cache_clear()
    naive = parse_file(posts / "2021-12-08-202112082206768417.md")
    assert naive.published.utcoffset() == dt.timedelta(hours=-5)
    assert naive.published.replace(tzinfo=None) == dt.datetime(2021, 12, 8, 10, 53, 3)
    explicit = parse_file(posts / "old_post__2021-12-08-202112082206703990.md")  # "+0800" wins
    assert explicit.published == dt.datetime(2021, 12, 8, 10, 18, 31, tzinfo=CST)


def test_config_three_levels_up_is_not_used(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    (tmp_path / "_config.yml").write_text("timezone: America/New_York\n", encoding="utf-8")
    shutil.copyfile(CORPUS / "2021-12-08-202112082206768417.md", deep / "post.md")
    archive_timezone.cache_clear()
    assert archive_timezone(str(deep)) is None
    assert parse_file(deep / "post.md").published.utcoffset() == dt.timedelta(hours=8)


def test_the_sites_own_config(tmp_path: Path) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    shutil.copyfile(SITE_CONFIG, tmp_path / "_config.yml")
    archive_timezone.cache_clear()
    assert archive_timezone(str(posts)) == "Asia/Shanghai"
