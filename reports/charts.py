"""SVG charts drawn in Python as strings: no JavaScript, no CDN, the same markup on screen and in the PDF."""
from __future__ import annotations

from markupsafe import Markup, escape

FONT = "Noto Sans CJK SC, Noto Sans SC, sans-serif"


def bar_chart(bars: list[tuple[str, float | None, str]], *, title: str, width: int = 640,
              colour: str = "#1f5fa8") -> Markup:
    """Horizontal bars: (label, share 0..1 or None, text shown after the bar), one per row."""
    row, label_w, text_w = 30, 190, 150
    bar_w = width - label_w - text_w
    height = 8 + row * max(len(bars), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="13">',
             f"<title>{escape(title)}</title>"]
    for i, (label, share, text) in enumerate(bars):
        y = 4 + i * row
        length = 0 if share is None else round(max(0.0, min(1.0, share)) * bar_w, 1)
        parts.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{escape(_clip(label))}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="18" fill="#e8eaee"/>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{length}" height="18" fill="{colour}"/>')
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 17}">{escape(text)}</text>')
    if not bars:
        parts.append(f'<text x="{label_w}" y="21" fill="#5b6474">—</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _clip(label: str, most: int = 16) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"


def rate_text(rate: str | None, agreed: int, concluded: int) -> str:
    """"66.67% (2/3)", or "— (0/0)" when nothing concluded."""
    if rate is None:
        return f"— ({agreed}/{concluded})"
    return f"{float(rate) * 100:.2f}% ({agreed}/{concluded})"


def success_chart(report: dict, title: str) -> Markup:
    """The success rate of each group of a report, numerator and denominator beside each bar."""
    bars = [(str(g["label"]), None if g["rate"] is None else float(g["rate"]),
             rate_text(g["rate"], g["agreed"], g["concluded"])) for g in report["groups"]]
    return bar_chart(bars, title=title)
