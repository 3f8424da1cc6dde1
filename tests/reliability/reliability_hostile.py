"""Hostile archives for the reliability tests, an independent inertness check, and the
subprocess entry points the tests run (an import that reports its memory, and a viewer probe
that runs under ``strace``).

Everything is written by the tests into temporary folders; nothing binary is committed.

Run as a script::

    python reliability_hostile.py import CORPUS LIBRARY OUT.json [--workers N]
    python reliability_hostile.py viewer-probe CORPUS LIBRARY OUT.json [--audit] [--marker PATH]
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
HELPER = HERE / "reliability_hostile.py"


def subprocess_env() -> dict[str, str]:
    """The environment for the subprocesses the tests start (this checkout first on the path)."""
    return dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", PYTHONFAULTHANDLER="1")


@dataclass
class ImportResult:
    library: Path
    data: dict  # type: ignore[type-arg]  # what run_import wrote


# --- the inertness check ----------------------------------------------------------------------

# Elements that must never survive (the cleaner's allowlist is far narrower still).
DISALLOWED_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
    "button", "select", "textarea", "svg", "math", "base", "meta", "link", "noscript", "template",
    "audio", "video", "source", "track", "canvas", "map", "area", "param", "portal", "dialog",
    "html", "head", "body", "title", "font", "center", "marquee", "xmp", "plaintext", "noembed",
    "image", "use", "isindex", "details", "picture",
}
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "background", "poster", "data",
                  "cite", "longdesc", "lowsrc", "dynsrc", "xlink:href", "ping", "codebase",
                  "manifest", "srcdoc", "content", "icon", "profile", "usemap", "archive"}
_ABSOLUTE_HTTP = re.compile(r"https?://[^/\\\s?#@]", re.I)
_SECURITY_HREF = re.compile(r"security:\d{1,3}\.[A-Za-z0-9_\-.]{1,24}")


def inert_problems(html: str) -> list[str]:
    """Every way this stored HTML could run, fetch or restyle something ([] when inert).

    Re-parses with lxml (huge_tree, so nothing deep is silently dropped) and checks elements,
    attributes and URLs independently of the cleaner's own allowlist."""
    import lxml.etree
    import lxml.html

    problems: list[str] = []
    if not html.strip():
        return problems
    parser = lxml.html.HTMLParser(huge_tree=True)
    root = lxml.html.fragment_fromstring(html, create_parent="div", parser=parser)
    for entry in parser.error_log:
        if entry.type_name == "ERR_RESOURCE_LIMIT":
            problems.append(f"checker could not parse everything: {entry.message}")
    for el in root.iter():
        if not isinstance(el.tag, str):
            problems.append("comment" if el.tag is lxml.etree.Comment else f"node {el.tag!r}")
            continue
        tag = el.tag.lower()
        if el is not root and (tag in DISALLOWED_TAGS or ":" in tag):
            problems.append(f"element <{tag}>")
        for name, value in el.attrib.items():
            attr = name.lower()
            v = value.strip()
            if attr.startswith("on"):
                problems.append(f"event attribute {name} on <{tag}>")
            if attr in {"style", "color", "size", "face", "bgcolor", "background", "width",
                        "height", "http-equiv", "target", "rel", "id", "name", "srcdoc"}:
                problems.append(f"attribute {name}={value!r} on <{tag}>")
            if attr not in {"title", "alt"} and ("url(" in v.lower() or "expression(" in v.lower()):
                problems.append(f"css in {name}={value!r} on <{tag}>")
            if attr in URL_ATTRIBUTES or attr.endswith(":href"):
                scheme = v.split(":", 1)[0].lower() if ":" in v else ""
                if (tag, attr) == ("a", "href"):
                    if scheme == "security":
                        if not _SECURITY_HREF.fullmatch(v):
                            problems.append(f"security link naming no secid: {value!r}")
                    elif scheme not in {"http", "https"} or not _ABSOLUTE_HTTP.match(v):
                        problems.append(f"link {value!r}")
                elif (tag, attr) == ("img", "src"):
                    if scheme not in {"http", "https"} or not _ABSOLUTE_HTTP.match(v):
                        problems.append(f"image source {value!r}")
                else:
                    problems.append(f"url attribute {name}={value!r} on <{tag}>")
    return problems


# --- the hostile archive ----------------------------------------------------------------------

FRONT = "---\ntitle: {title}\ndate: 2022-05-26 10:{mm:02d}:00 +0800\ncategories: hostile\ntags: 测试\n---\n"


@dataclass
class Case:
    """One hostile file: its path relative to the archive, what it is, and what must happen."""

    rel: str
    kind: str
    expect: str  # "imported", "failed", "either", "skipped" (not a regular file: never read)
    reason: str = ""  # for "failed": a word the failure's reason must contain


@dataclass
class HostileArchive:
    root: Path
    canary_dir: Path
    port: int
    cases: list[Case] = field(default_factory=list)
    canaries: list[Path] = field(default_factory=list)
    pwned: Path | None = None  # what the front matter's !!python tags would create


class _Builder:
    def __init__(self, root: Path, canary_dir: Path, port: int) -> None:
        self.a = HostileArchive(root, canary_dir, port)
        self.n = 0
        root.mkdir(parents=True, exist_ok=True)
        canary_dir.mkdir(parents=True, exist_ok=True)
        # a picture beside the posts, for relative references
        rel = root / "canary-rel.png"
        rel.write_bytes(_PNG)
        self.a.canaries.append(rel)

    def canary(self) -> tuple[str, str]:
        """A new canary picture: (its file:// URL, an http URL on the canary port)."""
        self.n += 1
        p = self.a.canary_dir / f"canary-{self.n}.png"
        p.write_bytes(_PNG)
        self.a.canaries.append(p)
        return p.as_uri(), f"http://127.0.0.1:{self.a.port}/canary-{self.n}.png"

    def post(self, rel: str, body: str, kind: str, expect: str = "imported", reason: str = "",
             front: str | None = None) -> Path:
        mm = len(self.a.cases) % 60
        text = (FRONT.format(title=kind, mm=mm) if front is None else front) + body
        path = self.a.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.a.cases.append(Case(rel, kind, expect, reason))
        return path

    def raw(self, rel: str, data: bytes, kind: str, expect: str, reason: str = "") -> Path:
        path = self.a.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.a.cases.append(Case(rel, kind, expect, reason))
        return path


_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

# Hostile markup that needs no canary; each becomes a post of its own.
SNIPPETS = [
    "<script>alert(1)</script>x",
    "<SCRIPT SRC=http://evil.invalid/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="data:image/png;base64,AAAA">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#0000106&#0000097vascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="VbScRiPt:msgbox(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="file:///etc/passwd">x</a>',
    '<a href="/relative">x</a><a href="relative.html">y</a><a href="../up">z</a>',
    '<a href="security:javascript:alert(1)">x</a><a href="SECURITY:1.600519">y</a>',
    '<a href="http://ok.example/" onclick="alert(1)" style="color:red">x</a>',
    "<svg><script>alert(1)</script></svg>",
    '<svg onload=alert(1)><use href="data:image/svg+xml,x"/></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<form action="http://evil.invalid/"><input name=x><button formaction="javascript:alert(1)">b</button></form>',
    '<iframe src="http://evil.invalid/"></iframe>',
    '<object data="http://evil.invalid/x.swf"></object><embed src="http://evil.invalid/x.swf">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>@import 'http://evil.invalid/x.css'; body{background:url(javascript:alert(1))}</style>",
    '<p style="color:red;font-size:40px"><font color="red" size="7" face="x">big</font></p>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<![CDATA[<script>alert(1)</script>]]>",
    "<!--<script>alert(1)</script>-->",
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    '<a class="keytip" href="javascript:alert(1)" data-code="1,600519">茅台</a>',
    '<a class="keytip" data-code="1,600519&quot;&gt;&lt;script&gt;">茅台</a>',
    '<span class="em_stock_key_common" href="javascript:alert(1)" data-code="javascript:alert(1)">x</span>',
    '<a class="security" href="security:1.600519\" onmouseover=\"alert(1)">x</a>',
    "[x](javascript:alert(1)) ![y](javascript:alert(1)) [z](data:text/html,abc) <javascript:alert(1)>",
    "[a]: javascript:alert(1)\n\n[x][a]",
    "<details open ontoggle=alert(1)><summary>s</summary></details>",
    '<video poster="javascript:alert(1)"><source src="http://x.invalid/v.mp4"></video>',
    '<isindex action="javascript:alert(1)" type=image>',
    "<xmp><script>alert(1)</script></xmp>",
    "<plaintext><script>alert(1)</script>",
    "<template><script>alert(1)</script></template>",
    '<a href="http:relative">x</a><img src="https:/x.png"><a href="http:\\\\evil.invalid/">y</a>',
    '<a href="http://user@evil.invalid@ok.example/">at</a>',
    '<img src="http://ok.example/i.png" srcset="javascript:alert(1) 1x">',
    "\u202e<b>RTL override</b>\u200b\ufeff",
]


def _yaml_billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    return "---\ntitle: *i\ndate: *i\ncategories: *i\ntags: *h\n" + "\n".join(lines) + "\n---\n正文\n"


def build_hostile_archive(root: Path, canary_dir: Path, port: int, *, deep: bool = True,
                          big: bool = True) -> HostileArchive:
    """One post (or file) per hostile kind in ``root``; canary pictures in ``canary_dir``."""
    b = _Builder(root, canary_dir, port)
    arch = b.a
    pwned = root.parent / "pwned-by-yaml"
    arch.pwned = pwned

    # elements
    f1, h1 = b.canary()
    b.post("el-script.md", f"<script>new Image().src='{h1}'</script><script src=\"{h1}\"></script>"
           f"<SCRIPT>alert(1)</SCRIPT><ScRiPt>alert(2)</sCrIpT><p>正文 script</p>", "script element")
    f, h = b.canary()
    b.post("el-style.md", f"<style>@import url(\"{f}\"); @import '{h}'; body {{ background: url({f1}) }}"
           f" p {{ background-image: url(canary-rel.png) }}</style><p>正文 style</p>", "style element")
    f, h = b.canary()
    b.post("el-iframe.md", f"<iframe src=\"{f}\"></iframe><iframe srcdoc=\"<img src='{f}'>\"></iframe>"
           f"<IFRAME SRC=\"{h}\">x</IFRAME><frameset><frame src=\"{f}\"></frameset><p>正文</p>", "iframe element")
    f, h = b.canary()
    b.post("el-object.md", f"<object data=\"{f}\" type=\"image/png\"><param name=\"movie\" value=\"{h}\">"
           f"</object><applet code=\"x\" codebase=\"{h}\"></applet><p>正文</p>", "object element")
    f, h = b.canary()
    b.post("el-embed.md", f"<embed src=\"{f}\"><embed src=\"{h}\" type=\"application/x-shockwave-flash\">"
           "<p>正文</p>", "embed element")
    f, h = b.canary()
    b.post("el-svg.md", "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">"
           f"<image xlink:href=\"{f}\" href=\"{h}\"/><script>alert(1)</script>"
           f"<a xlink:href=\"javascript:alert(1)\"><text>t</text></a><use href=\"{f}#x\"/>"
           f"<foreignObject><img src=\"{f}\"></foreignObject></svg><p>正文</p>", "svg element")
    f, h = b.canary()
    b.post("el-math.md", f"<math><mtext><a href=\"javascript:alert(1)\">x</a><mglyph src=\"{f}\"/></mtext>"
           f"<maction actiontype=\"statusline\" xlink:href=\"{h}\">y</maction></math><p>正文</p>", "math element")
    f, h = b.canary()
    b.post("el-link.md", f"<link rel=\"stylesheet\" href=\"{f}\"><link rel=stylesheet href={h}>"
           f"<link rel=\"import\" href=\"{h}\"><link rel=\"icon\" href=\"{f}\"><p>正文</p>", "link element")
    f, h = b.canary()
    b.post("el-form.md", f"<form action=\"{h}\"><input type=\"image\" src=\"{f}\"><button "
           "formaction=\"javascript:alert(1)\">b</button><textarea>t</textarea></form><p>正文</p>", "form element")
    f, h = b.canary()
    b.post("el-media.md", f"<video poster=\"{f}\" src=\"{h}\"><source src=\"{f}\"><track src=\"{h}\"></video>"
           f"<audio src=\"{h}\"></audio><picture><source srcset=\"{f}\"><img src=\"{h}\"></picture>"
           "<p>正文</p>", "audio/video/picture")
    # attributes
    f, h = b.canary()
    b.post("attr-on.md", f"<p onclick=\"alert(1)\" onmouseover=alert(1)>x</p><img src=\"{h}\" onerror=\"alert(1)\">"
           "<body onload=alert(1)><a href=\"https://ok.example/\" ONCLICK=\"x\" oNfOcUs=\"y\">ok</a>"
           "<details open ontoggle=alert(1)>d</details><p onanimationstart=alert(1)>正文</p>", "on* attributes")
    # URLs
    b.post("url-javascript.md", "<a href=\"javascript:alert(1)\">a</a><img src=\"javascript:alert(1)\">"
           "[md](javascript:alert(1)) ![i](javascript:alert(1)) <javascript:alert(1)> 正文", "javascript: URL")
    b.post("url-vbscript.md", "<a href=\"vbscript:msgbox(1)\">a</a><img src=\"vbscript:msgbox(1)\">"
           "[md](vbscript:msgbox(1)) 正文", "vbscript: URL")
    b.post("url-data.md", "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>"
           f"<img src=\"data:image/png;base64,{_PNG.hex()}\"><img src=\"data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=\">"
           "![d](data:image/png;base64,AAAA) 正文", "data: URL")
    f, h = b.canary()
    b.post("url-file.md", f"<a href=\"{f}\">x</a><img src=\"{f}\"> ![f]({f}) [f2]({f}) <{f}> "
           "<img src=\"file:///etc/passwd\"> 正文", "file: URL")
    f, h = b.canary()
    b.post("url-relative.md", "<a href=\"canary-rel.png\">x</a><img src=\"canary-rel.png\"><img src=\"./canary-rel.png\">"
           f"<img src=\"../{canary_dir.name}/{Path(f).name}\"> ![r](canary-rel.png) [r2](./canary-rel.png) "
           "<a href=\"/etc/passwd\">p</a><img src=\"/etc/passwd\"> 正文", "relative URLs")
    f, h = b.canary()
    b.post("url-http-canary.md", f"<img src=\"{h}\"> ![h]({h}) <a href=\"{h}\">link</a> "
           f"<img src=\"//127.0.0.1:{port}/canary-pr.png\"> <img src=\"http://localhost:{port}/canary-lh.png\">"
           f"<img src=\"http://[::1]:{port}/canary-v6.png\"> 正文", "http URL to the canary port")
    b.post("url-dev-zero.md", "<img src=\"file:///dev/zero\"><img src=\"/dev/zero\"><img src=\"file:///dev/urandom\">"
           "![z](file:///dev/zero) <a href=\"file:///dev/zero\">z</a> 正文", "file:///dev/zero image")
    f, h = b.canary()
    b.post("url-base.md", f"<base href=\"{canary_dir.as_uri()}/\"><img src=\"{Path(f).name}\">"
           f"<a href=\"{Path(f).name}\">x</a><base href=\"http://127.0.0.1:{port}/\"><img src=\"base.png\"> 正文",
           "<base href>")
    f, h = b.canary()
    b.post("url-meta-refresh.md", f"<meta http-equiv=\"refresh\" content=\"0;url={h}\">"
           "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">"
           f"<meta http-equiv=\"Content-Security-Policy\" content=\"x\"><META HTTP-EQUIV=REFRESH CONTENT=\"1;{f}\"> 正文",
           "<meta http-equiv=refresh>")
    f, h = b.canary()
    b.post("css-url-attribute.md", f"<p style=\"background:url({f})\">x</p><div style=\"background-image:url('{h}')\">y</div>"
           f"<table background=\"{f}\"><tr><td background=\"{h}\">z</td></tr></table>"
           f"<p style=\"behavior:url(x.htc);-moz-binding:url({h})\">w</p><p style=\"width:expression(alert(1))\">e</p>"
           f"<p style=\"x:\\75 rl({f})\">v</p> 正文", "CSS url() in style attributes")
    f, h = b.canary()
    b.post("css-url-style.md", f"<style>p{{background:url({f})}} @font-face{{src:url({h})}} "
           f"li{{list-style-image:url(canary-rel.png)}}</style><p>x</p><ul><li>正文</li></ul>", "CSS url() in <style>")
    f, h = b.canary()
    b.post("url-mixed-case.md", "<a href=\"JaVaScRiPt:alert(1)\">x</a><a href=\" javascript:alert(1)\">y</a>"
           f"<img src=\"JAVASCRIPT:alert(1)\"><img src=\"FiLe://{f[len('file://'):]}\"><a href=\"HTTP:evil\">h</a>"
           f"<img src=\"Http://127.0.0.1:{port}/canary-mc.png\"> 正文", "mixed-case schemes")
    b.post("url-entities.md", "<a href=\"&#106;avascript:alert(1)\">x</a><a href=\"&#x6A;avascript&#x3A;alert(1)\">y</a>"
           "<a href=\"&#0000106&#0000097vascript:alert(1)\">z</a><a href=\"javascript&colon;alert(1)\">w</a>"
           f"<img src=\"&#102;ile://{f[len('file://'):]}\"><img src=\"&#x66;ile:///dev/zero\"> 正文", "entity-encoded schemes")
    b.post("url-whitespace.md", "<a href=\"java&#x09;script:alert(1)\">x</a><a href=\"java\tscript:alert(1)\">y</a>"
           "<a href=\"jav&#x0A;ascript:alert(1)\">z</a><a href=\"java&#x0D;script:alert(1)\">w</a>"
           "<a href=\"&#x20;javascript:alert(1)\">v</a><a href=\"\x01javascript:alert(1)\">u</a> 正文",
           "control characters inside schemes")
    f, h = b.canary()
    b.post("url-srcset.md", f"<img srcset=\"{f} 1x, {h} 2x\" src=\"{h}\"><img lowsrc=\"{f}\" dynsrc=\"{f}\" src=\"x\"> 正文",
           "srcset/lowsrc/dynsrc")
    b.post("em-hostile.md", "<a class=\"keytip\" href=\"javascript:alert(1)\" data-code=\"1,600519\">茅台</a> "
           "<span id=\"stock_1.600519\"><a href=\"http://quote.eastmoney.com/unify/r/1.600519\" onclick=\"x\">贵州茅台</a></span>"
           "<span class=\"em_stock_key_common\" data-code=\"0,000001\\\"><script>x</script>\">平安</span> 正文",
           "eastmoney links with hostile attributes")
    b.post("comments.md", "<!--<script>alert(1)</script>--><![CDATA[<script>alert(1)</script>]]>"
           "<!--[if IE]><script>alert(1)</script><![endif]--><?php echo 1 ?> 正文", "comments and CDATA")
    # structure
    if deep:
        b.post("deep-divs.md", "<div>" * 100_000 + "深处的文字" + "</div>" * 100_000, "100,000 nested <div>")
        b.post("deep-quotes.md", ">" * 100_000 + " 深处的文字\n", "100,000 nested > quotes")
    b.post("deep-lists.md", "".join("  " * i + f"- item{i}\n" for i in range(400)), "400 nested lists")
    b.post("deep-emphasis.md", "*" * 20_000 + "x" + "*" * 20_000 + "\n\n" + "[" * 10_000 + "x" + "]" * 10_000,
           "pathological emphasis and brackets")
    # size
    if big:
        p = b.raw("big-100mb.md", b"", "100 MB post (sparse)", "failed", "too large")
        with p.open("r+b") as fh:
            fh.write((FRONT.format(title="big", mm=1) + "开头\n").encode())
            fh.truncate(100 * 1024 * 1024)
        p = b.raw("big-31mb.md", b"", "31 MB post, mostly NUL (sparse)", "either")
        with p.open("r+b") as fh:
            fh.write((FRONT.format(title="big31", mm=2) + "开头正文\n" * 2000).encode())
            fh.truncate(31 * 1024 * 1024)
        b.post("big-paragraph.md", "<p>" + "长" * 1_000_000 + "</p><p>后文</p>", "3 MB paragraph")
    # bytes
    rng = random.Random(8)
    b.raw("binary-random.md", bytes(rng.randrange(256) for _ in range(64 * 1024)), "random bytes", "failed", "binary")
    b.raw("binary-png.md", _PNG * 200 + b"\x00" * 4096, "a PNG named .md", "failed", "binary")
    b.raw("binary-zeros.md", b"\x00" * 100_000, "all NUL bytes", "failed", "binary")
    b.raw("binary-elf.md", b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + bytes(range(256)) * 64, "an ELF header", "failed", "binary")
    b.raw("invalid-utf8.md", FRONT.format(title="坏", mm=3).encode() + b"\xe4\xb8\xad\xff\xfe\xc3\x28 \x80\x81 \xed\xa0\x80 "
          + "正文".encode() + b"\xe4\xb8", "invalid UTF-8", "imported")
    b.raw("invalid-utf8-title.md", b"---\ntitle: \xc3\x28\xa0\xa1 \xf0\x28\x8c\xbc\ndate: 2022-05-26 10:00:00 +0800\n---\n"
          b"\xc0\xaf\xe0\x80\xaf<script>alert(1)</script>", "invalid UTF-8 in the front matter", "imported")
    b.raw("gb18030.md", (FRONT.format(title="国标", mm=4) + "国标编码的正文<script>alert(1)</script>").encode("gb18030"),
          "GB18030", "imported")
    b.raw("utf16.md", (FRONT.format(title="utf16", mm=5) + "十六位<img src=x onerror=alert(1)>").encode("utf-16"),
          "UTF-16 with BOM", "imported")
    b.raw("control-chars.md", (FRONT.format(title="ctl\x01\x1b[31m", mm=6) + "a\x00b\x07c\x1b[2Jd\x7f\ufffe\uffff").encode(
        "utf-8", "surrogatepass"), "control characters", "imported")
    b.raw("crlf.md", FRONT.format(title="crlf", mm=7).replace("\n", "\r\n").encode() + b"<script>x</script>\r\rbody\r",
          "CR/CRLF line ends", "imported")
    b.raw("empty.md", b"", "empty file", "either")
    # YAML and front matter
    b.post("yaml-billion-laughs.md", "", "YAML billion laughs (anchors/aliases)", front=_yaml_billion_laughs())
    b.post("yaml-python-tag.md", "正文", "!!python/object/apply:os.system", front=(
        f"---\ntitle: !!python/object/apply:os.system [\"touch {pwned}\"]\n"
        f"date: !!python/object/new:subprocess.Popen [[\"touch\", \"{pwned}\"]]\n"
        "tags: !!python/name:os.system\ncategories: !!python/module:os\n---\n"))
    b.post("yaml-python-tag2.md", "正文", "!!python tags (other spellings)", front=(
        f"---\n!!python/object/apply:os.system\nargs: ['touch {pwned}']\n---\n"))
    broken = {
        "unclosed-quote": "---\ntitle: \"unclosed\ndate: 2022-05-26\n---\n",
        "tabs": "---\ntitle:\tx\n\tdate: 2022-05-26\n---\n",
        "duplicate-keys": "---\ntitle: a\ntitle: b\ndate: 2022-05-26\ndate: 2023-01-01\n---\n",
        "unterminated": "---\ntitle: never closed\ndate: 2022-05-26\n",
        "only-dashes": "---\n",
        "empty-front": "---\n---\n",
        "list-front": "---\n- a\n- b\n---\n",
        "scalar-front": "---\njust a string\n---\n",
        "flow-unclosed": "---\ntitle: [unclosed\ndate: {also\n---\n",
        "colons": "---\n: : :\n::\n---\n",
        "mapping-title": "---\ntitle: {a: b, c: [1, 2]}\ndate: {y: 2022}\n---\n",
        "list-date": "---\ntitle: t\ndate: [2022, 5, 26]\n---\n",
        "impossible-date": "---\ntitle: t\ndate: 2022-13-45 25:61:61 +2500\n---\n",
        "huge-int-date": "---\ntitle: t\ndate: 99999999999999999999999999\n---\n",
        "yaml-directive": "%YAML 9.9\n---\ntitle: t\n---\n",
        "bad-binary": "---\ntitle: !!binary \"not base64 ~~~\"\n---\n",
        "bad-timestamp": "---\ndate: !!timestamp \"yesterday\"\n---\n",
        "unknown-tag": "---\ntitle: !foo bar\ndate: !!set {a, b}\n---\n",
        "anchor-undefined": "---\ntitle: *nothing\n---\n",
        "recursive-alias": "---\na: &a [*a]\ntitle: *a\n---\n",
        "merge-key": "---\nbase: &b {title: merged}\n<<: *b\n---\n",
        "front-64k": "---\ntitle: big\nx: " + "y" * 70_000 + "\n---\n",
        "bad-toml": "+++\ntitle = \"unclosed\ndate = 2022-05-26T10:00:00+08:00\n[[[\n+++\n",
        "bad-json": ";;;\n{\"title\": \"x\", \n;;;\n",
        "bom-front": "\ufeff---\ntitle: bom\n---\n",
        "nul-front": "---\ntitle: a\x00b\n---\n",
        "deep-flow-1000": "---\ntitle: " + "[" * 1000 + "]" * 1000 + "\n---\n",
        "deep-block": "---\n" + "".join(" " * i + "a:\n" for i in range(300)) + "---\n",
        "long-key": "---\n" + "k" * 10_000 + ": v\ntitle: t\n---\n",
        "many-keys": "---\n" + "".join(f"k{i}: v\n" for i in range(3000)) + "---\n",
    }
    for name, front in broken.items():
        b.post(f"yaml-broken-{name}.md", "正文 <script>alert(1)</script>", f"broken front matter: {name}", front=front)
    # file-system oddities
    sub = root / "loops"
    sub.mkdir()
    (sub / "parent-loop").symlink_to("..", target_is_directory=True)
    (sub / "self-loop").symlink_to("self-loop", target_is_directory=True)
    (sub / "self.md").symlink_to("self.md")
    arch.cases.append(Case("loops/self.md", "symlink to itself", "failed", "cannot read"))
    (sub / "ping.md").symlink_to("pong.md")
    (sub / "pong.md").symlink_to("ping.md")
    arch.cases.append(Case("loops/ping.md", "two symlinks pointing at each other", "failed", "cannot read"))
    arch.cases.append(Case("loops/pong.md", "two symlinks pointing at each other", "failed", "cannot read"))
    b.post("loops/inside.md", "正文", "a post beside a directory symlink loop")
    (root / "dangling.md").symlink_to(root / "no-such-file.md")
    arch.cases.append(Case("dangling.md", "dangling symlink", "failed", "cannot read"))
    b.post("folder.md/inner.md", "正文", "a post inside a directory named x.md")
    p = b.post("unreadable.md", "正文", "chmod 000 file")
    p.chmod(0)
    if os.geteuid() != 0:
        arch.cases[-1].expect, arch.cases[-1].reason = "failed", "cannot read"
    os.mkfifo(root / "fifo.md")
    arch.cases.append(Case("fifo.md", "a FIFO named .md (reading it would block)", "skipped"))
    (root / "zero.md").symlink_to("/dev/zero")
    arch.cases.append(Case("zero.md", "symlink to /dev/zero", "skipped"))
    # names
    for name in ["-rf.md", "--help.md", "- dash space.md", " leading space.md", "trailing space .md",
                 "two  spaces.md", "中文文件名 新闻.md", "émoji-😀-ÄÖÜ.md", "e\u0301-nfd.md", "semi;colon $(touch x).md",
                 "quote'\"`.md", "back\\slash.md", "%41%2F.md", "#hash?q=1.md", "new\nline.md", "tab\tname.md",
                 "-2022-05-26-NW202205260000000001.md", "x" * 250 + ".md"]:
        b.post(name, f"文件名 {name!r} 的正文", f"file name {name[:30]!r}")
    # plain snippets (also brings the archive past the importer's parallel threshold)
    for i, snippet in enumerate(SNIPPETS):
        b.post(f"snippets/snippet-{i:02d}.md", snippet, f"snippet {i}")
    return arch


def build_cli_archive(root: Path, count: int = 40) -> Path:
    """A small, well-formed archive (posts not in any other fixture) for disk-full imports."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        text = FRONT.format(title=f"新闻 {i}", mm=i % 60) + "\n\n".join(
            f"第{j}段：央行 降准 科技 新能源 " * 20 + f" 文章{i}" for j in range(30))
        (root / f"2022-05-26-20220526{i:010d}.md").write_text(text, encoding="utf-8")
    return root


# --- subprocess entry points ---------------------------------------------------------------------


def _maxrss_mb(who: int) -> float:
    import resource

    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def _peak_rss_mb() -> float:
    """This process's peak resident set size.  Linux's ``VmHWM`` where there is one:
    ``ru_maxrss`` carries over the RSS of the process that forked this one (Linux keeps it
    across exec), so a subprocess of a big pytest would start from pytest's size."""
    import resource

    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _maxrss_mb(resource.RUSAGE_SELF)


def run_import(corpus: str, library: str, out: str, workers: int) -> None:
    """Import ``corpus`` and write the report, every source_file row and memory figures."""
    import resource

    from reader.core.library import Library

    lib = Library.open(library)
    before = _peak_rss_mb()
    report = lib.import_paths([corpus], workers=workers)
    after = _peak_rss_mb()
    rows = lib._sql("SELECT path, key, error FROM source_file").fetchall()
    data = {
        "report": report.to_json(), "workers": report.workers, "scanned": report.scanned,
        "rss_before_mb": before, "rss_after_mb": after,
        "ru_maxrss_mb": _maxrss_mb(resource.RUSAGE_SELF),
        "source_files": rows,
    }
    lib.close()
    Path(out).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _raw_bodies(corpus: Path, limit: int = 20_000) -> list[str]:
    out = []
    for p in sorted(corpus.rglob("*.md")):
        try:
            if p.is_symlink() or not p.is_file() or p.stat().st_size > limit:
                continue
            out.append(p.read_bytes().decode("utf-8", "replace"))
        except OSError:
            continue
    return out


def run_viewer_probe(corpus: str, library: str, out: str, marker: str, audit: bool,
                     also: str | None = None) -> None:
    """Import ``corpus``, then show every stored article (and those of the library ``also``, if
    given), and every raw hostile body, in the viewer, forcing layout and painting.  The marker
    file is opened (and fails) between the two phases, so a syscall log can tell the import's
    file reads from the viewer's."""
    events: list[str] = []
    if audit:
        def hook(event: str, args: tuple) -> None:  # type: ignore[type-arg]
            if event == "socket.connect":
                family = getattr(getattr(args[0], "family", None), "name", "?")
                events.append(f"connect {family} {args[1]!r}")
            elif event == "open" and args and isinstance(args[0], str | bytes):
                events.append(f"open {os.fsdecode(args[0])}")

        sys.addaudithook(hook)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from reader.core.library import ArticleDetail, Library
    from reader.ui.viewer import ArticleViewer

    lib = Library.open(library)
    report = lib.import_paths([corpus], workers=2)
    ids = lib.query_ids("")
    details = [lib.article(i) for i in ids]
    if also:
        with Library.open(also) as other:
            details += [other.article(i) for i in other.query_ids("")]
    raws = _raw_bodies(Path(corpus))
    app = QApplication.instance() or QApplication([])
    viewer = ArticleViewer()
    viewer.resize(900, 700)
    viewer.show()
    app.processEvents()
    with contextlib.suppress(OSError):  # the marker does not exist: only the attempt is logged
        os.close(os.open(marker, os.O_RDONLY))
    events.append("MARKER")
    shown = raw_shown = 0
    for dark in (False, True):
        viewer.set_theme(dark, serif=dark)
        for d in details:
            assert d is not None
            if dark and len(d.html) > 100_000:
                continue  # the big ones once is enough
            viewer.show_article(d, ["正文", "x"])
            viewer.document().adjustSize()
            viewer.grab()
            viewer.find_all("正文")
            app.processEvents()
            shown += 1
    template = details[0]
    for raw in raws:
        viewer.setHtml(raw)
        viewer.document().adjustSize()
        viewer.grab()
        # and through the article path, as if the cleaner had let all of it through
        fake = ArticleDetail(**{**template.__dict__, "html": raw, "url": "javascript:alert(1)",
                                "title": raw[:80]})
        viewer.show_article(fake)
        viewer.document().adjustSize()
        viewer.grab()
        app.processEvents()
        raw_shown += 1
    viewer.close()
    app.processEvents()
    Path(out).write_text(json.dumps({
        "report": report.to_json(), "articles": len(details), "shown": shown, "raw_shown": raw_shown,
        "refused": len(viewer.refused), "refused_sample": viewer.refused[:40], "events": events,
    }, ensure_ascii=False), encoding="utf-8")
    lib.close()


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("import")
    s.add_argument("corpus")
    s.add_argument("library")
    s.add_argument("out")
    s.add_argument("--workers", type=int, default=2)
    s = sub.add_parser("viewer-probe")
    s.add_argument("corpus")
    s.add_argument("library")
    s.add_argument("out")
    s.add_argument("--marker", default="/nonexistent-finews-probe-marker")
    s.add_argument("--audit", action="store_true")
    s.add_argument("--also-library")
    a = ap.parse_args()
    if a.cmd == "import":
        run_import(a.corpus, a.library, a.out, a.workers)
    else:
        run_viewer_probe(a.corpus, a.library, a.out, a.marker, a.audit, a.also_library)
