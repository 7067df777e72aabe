"""The commitment badge: one description of what it says, drawn as SVG (for embedding) and as
PNG (made here with Pillow, for people who cannot embed an SVG). No text is smaller than 12 px."""

import io
from dataclasses import dataclass

from django.utils.dateformat import format as date_format
from django.utils.text import Truncator

WIDTH, HEIGHT = 240, 80
# The PNG is drawn at twice the size, so it stays sharp on high-density screens.
PNG_SCALE = 2
MIN_FONT_SIZE = 12


@dataclass(frozen=True)
class Line:
    text: str
    y: int
    size: int
    bold: bool = False


@dataclass(frozen=True)
class Badge:
    title: str
    background: str
    lines: tuple[Line, ...]
    lapsed: bool


def badge_describe(*, organisation, commitment, lapsed: bool) -> Badge:
    name = Truncator(organisation.name).chars(28)
    if commitment is None:
        status = "Not yet committed"
        title = f"{organisation.name}: not yet committed to the Social Care Commitment"
    elif lapsed:
        status = "LAPSED: renewal overdue"
        title = f"{organisation.name}: Social Care Commitment lapsed"
    else:
        since = date_format(commitment.committed_on, "j M Y")
        status = f"Committed since {since}"
        title = (
            f"{organisation.name}: Social Care Commitment, committed since "
            f"{date_format(commitment.committed_on, 'j F Y')}"
        )
    return Badge(
        title=title,
        background="#005eb8" if commitment is not None and not lapsed else "#4c6272",
        lines=(
            Line("Social Care Commitment", 24, 14, bold=True),
            Line(status, 46, 12, bold=lapsed),
            Line(f"{name}: check it", 68, 12),
        ),
        lapsed=lapsed,
    )


def _font(size: int, bold: bool):
    from PIL import ImageFont

    for path in (
        f"/usr/share/fonts/truetype/liberation/LiberationSans-{'Bold' if bold else 'Regular'}.ttf",
        f"/usr/share/fonts/truetype/dejavu/DejaVuSans{'-Bold' if bold else ''}.ttf",
    ):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)  # Pillow's own scalable font, where no system font is installed


def badge_png(badge: Badge) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (WIDTH * PNG_SCALE, HEIGHT * PNG_SCALE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(
        (0, 0, WIDTH * PNG_SCALE - 1, HEIGHT * PNG_SCALE - 1), radius=6 * PNG_SCALE, fill=badge.background
    )
    for line in badge.lines:
        draw.text(
            (12 * PNG_SCALE, line.y * PNG_SCALE),
            line.text,
            font=_font(line.size * PNG_SCALE, line.bold),
            fill="#ffffff",
            anchor="ls",  # x, y is the left of the baseline, as in the SVG
        )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
