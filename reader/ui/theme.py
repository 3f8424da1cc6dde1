"""The light and dark palettes, kept readable: every text colour meets WCAG AA (4.5:1) on the
backgrounds it is drawn on, whatever palette the style or the desktop started from."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QColor, QPalette

AA = 4.5  # WCAG 2 AA, normal text
_TARGET = 4.6  # a little above AA, so that rounding to 8-bit colours never drops below it

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

# (text role, the backgrounds it is drawn on): read titles and the sidebar's counts use the
# placeholder colour on the list's rows, and the timeline's labels on the window
TEXT_ON = [
    (Role.WindowText, [Role.Window]),
    (Role.Text, [Role.Base, Role.AlternateBase]),
    (Role.ButtonText, [Role.Button]),
    (Role.PlaceholderText, [Role.Base, Role.AlternateBase, Role.Window]),
    (Role.Link, [Role.Base, Role.AlternateBase, Role.Window]),
    (Role.LinkVisited, [Role.Base, Role.AlternateBase, Role.Window]),
    (Role.ToolTipText, [Role.ToolTipBase]),
]

WATCHED = "#e0a800"  # watched securities and bookmark stars: the app's one warm accent
ERROR = "#c62828"


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4


def luminance(color: QColor) -> float:
    """WCAG relative luminance of an opaque colour."""
    return (0.2126 * _linear(color.redF()) + 0.7152 * _linear(color.greenF())
            + 0.0722 * _linear(color.blueF()))


def over(fg: QColor, bg: QColor) -> QColor:
    """``fg`` as seen on ``bg`` (a translucent colour mixed with what is under it)."""
    a = fg.alphaF()
    return QColor.fromRgbF(fg.redF() * a + bg.redF() * (1 - a), fg.greenF() * a + bg.greenF() * (1 - a),
                           fg.blueF() * a + bg.blueF() * (1 - a))


def contrast(fg: QColor, bg: QColor) -> float:
    """WCAG contrast ratio (1 to 21) of text ``fg`` on ``bg``."""
    a, b = luminance(over(fg, bg)), luminance(bg)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def readable(fg: QColor, backgrounds: list[QColor], target: float = _TARGET) -> QColor:
    """``fg``, darkened (on light backgrounds) or lightened (on dark ones) just enough to reach
    ``target`` on every background; an already readable colour is returned unchanged."""
    if not backgrounds:
        return QColor(fg)
    first = backgrounds[0]
    solid = over(fg, first)
    if all(contrast(fg, bg) >= target for bg in backgrounds):
        return QColor(fg)
    toward = 0.0 if luminance(first) > 0.18 else 1.0
    for step in range(1, 101):
        t = step / 100
        c = QColor.fromRgbF(solid.redF() + (toward - solid.redF()) * t,
                            solid.greenF() + (toward - solid.greenF()) * t,
                            solid.blueF() + (toward - solid.blueF()) * t)
        if all(contrast(c, bg) >= target for bg in backgrounds):
            return c
    return QColor("#000000" if toward == 0.0 else "#ffffff")


def make_readable(palette: QPalette) -> QPalette:
    """The palette with each text role readable on its backgrounds, in the active and inactive
    groups (disabled text is exempt, and is meant to look faint)."""
    p = QPalette(palette)
    for group in (Group.Active, Group.Inactive):
        for role, backgrounds in TEXT_ON:
            fixed = readable(p.color(group, role), [p.color(group, b) for b in backgrounds])
            p.setColor(group, role, fixed)
        # white on the selection colour: move the selection colour, the text stays
        p.setColor(group, Role.Highlight,
                   readable(p.color(group, Role.Highlight), [p.color(group, Role.HighlightedText)]))
    return p


def dark_palette() -> QPalette:
    window, button = QColor("#25262a"), QColor("#2f3035")
    p = QPalette(button, window)  # derives the frame shades (light, mid, dark...) from these
    base, alt, text = QColor("#1e1f22"), QColor("#2a2b2f"), QColor("#e6e6e6")
    for role, color in ((Role.Window, window), (Role.WindowText, text), (Role.Base, base),
                        (Role.AlternateBase, alt), (Role.Text, text), (Role.Button, button),
                        (Role.ButtonText, text), (Role.BrightText, QColor("#ffffff")),
                        (Role.Highlight, QColor("#2f6fbf")), (Role.HighlightedText, QColor("#ffffff")),
                        (Role.ToolTipBase, alt), (Role.ToolTipText, text),
                        (Role.PlaceholderText, QColor("#9a9aa0")), (Role.Link, QColor("#6cb4ff")),
                        (Role.LinkVisited, QColor("#b9a4ff"))):
        p.setColor(role, color)
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        p.setColor(Group.Disabled, role, QColor("#7c7d82"))
    return p


def themed_palette(dark: bool, light: QPalette) -> QPalette:
    """The app's palette: ``light`` is the style's own (Fusion's, or the desktop's)."""
    return make_readable(dark_palette() if dark else light)


def watched_color(palette: QPalette) -> QColor:
    """The warm accent of watched securities and stars, readable on the list's rows."""
    return QColor(_watched_rgb(palette.color(Role.Base).rgb(), palette.color(Role.AlternateBase).rgb()))


def error_color(palette: QPalette) -> QColor:
    """Red for what went wrong (a search that cannot be understood), readable on the window."""
    return readable(QColor(ERROR), [palette.color(Role.Window), palette.color(Role.Base)])


@lru_cache(maxsize=8)
def _watched_rgb(base: int, alternate: int) -> int:  # asked for each watched row painted
    return readable(QColor(WATCHED), [QColor.fromRgb(base), QColor.fromRgb(alternate)]).rgb()
