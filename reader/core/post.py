"""One post file -> :class:`Article`.

Reads the bytes, works out the encoding, splits the front matter (leniently: the archive's
generator wrote titles without escaping them), resolves the published time and the story's
identity, then renders and cleans the body.  Nothing here raises for a bad post: problems
become warnings, and only a file that cannot be read at all becomes an error.

Over the ~400-line rule on purpose: the lenient front matter, the encodings and the date
fallbacks are each small, but they read and fill one :class:`Article` in a fixed order; apart,
that order would be spread over modules that each need the others' half-made state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from frontmatter.default_handlers import BaseHandler, JSONHandler, YAMLHandler

from reader.core.attribution import repeats_title
from reader.core.clean import CleanResult, clean
from reader.core.flatyaml import flat_yaml
from reader.core.render import render_markdown
from reader.core.securities import Security

DEFAULT_TZ = "Asia/Shanghai"
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_FRONT_MATTER = 64 * 1024
# Front matter nested deeper than this is refused: PyYAML's C composer recurses once per level
# and takes the process down (SIGSEGV) at some tens of thousands.
MAX_YAML_DEPTH = 100
# Nodes a YAML document may hold once its aliases are expanded (an alias bomb holds billions).
MAX_YAML_NODES = 100_000

_DATE_RE = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?\s*$",
    re.I,
)
_NAME_DATE_RE = re.compile(r"(?:^|[_\-/])(\d{4})-(\d{2})-(\d{2})-")
_ID_RE = re.compile(r"((?:NW)?\d{12,24})$", re.I)
_LINE_FIELD_RE = re.compile(r"^([A-Za-z_][\w\-]*)\s*:\s?(.*)$")
_TOML_FIELD_RE = re.compile(r"^([A-Za-z_][\w\-]*)\s*=\s?(.*)$")
# Bounded, so that a hostile body cannot make the search quadratic.
_HEADING_RE = re.compile(r"^ {0,3}#{1,6}[ \t]+([^\n]{1,500})$", re.M)
_HTML_HEADING_RE = re.compile(r"<h[1-6](?:\s[^<>]{0,500})?>([^\n]{0,500}?)</h[1-6]>", re.I)
_TITLE_SCAN = 64 * 1024
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af\U00020000-\U0002ffff]")
_CJK_RUN_RE = re.compile(_CJK_RE.pattern + "+")  # runs, not characters: a fifth of the calls
_WS_RE = re.compile(r"\s+")
_JUNK_RE = re.compile("[\x00-\x08\x0b\x0d-\x1f\ufffd]")  # control characters but \t \n \f; U+FFFD
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LATIN_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:[.'\-][A-Za-z0-9]+)*")
# An original-article URL: absolute http(s), a host right after the slashes.
_ABSOLUTE_HTTP_RE = re.compile(r"^https?://[^/\\\s?#@]", re.I)


class PostError(Exception):
    """The file could not be read as a post at all."""


@dataclass
class Article:
    """Everything the reader keeps of one post."""

    path: str
    key: str
    title: str
    published: dt.datetime
    categories: list[str]
    tags: list[str]
    source: str
    url: str
    summary: str
    securities: list[Security]
    html: str
    text: str
    word_count: int
    char_count: int
    warnings: list[str]
    content_hash: str
    size: int = 0
    mtime_ns: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    # the securities its K-line charts show (each also one of ``securities``); not in ``parse --json``
    charts: list[Security] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The ``parse --json`` object (a public contract: keys exactly as documented)."""
        return {
            "path": self.path,
            "key": self.key,
            "title": self.title,
            "published": self.published.isoformat(),
            "categories": self.categories,
            "tags": self.tags,
            "source": self.source,
            "url": self.url,
            "summary": self.summary,
            "securities": [s.to_dict() for s in self.securities],
            "html": self.html,
            "text": self.text,
            "warnings": self.warnings,
            "error": None,
        }


class _TomlHandler(BaseHandler):  # type: ignore[misc]
    """TOML front matter (``+++``) through the standard library's tomllib."""

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomllib.loads(fm)

    def export(self, metadata: dict[str, object], **kwargs: object) -> str:
        raise NotImplementedError


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _check_yaml(text: str) -> None:
    """Refuse YAML nested too deeply for the composer, or whose aliases expand too far
    (ValueError).  Reads the parser's events only: the parser keeps its own stack, so any
    nesting is safe to read, and nothing is expanded."""
    open_sizes: list[int] = []  # expanded node counts of the collections still open
    open_anchors: list[str | None] = []
    anchored: dict[str, int] = {}
    total = 0
    for event in yaml.parse(text, Loader=_YAML_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            if len(open_sizes) >= MAX_YAML_DEPTH:
                raise ValueError("front matter nested too deeply")
            open_sizes.append(1)
            open_anchors.append(event.anchor)
            total += 1
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            size, anchor = open_sizes.pop(), open_anchors.pop()
            if anchor is not None:
                anchored[anchor] = size
        elif isinstance(event, yaml.ScalarEvent):
            size = 1
            total += 1
            if event.anchor is not None:
                anchored[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            size = anchored.get(event.anchor or "", 1)
            total += size
        else:
            continue
        if open_sizes:
            open_sizes[-1] += size
        if total > MAX_YAML_NODES:
            raise ValueError("front matter expands YAML aliases too far (possible alias bomb)")


def _load_yaml(text: str) -> Any:
    _check_yaml(text)
    return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader


class _YamlHandler(YAMLHandler):  # type: ignore[misc]
    def load(self, fm: str, **kwargs: object) -> Any:
        if len(fm) > MAX_FRONT_MATTER:
            raise ValueError(f"front matter larger than {MAX_FRONT_MATTER // 1024} KB")
        flat = flat_yaml(fm)  # the common shape, without the YAML parser
        return flat if flat is not None else _load_yaml(fm)


_HANDLERS = [_YamlHandler(), _TomlHandler(), JSONHandler()]


def _utf16(raw: bytes) -> str | None:
    """Text of a UTF-16 file with its byte-order mark (Windows editors write these)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            return raw.decode("utf-16", errors="replace")
    return None


def decode(raw: bytes) -> tuple[str, list[str]]:
    """Bytes -> text: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030, else UTF-8
    with replacements.  A UTF-8 file with a few bad bytes (say, cut in the middle of a
    character) stays UTF-8: GB18030 accepts almost any bytes and would garble all of it."""
    warnings: list[str] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    wide = _utf16(raw)
    if wide is not None:
        text = wide
        warnings.append("file is UTF-16; decoded as such")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            lenient = raw.decode("utf-8", errors="replace")
            bad = lenient.count("\ufffd") - raw.count("\ufffd".encode())
            non_ascii = len(raw) - len(raw.translate(None, bytes(range(0x80, 0x100))))
            text = ""
            if bad * 20 > non_ascii:  # mostly not UTF-8: a legacy Chinese encoding?
                try:
                    text = raw.decode("gb18030")
                    warnings.append("file is not UTF-8; decoded as GB18030")
                except UnicodeDecodeError:
                    text = ""
            if not text:
                text = lenient
                warnings.append("file has invalid UTF-8; bad bytes replaced")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text, warnings


def _unquote(value: str) -> str:
    v = value.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        inner = v[1:-1]
        return inner.replace('\\"', '"') if v[0] == '"' else inner.replace("''", "'")
    return v


def _flow_list(value: str) -> list[str] | None:
    v = value.strip()
    if len(v) >= 2 and v[0] == "[" and v[-1] == "]":
        return [_unquote(item) for item in v[1:-1].split(",") if item.strip()]
    return None


def _lenient_fields(block: str, field_re: re.Pattern[str] = _LINE_FIELD_RE) -> dict[str, Any]:
    """Recover ``key: value`` (TOML: ``key = value``) lines from front matter the parser rejects."""
    fields: dict[str, Any] = {}
    current_list: list[str] | None = None
    for line in block.split("\n"):
        item = re.match(r"^\s*-\s+(.*)$", line)
        if item and current_list is not None:
            current_list.append(_unquote(item.group(1)))
            continue
        m = field_re.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2)
        if value.strip() == "":
            current_list = []
            fields[key] = current_list
        else:
            current_list = None
            listed = _flow_list(value)
            fields[key] = listed if listed is not None else _unquote(value)
    return fields


def split_front_matter(text: str) -> tuple[dict[str, Any], str, list[str]]:
    """(metadata, body, warnings); never raises."""
    warnings: list[str] = []
    stripped = text.lstrip("\n \t")
    for handler in _HANDLERS:
        if not handler.detect(stripped):
            continue
        try:
            fm, body = handler.split(stripped)
        except ValueError:
            continue
        try:
            meta = handler.load(fm)
            if meta is None:
                meta = {}
            if not isinstance(meta, dict):
                raise ValueError("front matter is not a mapping")
            return meta, body, warnings
        except Exception as exc:
            reason = str(exc).split("\n")[0][:120]
            warnings.append(f"front matter is not valid ({reason}); fields recovered line by line")
            field_re = _TOML_FIELD_RE if isinstance(handler, _TomlHandler) else _LINE_FIELD_RE
            return _lenient_fields(fm, field_re), body, warnings
    return {}, text, ["no front matter"]


@lru_cache(maxsize=256)
def zone(name: str | None) -> dt.tzinfo:
    try:
        return ZoneInfo(name or DEFAULT_TZ)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo(DEFAULT_TZ)


@lru_cache(maxsize=1024)
def archive_timezone(directory: str) -> str | None:
    """The ``timezone`` of the Jekyll ``_config.yml`` in this folder or the two above it."""
    d = Path(directory)
    for candidate in (d, *list(d.parents)[:2]):
        cfg = candidate / "_config.yml"
        try:
            if cfg.is_file() and cfg.stat().st_size < 1_000_000:
                data = _load_yaml(cfg.read_text(encoding="utf-8", errors="replace"))
                if isinstance(data, dict) and isinstance(data.get("timezone"), str):
                    return str(data["timezone"])
                return None
        except (OSError, ValueError, yaml.YAMLError):
            return None
    return None


@lru_cache(maxsize=1024)
def _folder_timezone(folder: str) -> str | None:
    """``archive_timezone`` of a folder as named (resolved once, not once per post)."""
    return archive_timezone(str(Path(folder).resolve()))


def _representable(d: dt.datetime) -> dt.datetime | None:
    """``d``, or None when its instant falls outside the years 1..9999 in UTC (or in local
    time at a whole-minute offset): the library could not turn it back into a datetime."""
    try:
        offset = d.utcoffset() or dt.timedelta()
        minutes = dt.timezone(dt.timedelta(minutes=offset // dt.timedelta(minutes=1)))
        d.astimezone(dt.UTC)
        d.astimezone(minutes)
    except (OverflowError, ValueError):
        return None
    return d


def parse_date(value: Any, tz: dt.tzinfo) -> dt.datetime | None:
    """Front-matter date (string, date or datetime) -> aware datetime, or None (also for a
    date the library cannot hold: outside the years 1..9999 once in UTC)."""
    d = _parse_date(value, tz)
    return None if d is None else _representable(d)


def _parse_date(value: Any, tz: dt.tzinfo) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=tz)
    if not isinstance(value, str):
        return None
    m = _DATE_RE.match(value)
    if not m:
        return None
    y, mo, d, h, mi, s, frac, off = m.groups()
    try:
        micro = int((frac or "0").ljust(6, "0")[:6])
        naive = dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), micro)
    except ValueError:
        return None
    if off is None:
        return naive.replace(tzinfo=tz)
    if off.upper() == "Z":
        return naive.replace(tzinfo=dt.UTC)
    sign = -1 if off[0] == "-" else 1
    digits = off[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        return None
    return naive.replace(tzinfo=dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes)))


def story_key(path: Path) -> str:
    """The story's identity, the same in ``_posts/``, ``old_post/`` or any copy of the archive.

    The archive names files ``YYYY-MM-DD-<id>.md`` (sometimes ``-<id>.md``), where ``<id>`` is
    the news service's own article id; that id is the key.  Other names keep their stem.
    """
    stem = unicodedata.normalize("NFC", path.stem)
    m = _ID_RE.search(stem)
    if m:
        return m.group(1).upper()
    stem = stem.rsplit("__", 1)[-1]  # flattened copies: "_posts__2021-12-08-init"
    return stem.strip().lower() or "untitled"


_NW_KEY_RE = re.compile(r"NW(\d{12,24})", re.I)


def story_of(key: str) -> str:
    """The story a copy's key names: eastmoney's info code, its digits.  Media-category copies
    carry it as ``NW<digits>``, the rolling-news copy as ``<digits>``: one story, one article."""
    m = _NW_KEY_RE.fullmatch(key.strip())
    return m.group(1) if m else key


def _date_from_name(path: Path, tz: dt.tzinfo) -> dt.datetime | None:
    m = _NAME_DATE_RE.search("/" + path.name)
    if m:
        try:
            return _representable(dt.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), tzinfo=tz))
        except ValueError:
            return None
    idm = re.search(r"(?:^|[-_])(?:NW)?(20\d{2})(\d{2})(\d{2})\d{4,}$", path.stem, re.I)
    if idm:
        try:
            return dt.datetime(int(idm.group(1)), int(idm.group(2)), int(idm.group(3)), tzinfo=tz)
        except ValueError:
            return None
    return None


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in value.split() if v]
    if isinstance(value, list | tuple):
        out: list[str] = []
        for v in value:
            if isinstance(v, str | int | float):
                out.extend(str(v).split())
        return out
    if isinstance(value, int | float):
        return [str(value)]
    return []


def _fallback_title(body: str, summary: str, path: Path) -> tuple[str, str]:
    head = body[:_TITLE_SCAN]
    m = _HEADING_RE.search(head) or _HTML_HEADING_RE.search(head)
    if m:
        title = re.sub(r"<[^>]*>", "", m.group(1))
        title = _WS_RE.sub(" ", re.sub(r"(?:^|\s)#+\s*$", "", title)).strip()
        if title:
            return title, "the first heading"
    if summary:
        first = re.split(r"(?<=[。！？!?])", summary.strip(), maxsplit=1)[0]
        first = re.sub(r"^据[^，,]{1,20}[，,]", "", first).strip() or first
        return (first if len(first) <= 60 else first[:59] + "…"), "the digest"
    return path.stem.lstrip("-_") or path.name, "the file name"


def _source(cleaned: CleanResult, meta: dict[str, Any], title: str) -> str:
    """The 文章来源 line, else the front matter's ``source``, else the name in brackets that
    closes the last paragraph (the 2021 posts' only source), unless that paragraph is the
    title again (a headline-only post: the bracket is the headline's own)."""
    if cleaned.source:
        return cleaned.source
    if isinstance(meta.get("source"), str) and meta["source"].strip():
        return str(meta["source"])
    name = cleaned.trailing_source
    if not name or repeats_title(cleaned.text.rsplit("\n", 1)[-1], title):
        return ""
    return name


def count_words(text: str) -> tuple[int, int]:
    """(words, characters): each CJK character counts as a word, as do Latin words and numbers.
    Counted without a list of the matches (a dense post has millions of them)."""
    cjk = len(text) - len(_CJK_RUN_RE.sub("", text))  # one copy of the text at most, in C
    if len(text) < 1 << 16:
        latin = len(_LATIN_WORD_RE.findall(text))
    else:  # a dense huge post: no list of millions of matches
        latin = sum(1 for _ in _LATIN_WORD_RE.finditer(text))
    chars = len(_WS_RE.sub("", text))  # \s is str.isspace()
    return cjk + latin, chars


def absolute_http_url(value: Any) -> str:
    """``value`` when it is an absolute http(s) URL naming a host, else ""."""
    if not isinstance(value, str):
        return ""
    v = value.strip()
    if not _ABSOLUTE_HTTP_RE.match(v) or _WS_RE.search(v) or _CONTROL_RE.search(v):
        return ""
    try:
        parts = urlsplit(v)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return parts.scheme.lower() + v[len(parts.scheme):]


def parse_bytes(
    raw: bytes,
    path: Path,
    *,
    tz_name: str | None = None,
    mtime: float | None = None,
) -> Article:
    """Parse a post held in memory.  ``path`` is used for identity and fallbacks only."""
    if b"\x00" in raw[:8192] and raw[:8192].count(b"\x00") > 8 and _utf16(raw[:8192]) is None:
        raise PostError("binary file (not a text post)")
    text, warnings = decode(raw)
    head = text[:8192]
    junk = len(head) - len(_JUNK_RE.sub("", head))
    if head and junk > max(16, len(head) // 10):
        raise PostError("binary or unreadable file (mostly undecodable bytes)")
    meta, body, fm_warnings = split_front_matter(text)
    warnings += fm_warnings
    tz = zone(tz_name)

    rendered, render_warnings = render_markdown(body)
    warnings += render_warnings
    cleaned = clean(rendered)
    warnings += cleaned.warnings

    raw_title = meta.get("title")
    title = _WS_RE.sub(" ", _CONTROL_RE.sub("", str(raw_title))).strip() if isinstance(raw_title, str | int | float) else ""
    if not title:
        title, where = _fallback_title(body, cleaned.summary, path)
        warnings.append(f"no title; taken from {where}")

    published = parse_date(meta.get("date"), tz)
    if published is None:
        value = meta.get("date")
        if isinstance(value, str | int | float | dt.date) and value != "":
            # a date the library cannot hold is refused like a malformed one
            warnings.append(f"date {str(value)[:40]!r} is not a date")
        elif value is not None:
            # a collection is never formatted: through aliases it may be huge
            warnings.append(f"date is a {type(value).__name__}, not a date")
        published = _date_from_name(path, tz)
        if published is not None:
            warnings.append("no usable date; taken from the file name")
        else:
            try:
                published = (_representable(dt.datetime.fromtimestamp(mtime if mtime is not None else 0.0, tz))
                             or dt.datetime.fromtimestamp(0.0, tz))
            except (OverflowError, OSError, ValueError):
                published = dt.datetime.fromtimestamp(0.0, tz)
            warnings.append("no usable date; taken from the file's modification time")

    words, chars = count_words(title + "\n" + cleaned.text)
    return Article(
        path=str(path),
        key=story_key(path),
        title=title,
        published=published,
        categories=_as_list(meta.get("categories", meta.get("category"))),
        tags=_as_list(meta.get("tags")),
        source=_source(cleaned, meta, title),
        url=absolute_http_url(cleaned.url) or absolute_http_url(meta.get("url")),
        summary=cleaned.summary,
        securities=cleaned.securities,
        charts=cleaned.charts,
        html=cleaned.html,
        text=cleaned.text,
        word_count=words,
        char_count=chars,
        warnings=warnings,
        content_hash=content_hash(raw),
        size=len(raw),
    )


def content_hash(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def read_post_bytes(path: Path) -> tuple[bytes, os.stat_result]:
    """Read a post file, refusing what cannot be a post (PostError with the reason)."""
    try:
        st = path.stat()
    except OSError as exc:
        raise PostError(f"cannot read file: {exc.strerror or exc}") from exc
    if not path.is_file():
        raise PostError("not a regular file")
    if st.st_size > MAX_FILE_BYTES:
        raise PostError(f"file too large ({st.st_size // (1024 * 1024)} MB; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MB)")
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise PostError(f"cannot read file: {exc.strerror or exc}") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise PostError("file too large")
    return raw, st


def parse_file(path: str | os.PathLike[str], *, tz_name: str | None = None) -> Article:
    """Parse one post file.  Raises :class:`PostError` only when it cannot be read at all."""
    p = Path(path)
    raw, st = read_post_bytes(p)
    if tz_name is None:
        tz_name = _folder_timezone(str(p.parent))
    art = parse_bytes(raw, p, tz_name=tz_name, mtime=st.st_mtime)
    art.mtime_ns = st.st_mtime_ns
    return art


def error_json(path: str, message: str) -> dict[str, Any]:
    """The ``parse --json`` object for a file that could not be read."""
    return {
        "path": path, "key": story_key(Path(path)), "title": "", "published": None,
        "categories": [], "tags": [], "source": "", "url": "", "summary": "", "securities": [],
        "html": "", "text": "", "warnings": [], "error": message,
    }


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)
