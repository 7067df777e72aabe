"""Small server-rendered SVG charts: no JavaScript, a title and description for screen
readers, and the same figures in a table beside each chart (the text alternative)."""

from dataclasses import dataclass
from html import escape

COLOURS = ["#005eb8", "#768692", "#007f3b", "#ffb81c", "#330072", "#d5281b"]


@dataclass(frozen=True)
class Series:
    label: str
    values: list[int]


def _nice_max(value: int) -> int:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return value


def line_chart(*, title: str, series: list[Series], x_labels: list[str], width: int = 640, height: int = 280) -> str:
    """Cumulative lines, one per series, sharing the x axis (for example day 1, day 2...)."""
    left, right, top, bottom = 56, 16, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    points = max((len(s.values) for s in series), default=0)
    y_max = _nice_max(max((max(s.values) for s in series if s.values), default=0))
    ident = "chart-" + "".join(c for c in title.lower() if c.isalnum())[:40]

    def x(i: int) -> float:
        return left + (plot_w * i / max(points - 1, 1))

    def y(v: int) -> float:
        return top + plot_h - plot_h * v / y_max

    parts = [
        f'<svg class="app-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">'
        + escape(
            "; ".join(
                f"{s.label}: {s.values[-1] if s.values else 0:,} by {x_labels[len(s.values) - 1] if s.values else 'the start'}"
                for s in series
            )
        )
        + "</desc>",
    ]
    for tick in range(5):
        value = y_max * tick // 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#d8dde0"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="12" fill="#4c6272">{value:,}</text>'
        )
    for i, label in enumerate(x_labels):
        if points and (i % max(points // 6, 1) == 0 or i == points - 1):
            anchor = "end" if i == points - 1 and points > 1 else "middle"  # keep the last label inside
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 16}" text-anchor="{anchor}" font-size="12" fill="#4c6272">{escape(label)}</text>'
            )
    for n, s in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        dash = "" if n == 0 else ' stroke-dasharray="6 4"'
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(v):.1f}" for i, v in enumerate(s.values))
        if path:
            parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="3"{dash}/>')
    parts.append("</svg>")
    # Classes, not style attributes: the Content Security Policy allows no inline styles.
    legend = "".join(
        f'<li><span class="app-chart-key app-chart-key--{n % len(COLOURS)}"></span>{escape(s.label)}</li>'
        for n, s in enumerate(series)
    )
    return "".join(parts) + f'<ul class="app-chart-legend">{legend}</ul>'


def bar_chart(
    *,
    title: str,
    items: list[tuple[str, int | None]],
    width: int = 640,
    texts: list[str] | None = None,
    labels_above: bool = False,
) -> str:
    """Horizontal bars, each labelled with its value.

    `texts`: what to write beside each bar instead of the number (a public page's suppressed
    figures, "fewer than 5"); an item whose value is None draws no bar, so its length cannot
    give the hidden count away. `labels_above`: each label on its own line above its bar, so a
    narrow chart (width=360) stays readable on a phone."""
    texts = texts or [f"{value:,}" for _, value in items]
    bar_h, gap = 22, 8
    label_w = 0 if labels_above else 220
    label_h = 20 if labels_above else 0
    row_h = label_h + bar_h + gap
    height = max(len(items), 1) * row_h + gap
    top_value = max((v for _, v in items if v is not None), default=0) or 1
    ident = "bars-" + "".join(c for c in title.lower() if c.isalnum())[:40]
    parts = [
        f'<svg class="app-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">'
        + escape("; ".join(f"{label}: {text}" for (label, _), text in zip(items, texts, strict=True)))
        + "</desc>",
    ]
    value_room = 110 if labels_above else 70
    for i, ((label, value), text) in enumerate(zip(items, texts, strict=True)):
        y = gap + i * row_h
        if labels_above:
            parts.append(f'<text x="0" y="{y + 14}" font-size="14" fill="#212b32">{escape(label)}</text>')
        else:
            parts.append(
                f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="13" fill="#212b32">{escape(label)}</text>'
            )
        bar_y = y + label_h
        length = (width - label_w - value_room) * (value or 0) / top_value
        if value:
            parts.append(f'<rect x="{label_w}" y="{bar_y}" width="{length:.1f}" height="{bar_h}" fill="#005eb8"/>')
        parts.append(
            f'<text x="{label_w + length + 6:.1f}" y="{bar_y + 16}" font-size="13" fill="#212b32">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_bar_chart(
    *, title: str, labels: list[str], parts: list[Series], colours: list[int], width: int = 640
) -> str:
    """One horizontal bar per label, split into `parts` (each a Series with one value per label),
    for example the tasks chosen under each statement split into done, overdue and still to do.
    Each label is written above its bar, so long ones need no margin; the whole is written after
    the bar. `colours` picks each part's colour from COLOURS (and its legend key)."""
    label_h, bar_h, gap, right = 18, 22, 14, 70
    row_h = label_h + bar_h + gap
    height = max(len(labels), 1) * row_h + 4
    totals = [sum(part.values[i] for part in parts) for i in range(len(labels))]
    top_value = max(totals, default=0) or 1
    ident = "stack-" + "".join(c for c in title.lower() if c.isalnum())[:40]
    described = "; ".join(
        f"{label}: " + ", ".join(f"{part.values[i]:,} {part.label.lower()}" for part in parts)
        for i, label in enumerate(labels)
    )
    svg = [
        f'<svg class="app-chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(described)}</desc>',
    ]
    for i, label in enumerate(labels):
        y = i * row_h
        svg.append(f'<text x="0" y="{y + 13}" font-size="14" fill="#212b32">{escape(label)}</text>')
        x = 0.0
        for part, colour in zip(parts, colours, strict=True):
            length = (width - right) * part.values[i] / top_value
            if length:
                svg.append(
                    f'<rect x="{x:.1f}" y="{y + label_h}" width="{length:.1f}" height="{bar_h}" '
                    f'fill="{COLOURS[colour % len(COLOURS)]}"/>'
                )
            x += length
        svg.append(f'<text x="{x + 6:.1f}" y="{y + label_h + 16}" font-size="14" fill="#212b32">{totals[i]:,}</text>')
    svg.append("</svg>")
    legend = "".join(
        f'<li><span class="app-chart-key app-chart-key--{colour % len(COLOURS)}"></span>{escape(part.label)}</li>'
        for part, colour in zip(parts, colours, strict=True)
    )
    return "".join(svg) + f'<ul class="app-chart-legend">{legend}</ul>'
