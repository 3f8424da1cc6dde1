"""Eastmoney secids: markets, display symbols, and resolving a mention from what the page gives."""

from __future__ import annotations

import pytest

from reader.core.securities import (
    MARKETS,
    QUOTE_URL,
    Security,
    display_symbol,
    guess_market,
    parse_secid,
    resolve,
    secid_from_href,
    secid_from_span_id,
)


@pytest.mark.parametrize(
    "market,code,exchange,symbol",
    [
        (0, "000931", "Shenzhen", "000931.SZ"),
        (0, "300343", "Shenzhen", "300343.SZ"),
        (1, "600519", "Shanghai", "600519.SH"),
        (1, "688376", "Shanghai", "688376.SH"),
        (116, "02176", "Hong Kong", "02176.HK"),
        (116, "00700", "Hong Kong", "00700.HK"),
        (105, "PDD", "NASDAQ", "PDD.US"),
        (106, "NIO", "NYSE", "NIO.US"),
        (107, "SPY", "NYSE American", "SPY.US"),
        (90, "BK0493", "Sector board", "BK0493"),
        (100, "HSI", "Global index", "HSI.GI"),
        (0, "430047", "Shenzhen", "430047.BJ"),  # Beijing stocks sit in market 0
        (0, "830799", "Shenzhen", "830799.BJ"),
        (0, "920118", "Shenzhen", "920118.BJ"),
    ],
)
def test_markets_and_symbols(market: int, code: str, exchange: str, symbol: str) -> None:
    s = Security(market, code, "名字")
    assert s.secid == f"{market}.{code}"
    assert s.exchange == exchange
    assert s.symbol == symbol == display_symbol(market, code)
    assert s.quote_url == QUOTE_URL.format(secid=s.secid) == f"https://quote.eastmoney.com/unify/r/{market}.{code}"


def test_unknown_market() -> None:
    s = Security(777, "X1")
    assert s.exchange == "Market 777"
    assert s.symbol == "X1.777"


def test_us_markets_share_a_suffix() -> None:
    assert {MARKETS[m][1] for m in (105, 106, 107)} == {"US"}


def test_to_dict_is_the_json_contract() -> None:
    d = Security(106, "NIO", "蔚来").to_dict()
    assert list(d) == ["secid", "market", "code", "exchange", "symbol", "name", "quote_url"]
    assert d == {
        "secid": "106.NIO", "market": 106, "code": "NIO", "exchange": "NYSE", "symbol": "NIO.US",
        "name": "蔚来", "quote_url": "https://quote.eastmoney.com/unify/r/106.NIO",
    }


@pytest.mark.parametrize(
    "text,expected",
    [
        ("0.000931", (0, "000931")),
        ("0,000931", (0, "000931")),
        ("90,BK0493", (90, "BK0493")),
        ("90_BK0493", (90, "BK0493")),
        ("116,02176", (116, "02176")),
        ("106,NIO", (106, "NIO")),
        (" 1,600519 ", (1, "600519")),
        ("105,BRK.B", (105, "BRK.B")),
        ("688376", None),
        ("", None),
        ("1,", None),
        (",600519", None),
        ("abc", None),
    ],
)
def test_parse_secid(text: str, expected: tuple[int, str] | None) -> None:
    assert parse_secid(text) == expected


@pytest.mark.parametrize(
    "href,expected",
    [
        ("http://quote.eastmoney.com/unify/r/1.688376", (1, "688376")),
        ("https://quote.eastmoney.com/unify/r/106.NIO", (106, "NIO")),
        ("//quote.eastmoney.com/unify/r/90.BK0493", (90, "BK0493")),
        ("http://quote.eastmoney.com/unify/r/116.02176?from=x", (116, "02176")),
        ("http://data.eastmoney.com/bbsj/", None),
        ("", None),
    ],
)
def test_secid_from_href(href: str, expected: tuple[int, str] | None) -> None:
    assert secid_from_href(href) == expected


@pytest.mark.parametrize(
    "span_id,expected",
    [
        ("stock_0.000931", (0, "000931")),
        ("bk_90.BK0493", (90, "BK0493")),
        ("Info.116.02176", (116, "02176")),
        ("quote_1.600519", (1, "600519")),
        ("bkquote_90.BK0493", (90, "BK0493")),
        ("Info.3321", None),  # a topic keyword, not a security
        ("stock_", None),
        ("", None),
    ],
)
def test_secid_from_span_id(span_id: str, expected: tuple[int, str] | None) -> None:
    assert secid_from_span_id(span_id) == expected


@pytest.mark.parametrize(
    "code,market",
    [("600519", 1), ("688376", 1), ("510300", 1), ("900901", 1), ("000931", 0), ("300343", 0),
     ("200002", 0), ("430047", 0), ("830799", 0), ("920118", 0), ("00700", 116), ("BK0493", 90),
     ("bk0493", 90), ("NIO", None), ("7", None)],
)
def test_guess_market(code: str, market: int | None) -> None:
    assert guess_market(code) == market


# -- resolve: one mention -> one security --------------------------------------------------------


def test_resolve_explicit_data_code() -> None:
    assert resolve("0,000931", name=" 中关村 ") == Security(0, "000931", "中关村")
    assert resolve("106,NIO", "http://quote.eastmoney.com/unify/r/106.NIO") == Security(106, "NIO")


def test_resolve_bare_code_market_from_href() -> None:
    s = resolve("688376", "http://quote.eastmoney.com/unify/r/1.688376", None, "美迪西")
    assert s == Security(1, "688376", "美迪西")
    assert s is not None and s.symbol == "688376.SH"


def test_resolve_bare_code_market_from_span_id() -> None:
    assert resolve("02176", None, "Info.116.02176", "赛生药业") == Security(116, "02176", "赛生药业")


def test_resolve_bare_code_by_numbering_rules() -> None:
    assert resolve("600519") == Security(1, "600519")
    assert resolve("000001") == Security(0, "000001")
    assert resolve("00700") == Security(116, "00700")
    assert resolve("NIO") is None  # a bare ticker names no market


def test_resolve_bare_code_when_the_href_names_another_security() -> None:
    # the explicit code wins; its own numbering gives the market, not the other link's
    assert resolve("600519", "http://quote.eastmoney.com/unify/r/0.000001") == Security(1, "600519")
    assert resolve("X9", "http://quote.eastmoney.com/unify/r/105.PDD") == Security(105, "X9")


def test_resolve_from_href_or_span_alone() -> None:
    assert resolve(None, "http://quote.eastmoney.com/unify/r/90.bk0493") == Security(90, "BK0493")
    assert resolve(None, None, "bk_90.BK0493", "新能源") == Security(90, "BK0493", "新能源")
    assert resolve(None, None, "stock_106.nio") == Security(106, "NIO")
    assert resolve(None, None, None) is None
    assert resolve(None, "http://data.eastmoney.com/bbsj/", "Info.3321") is None


def test_resolve_chart_picture_codes() -> None:
    assert resolve("NIO|106|7") == Security(106, "NIO")
    assert resolve("K NIO|106|7") == Security(106, "NIO")


@pytest.mark.parametrize("data_code", ["|106|7", " |1|", "|", "||", "NIO|x|7", "N<b>|106|7", "NIO|1066|7"])
def test_resolve_malformed_chart_codes_do_not_raise(data_code: str) -> None:
    assert resolve(data_code) is None


def test_futures_codes_keep_their_case() -> None:
    assert resolve("113,aum") == Security(113, "aum")
    assert resolve("1.600519").code == "600519"  # type: ignore[union-attr]
