"""The picture a shared link shows (`og:image`): a pledge's words and shown-as line as a PNG.

Drawn with Pillow on the server, 1200 x 630 (the size link previews expect), and kept in the
cache under the pledge's id and a hash of what the picture shows, so each pledge is drawn
once and drawn again only when its words or shown-as line change. The fonts are Debian's
DejaVu when installed, else Pillow's own scalable default, so it works on a fresh machine.
"""

import hashlib
import io
from functools import cache as memoise
from pathlib import Path

from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont

from .models import Pledge

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
CACHE_SECONDS = 30 * 24 * 3600
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
NHS_BLUE = (0, 94, 184)
TEXT = (33, 43, 50)
SECONDARY = (76, 98, 114)
WHITE = (255, 255, 255)


def image_version(pledge: Pledge) -> str:
    """Changes whenever what the picture shows changes (also used in its URL, so link
    previews fetch the new one)."""
    shown = f"{pledge.text}\n{pledge.shown_as}\n{pledge.campaign.name}"
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


@memoise
def _font(size: int, bold: bool = False) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return ImageFont.load_default(size=size)


def _wrapped(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """Lines of `text` that fit `width` pixels, breaking long words if need be."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            while draw.textlength(word, font=font) > width:  # a very long word: cut it
                cut = max(1, int(len(word) * width / draw.textlength(word, font=font)) - 1)
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:cut])
                word = word[cut:]
            candidate = f"{line} {word}".strip()
            if draw.textlength(candidate, font=font) <= width:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return [line for line in lines if line]


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, height: int) -> tuple[object, list[str], int]:
    """The largest font size (from 60 down) at which the pledge fits its box."""
    for size in range(60, 23, -4):
        font = _font(size, bold=True)
        lines = _wrapped(draw, text, font, width)
        line_height = int(size * 1.3)
        if len(lines) * line_height <= height:
            return font, lines, line_height
    font = _font(24, bold=True)
    line_height = int(24 * 1.3)
    lines = _wrapped(draw, text, font, width)[: height // line_height]
    lines[-1] = lines[-1].rstrip() + " …"
    return font, lines, line_height


def pledge_image_draw(pledge: Pledge) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    band = 110
    draw.rectangle((0, 0, WIDTH, band), fill=NHS_BLUE)
    draw.text((MARGIN, band // 2), "Care Pledge", font=_font(40, bold=True), fill=WHITE, anchor="lm")
    draw.text(
        (WIDTH - MARGIN, band // 2), f"A pledge for {pledge.campaign.name}", font=_font(28), fill=WHITE, anchor="rm"
    )
    shown_font = _font(32)
    shown_lines = _wrapped(draw, pledge.shown_as[:1].upper() + pledge.shown_as[1:], shown_font, WIDTH - 2 * MARGIN)[:2]
    shown_height = 44 * len(shown_lines)
    box_top, box_bottom = band + 48, HEIGHT - MARGIN - shown_height - 24
    font, lines, line_height = _fit(draw, f"“{pledge.text}”", WIDTH - 2 * MARGIN, box_bottom - box_top)
    y = box_top
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=TEXT)
        y += line_height
    y = HEIGHT - MARGIN - shown_height
    draw.rectangle((MARGIN, y - 16, MARGIN + 120, y - 10), fill=NHS_BLUE)
    for line in shown_lines:
        draw.text((MARGIN, y), line, font=shown_font, fill=SECONDARY)
        y += 44
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def pledge_image(pledge: Pledge) -> bytes:
    """The PNG for a published pledge, from the cache when it was drawn before."""
    # A cache key, not a counter: named so it is never taken for one.
    key = f"pledge-og-image:{pledge.pk}:{image_version(pledge)}"
    png = cache.get(key)
    if png is None:
        png = pledge_image_draw(pledge)
        cache.set(key, png, CACHE_SECONDS)
    return png
