"""Packaging: the .desktop file, AppStream metainfo, icons, the desktop installer and the
PyInstaller spec.

The validators come from Debian's ``desktop-file-utils`` and ``appstream`` packages (installed by
packaging/install-deps.sh).  Without them these tests skip, except under CI, where they fail.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import struct
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

import reader

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"
APP_ID = "io.github.finewsreader.FinewsReader"
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"
SVG = ICONS / "finews-reader.svg"
ICON_NAME = "finews-reader"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def need_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        msg = (f"{name} is not installed (apt-get install desktop-file-utils appstream, "
               "or run packaging/install-deps.sh)")
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return path


def run(cmd: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def read_desktop(path: Path) -> configparser.SectionProxy:
    cp = configparser.ConfigParser(interpolation=None, strict=True)
    cp.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    cp.read(path, encoding="utf-8")
    return cp["Desktop Entry"]


def png_header(path: Path) -> tuple[int, int, int, int]:
    """(width, height, bit depth, colour type) from a PNG's IHDR chunk."""
    data = path.read_bytes()[:33]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    length, ctype = struct.unpack(">I4s", data[8:16])
    assert ctype == b"IHDR" and length == 13, f"{path}: first chunk is not IHDR"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, depth, colour


def png_path(root: Path, size: int) -> Path:
    return root / "hicolor" / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"


# --- .desktop -------------------------------------------------------------------------------


def test_desktop_file_validates() -> None:
    tool = need_tool("desktop-file-validate")
    r = run([tool, str(DESKTOP)])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "error" not in (r.stdout + r.stderr).lower(), r.stdout + r.stderr


def test_desktop_file_matches_the_app() -> None:
    entry = read_desktop(DESKTOP)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Finews Reader"
    assert entry["Name[zh_CN]"] == "财经新闻阅读器"
    assert entry["Icon"] == ICON_NAME
    assert entry["Terminal"] == "false"
    # X11 WM_CLASS's class is QCoreApplication.applicationName(), which the app sets to APP_NAME.
    assert entry["StartupWMClass"] == reader.APP_NAME
    # Exec runs the GUI entry point pyproject.toml installs.
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["gui-scripts"]
    program = entry["Exec"].split()[0]
    assert program in scripts and scripts[program] == "reader.cli:main"


def test_desktop_id_is_the_one_the_app_announces() -> None:
    """On Wayland the window's app_id is QGuiApplication.desktopFileName(): it must name this
    file, or the shell shows no icon and cannot match the window to its launcher."""
    pytest.importorskip("PySide6.QtWidgets")
    from reader.ui.app import DESKTOP_ID

    assert DESKTOP_ID == APP_ID == DESKTOP.stem


# --- metainfo -------------------------------------------------------------------------------


def test_metainfo_validates() -> None:
    tool = need_tool("appstreamcli")
    r = run([tool, "validate", "--no-net", str(METAINFO)])
    assert r.returncode == 0, r.stdout + r.stderr


def test_metainfo_content() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == "MIT"
    assert root.findtext("name") == "Finews Reader"
    launch = root.find("launchable")
    assert launch is not None and launch.get("type") == "desktop-id"
    assert launch.text == DESKTOP.name
    assert root.find("content_rating") is not None
    assert root.findtext("url[@type='homepage']") == "https://github.com/finews-reader/finews-reader"
    releases = root.findall("releases/release")
    assert releases, "no <release>"
    # The newest release (listed first) is the version being shipped.
    assert releases[0].get("version") == reader.__version__


# --- icons ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_png_icon_size_matches_its_folder(size: int) -> None:
    path = png_path(ICONS, size)
    assert path.is_file(), f"missing {path.relative_to(ROOT)} (run packaging/render_icons.py)"
    width, height, depth, colour = png_header(path)
    assert (width, height) == (size, size)
    assert (depth, colour) == (8, 6), "icons must be 8-bit RGBA"


def test_svg_is_self_contained_and_script_free() -> None:
    root = ET.parse(SVG).getroot()
    assert root.tag == f"{SVG_NS}svg"
    view_box = [float(v) for v in root.get("viewBox", "").split()]
    assert len(view_box) == 4 and view_box[2] == view_box[3] > 0, "the icon must be square"
    for el in root.iter():
        tag = el.tag.split("}")[-1].lower()
        assert tag not in {"script", "foreignobject", "iframe", "embed", "object"}, tag
        for attr, value in el.attrib.items():
            name = attr.split("}")[-1].lower()
            assert not name.startswith("on"), f"event handler {attr} on <{tag}>"
            if attr in (XLINK_HREF, "href"):
                assert value.startswith("#"), f"external reference {value!r} on <{tag}>"
            for ref in re.findall(r"url\(\s*['\"]?([^'\")\s]*)", value):
                assert ref.startswith("#"), f"external reference {value!r} on <{tag}>"
    text = SVG.read_text("utf-8")
    assert "<!ENTITY" not in text and "@import" not in text


def test_render_script_reproduces_the_committed_pngs(tmp_path: Path) -> None:
    """Someone edited the SVG without re-running packaging/render_icons.py?"""
    qtgui = pytest.importorskip("PySide6.QtGui")
    r = run([sys.executable, str(PACKAGING / "render_icons.py"), "--output", str(tmp_path)])
    assert r.returncode == 0, r.stdout + r.stderr
    for size in SIZES:
        fresh, committed = png_path(tmp_path, size), png_path(ICONS, size)
        assert png_header(fresh)[:2] == (size, size)
        a = qtgui.QImage(str(fresh)).convertToFormat(qtgui.QImage.Format.Format_RGBA8888)
        b = qtgui.QImage(str(committed)).convertToFormat(qtgui.QImage.Format.Format_RGBA8888)
        pa, pb = bytes(a.constBits()), bytes(b.constBits())
        assert len(pa) == len(pb)
        mean_diff = sum(abs(x - y) for x, y in zip(pa, pb, strict=True)) / len(pa)
        assert mean_diff < 2.0, f"{committed.relative_to(ROOT)} is stale (mean diff {mean_diff:.1f})"
    ico = (tmp_path / f"{ICON_NAME}.ico").read_bytes()
    assert struct.unpack("<HHH", ico[:6]) == (0, 1, 7)


# --- install-desktop.sh ---------------------------------------------------------------------


def installed_files(share: Path) -> list[Path]:
    return [
        share / "applications" / DESKTOP.name,
        share / "metainfo" / METAINFO.name,
        share / "icons" / "hicolor" / "scalable" / "apps" / f"{ICON_NAME}.svg",
        *(png_path(share / "icons", s) for s in SIZES),
    ]


def install(*args: str) -> subprocess.CompletedProcess[str]:
    return run(["bash", str(PACKAGING / "install-desktop.sh"), *args])


def test_install_desktop_into_prefix_and_uninstall(tmp_path: Path) -> None:
    share = tmp_path / "usr" / "share"
    r = install("--prefix", str(share))
    assert r.returncode == 0, r.stdout + r.stderr
    for f in installed_files(share):
        assert f.is_file(), f"not installed: {f.relative_to(tmp_path)}"
    assert (share / "applications" / DESKTOP.name).read_bytes() == DESKTOP.read_bytes()
    for size in SIZES:
        assert png_header(png_path(share / "icons", size))[:2] == (size, size)

    # The launcher's Icon= names the installed theme icons.
    icon = read_desktop(share / "applications" / DESKTOP.name)["Icon"]
    assert (share / "icons" / "hicolor" / "48x48" / "apps" / f"{icon}.png").is_file()

    if shutil.which("appstreamcli"):  # desktop file, metainfo and icons checked together
        r = run(["appstreamcli", "validate-tree", "--no-net", str(tmp_path)])
        assert r.returncode == 0, r.stdout + r.stderr

    r = install("--prefix", str(share), "--uninstall")
    assert r.returncode == 0, r.stdout + r.stderr
    assert not any(f.exists() for f in installed_files(share))


def test_install_desktop_defaults_to_xdg_data_home(tmp_path: Path) -> None:
    data_home = tmp_path / "xdg-data"
    env = {**os.environ, "XDG_DATA_HOME": str(data_home), "HOME": str(tmp_path / "home")}
    r = run(["bash", str(PACKAGING / "install-desktop.sh")], env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert all(f.is_file() for f in installed_files(data_home))
    assert not (tmp_path / "home").exists()
    # A fresh user icon theme gets no icon-theme.cache that could go stale and hide other icons.
    assert not (data_home / "icons" / "hicolor" / "icon-theme.cache").exists()


def test_install_desktop_exec_override(tmp_path: Path) -> None:
    r = install("--prefix", str(tmp_path), "--exec", "/opt/Finews Reader/finews-reader")
    assert r.returncode == 0, r.stdout + r.stderr
    desktop = tmp_path / "applications" / DESKTOP.name
    assert read_desktop(desktop)["Exec"] == '"/opt/Finews Reader/finews-reader"'
    if shutil.which("desktop-file-validate"):
        r = run(["desktop-file-validate", str(desktop)])
        assert r.returncode == 0, r.stdout + r.stderr

    r = install("--prefix", str(tmp_path / "bad"), "--exec", "/opt/$HOME/x")
    assert r.returncode == 2
    assert not (tmp_path / "bad" / "applications" / DESKTOP.name).exists()


def test_install_desktop_rejects_unknown_options(tmp_path: Path) -> None:
    r = install("--prefix", str(tmp_path), "--bogus")
    assert r.returncode == 2 and "unknown option" in r.stderr
    assert not (tmp_path / "applications").exists()


# --- PyInstaller ----------------------------------------------------------------------------


class _Spec:
    """PyInstaller's spec-file globals, recording what the spec asks for."""

    def __init__(self) -> None:
        self.calls: dict[str, dict[str, Any]] = {}

    def namespace(self) -> dict[str, Any]:
        spec = self

        class Analysis:
            def __init__(self, scripts: list[str], **kw: Any) -> None:
                spec.calls["Analysis"] = {"scripts": scripts, **kw}
                plugins = "PySide6/Qt/plugins"
                self.datas = [
                    *kw["datas"],
                    ("PySide6/Qt/translations/qtbase_de.qm", "x", "DATA"),
                    ("PySide6/Qt/translations/qtbase_zh_CN.qm", "x", "DATA"),
                ]
                self.binaries = [(f"{plugins}/{p}", "x", "BINARY") for p in (
                    "platforms/libqxcb.so", "platforms/libqwayland.so", "platforms/libqvnc.so",
                    "platforms/qwindows.dll", "platforms/qeglfs.dll", "iconengines/libqsvgicon.so",
                    "imageformats/libqsvg.so", "imageformats/libqtiff.so", "generic/libqevdevmouseplugin.so",
                    "wayland-shell-integration/libxdg-shell.so",
                    "wayland-shell-integration/libivi-shell.so",
                )] + [("PySide6/Qt/lib/libQt6Svg.so.6", "x", "BINARY")]
                self.pure: list[Any] = []
                self.scripts: list[Any] = []

        def record(name: str) -> Any:
            def call(*args: Any, **kw: Any) -> dict[str, Any]:
                spec.calls[name] = {"args": args, **kw}
                return spec.calls[name]
            return call

        return {
            "SPECPATH": str(PACKAGING), "__file__": str(PACKAGING / "finews-reader.spec"),
            "Analysis": Analysis, "PYZ": record("PYZ"), "EXE": record("EXE"),
            "COLLECT": record("COLLECT"), "BUNDLE": record("BUNDLE"),
        }


def test_pyinstaller_spec() -> None:
    spec = _Spec()
    ns = spec.namespace()
    code = compile((PACKAGING / "finews-reader.spec").read_text("utf-8"), "finews-reader.spec", "exec")
    exec(code, ns)

    analysis = spec.calls["Analysis"]
    assert [Path(s) for s in analysis["scripts"]] == [PACKAGING / "launcher.py"]
    excludes = set(analysis["excludes"])
    for needed in ("QtCore", "QtGui", "QtWidgets", "QtSvg", "QtPrintSupport"):
        assert f"PySide6.{needed}" not in excludes
    assert {"PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtWebEngineCore"} <= excludes
    assert "PySide6.QtSvg" in analysis["hiddenimports"]

    # resources/ is shipped where reader.resources would be, without bytecode caches.
    datas = {(Path(src).relative_to(ROOT).as_posix(), dest) for src, dest in analysis["datas"]}
    assert ("resources/icons/finews-reader.svg", "reader/resources/icons") in datas
    assert ("resources/__init__.py", "reader/resources") in datas
    assert any(dest == "reader/resources/sample/_posts" for _, dest in datas)
    assert any(dest == "reader/resources/i18n" for _, dest in datas)
    assert not any("__pycache__" in src for src, _ in datas)

    # Only the Chinese Qt translation, and no plugins the app never loads.
    kept = {e[0].split("/")[-1] for e in ns["a"].datas + ns["a"].binaries}
    assert "qtbase_zh_CN.qm" in kept and "qtbase_de.qm" not in kept
    assert {"libqxcb.so", "libqwayland.so", "qwindows.dll", "libqsvgicon.so", "libqsvg.so",
            "libxdg-shell.so", "libQt6Svg.so.6"} <= kept
    assert not kept & {"libqvnc.so", "qeglfs.dll", "libqtiff.so", "libqevdevmouseplugin.so",
                       "libivi-shell.so"}

    exe = spec.calls["EXE"]
    assert exe["name"] == "finews-reader" and exe["console"] is False
    assert exe["exclude_binaries"] is True  # one-folder build
    assert spec.calls["COLLECT"]["name"] == "finews-reader"


def test_launcher_runs_the_cli_entry_point() -> None:
    text = (PACKAGING / "launcher.py").read_text("utf-8")
    compile(text, "launcher.py", "exec")
    assert "multiprocessing.freeze_support()" in text
    assert "from reader.cli import main" in text and "raise SystemExit(main())" in text
    assert text.index("freeze_support()") < text.index("from reader.cli import main")


@pytest.mark.slow
def test_pyinstaller_build(tmp_path: Path) -> None:
    """A real one-folder build that starts (slow: ~15 s, needs pip install pyinstaller)."""
    pytest.importorskip("PyInstaller")
    r = run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
             "--distpath", str(tmp_path / "dist"), "--workpath", str(tmp_path / "build"),
             str(PACKAGING / "finews-reader.spec")], cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    app = tmp_path / "dist" / "finews-reader" / ("finews-reader.exe" if os.name == "nt" else "finews-reader")
    r = run([str(app), "--version"])
    assert r.returncode == 0 and reader.__version__ in r.stdout, r.stdout + r.stderr
