"""Eastmoney security identifiers.

Eastmoney names a security by its *secid*: ``<market>.<code>``, where the market is a
number (0 Shenzhen, 1 Shanghai, 116 Hong Kong, 105/106/107 US, 90 sector boards, ...).
The archive writes it as ``data-code="0,000931"``, in quote URLs (``/unify/r/0.000931``)
and in span ids (``stock_0.000931``, ``bk_90.BK0493``, ``Info.116.02176``).  Sometimes only
the bare code is given (``data-code="688376"``) and the market must come from elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

QUOTE_URL = "https://quote.eastmoney.com/unify/r/{secid}"

# market number -> (exchange name, symbol suffix or "" for none)
MARKETS: dict[int, tuple[str, str]] = {
    0: ("Shenzhen", "SZ"),
    1: ("Shanghai", "SH"),
    2: ("China Securities Index", "CSI"),
    8: ("China Financial Futures Exchange", "CFE"),
    10: ("Shanghai options", "SHO"),
    12: ("Shenzhen options", "SZO"),
    47: ("China Bond", "CB"),
    90: ("Sector board", ""),
    100: ("Global index", "GI"),
    101: ("COMEX", "CMX"),
    102: ("NYMEX", "NYM"),
    103: ("CBOT", "CBT"),
    104: ("SGX", "SGX"),
    105: ("NASDAQ", "US"),
    106: ("NYSE", "US"),
    107: ("NYSE American", "US"),
    108: ("NYMEX", "NYM"),
    109: ("LME", "LME"),
    110: ("Bursa Malaysia", "MY"),
    112: ("ICE", "ICE"),
    113: ("Shanghai Futures Exchange", "SHF"),
    114: ("Dalian Commodity Exchange", "DCE"),
    115: ("Zhengzhou Commodity Exchange", "ZCE"),
    116: ("Hong Kong", "HK"),
    118: ("Shanghai Gold Exchange", "SGE"),
    119: ("Forex", "FX"),
    120: ("Forex", "FX"),
    121: ("Forex", "FX"),
    124: ("Hong Kong index", "HK"),
    128: ("Hong Kong", "HK"),
    133: ("Forex", "FX"),
    142: ("Shanghai International Energy Exchange", "INE"),
    150: ("Taiwan", "TW"),
    155: ("London Stock Exchange", "UK"),
}

# Markets whose codes are upper case ("BK0493", "NIO"); futures codes are lower case ("113.aum").
_UPPER_CASE_MARKETS = {90, 105, 106, 107}
_CODE_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,20}$")
_SECID_RE = re.compile(r"(?<![\w.])(\d{1,3})[.,_]([A-Za-z0-9_\-]{1,20}(?:\.[A-Za-z]{1,4})?)$")
_HREF_SECID_RE = re.compile(r"/(?:unify/r|r)/(\d{1,3})\.([A-Za-z0-9_\-.]{1,20})")


@dataclass(frozen=True, slots=True)
class Security:
    """One security as mentioned in an article."""

    market: int
    code: str
    name: str = ""

    @property
    def secid(self) -> str:
        return f"{self.market}.{self.code}"

    @property
    def exchange(self) -> str:
        return MARKETS.get(self.market, (f"Market {self.market}", ""))[0]

    @property
    def symbol(self) -> str:
        return display_symbol(self.market, self.code)

    @property
    def quote_url(self) -> str:
        return QUOTE_URL.format(secid=self.secid)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(
            secid=self.secid,
            exchange=self.exchange,
            symbol=self.symbol,
            quote_url=self.quote_url,
        )
        return {k: d[k] for k in ("secid", "market", "code", "exchange", "symbol", "name", "quote_url")}


def display_symbol(market: int, code: str) -> str:
    """``000931.SZ``, ``600519.SH``, ``02176.HK``, ``NIO.US``, ``BK0493``."""
    if market == 90:
        return code
    if market == 0 and (code.startswith(("4", "8", "92"))):
        return f"{code}.BJ"
    suffix = MARKETS.get(market, ("", str(market)))[1]
    return f"{code}.{suffix}" if suffix else code


def guess_market(code: str) -> int | None:
    """The market of a bare code when nothing else says (A-share numbering rules)."""
    if code.upper().startswith("BK"):
        return 90
    if re.fullmatch(r"\d{6}", code):
        if code.startswith("92"):  # Beijing's new numbering: a Shenzhen-side market number
            return 0
        if code[0] in "569":
            return 1
        if code[0] in "0123489":
            return 0
    if re.fullmatch(r"\d{5}", code):
        return 116
    return None


def parse_secid(text: str) -> tuple[int, str] | None:
    """Parse ``0.000931``, ``0,000931`` or ``90_BK0493`` into (market, code)."""
    text = text.strip()
    m = _SECID_RE.search(text)
    if not m:
        return None
    market, code = int(m.group(1)), m.group(2)
    if not _CODE_RE.match(code):
        return None
    return market, code


def secid_from_href(href: str) -> tuple[int, str] | None:
    """The secid in an eastmoney quote URL (``.../unify/r/1.688376``)."""
    m = _HREF_SECID_RE.search(href or "")
    if not m:
        return None
    return int(m.group(1)), m.group(2).rstrip(".")


def secid_from_span_id(span_id: str) -> tuple[int, str] | None:
    """``stock_0.000931``, ``bk_90.BK0493``, ``Info.116.02176`` -> (market, code).

    ``Info.3321`` (one number, a topic keyword) is not a security.
    """
    m = re.fullmatch(r"(?:stock|bk|Info|info|quote|bkquote)[_.](\d{1,3})\.([A-Za-z0-9_\-]{1,20})", span_id or "")
    if not m:
        return None
    return int(m.group(1)), m.group(2)


def resolve(
    data_code: str | None,
    href: str | None = None,
    span_id: str | None = None,
    name: str = "",
) -> Security | None:
    """Work out the security from whatever the archive gives for one mention."""
    pair: tuple[int, str] | None = None
    bare: str | None = None
    if data_code:
        dc = data_code.strip()
        if "|" in dc:  # "NIO|106|7": chart-image style ("K NIO|106|7" on the picture)
            parts = dc.split("|")
            words = parts[0].split()
            if len(parts) >= 2 and re.fullmatch(r"\d{1,3}", parts[1].strip()) and words and _CODE_RE.match(words[-1]):
                pair = (int(parts[1]), words[-1])
        else:
            pair = parse_secid(dc)
            if pair is None and _CODE_RE.match(dc):
                bare = dc
    if pair is None:
        pair = secid_from_href(href or "") or secid_from_span_id(span_id or "")
        if pair and bare and pair[1].upper() != bare.upper():
            # the href names another security: trust the explicit code, and its own market
            # when the numbering rules know it
            guessed = guess_market(bare)
            pair = (guessed if guessed is not None else pair[0], bare)
    if pair is None and bare:
        market = guess_market(bare)
        if market is not None:
            pair = (market, bare)
    if pair is None:
        return None
    market, code = pair
    if market in _UPPER_CASE_MARKETS:  # boards and US tickers: one spelling per security
        code = code.upper()
    return Security(market=market, code=code, name=name.strip())
