#!/usr/bin/env python3
"""Render the application icon's PNGs (and a Windows .ico) from resources/icons/finews-reader.svg.

Layout written (the freedesktop icon-theme layout, so install-desktop.sh copies it as is)::

    resources/icons/finews-reader.svg                      the source; also installed as scalable
    resources/icons/hicolor/<N>x<N>/apps/finews-reader.png N in SIZES
    resources/icons/finews-reader.ico                      16..256 px PNGs in one .ico (PyInstaller on Windows)

Run from anywhere:  python3 packaging/render_icons.py [--output DIR]
Needs only PySide6 (QtSvg is in PySide6-Essentials); runs headless on Qt's offscreen platform.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

# Rendering needs no display; never try to reach an X or Wayland server.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "finews-reader.svg"
NAME = "finews-reader"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # 256 is the largest an .ico entry can declare


def png_path(out: Path, size: int) -> Path:
    return out / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png"


def render(svg: Path, out: Path, sizes: tuple[int, ...] = SIZES) -> list[Path]:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0], "-platform", "offscreen"])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {svg} is not a valid SVG")

    def image(size: int) -> QImage:
        img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(Qt.GlobalColor.transparent)
        painter = QPainter(img)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        return img.convertToFormat(QImage.Format.Format_ARGB32)

    def png_bytes(img: QImage) -> bytes:
        data = QByteArray()
        buf = QBuffer(data)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        if not img.save(buf, "PNG"):
            raise SystemExit("render_icons: could not encode a PNG")
        buf.close()
        return bytes(data.data())

    written: list[Path] = []
    pngs: dict[int, bytes] = {}
    for size in sorted(set(sizes) | set(ICO_SIZES)):
        data = png_bytes(image(size))
        pngs[size] = data
        if size in sizes:
            path = png_path(out, size)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)

    ico = out / f"{NAME}.ico"
    ico.write_bytes(make_ico({s: pngs[s] for s in ICO_SIZES}))
    written.append(ico)
    del app  # keep the application alive until every image is rendered
    return written


def make_ico(pngs: dict[int, bytes]) -> bytes:
    """An .ico holding PNG-compressed images (supported since Windows Vista)."""
    count = len(pngs)
    header = struct.pack("<HHH", 0, 1, count)
    entries, blobs = b"", b""
    offset = 6 + 16 * count
    for size, data in sorted(pngs.items()):
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return header + entries + blobs


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--svg", type=Path, default=SVG, help="source SVG (default: %(default)s)")
    p.add_argument("--output", type=Path, default=ICONS, help="output folder (default: %(default)s)")
    args = p.parse_args(argv)
    for path in render(args.svg, args.output):
        try:
            shown = path.relative_to(ROOT)
        except ValueError:
            shown = path
        print(f"wrote {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
