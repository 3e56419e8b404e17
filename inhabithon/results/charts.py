"""Server-rendered charts: the geometry is computed here, the SVG is written by a
template (``templates/results/_bar_chart.html``), so no markup is built in Python
and nothing needs a script or an inline style."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BAR_HEIGHT = 18  # labels sit above each bar, so long (and right-to-left) titles fit
ROW_HEIGHT = 46
LABEL_OFFSET = 14
WIDTH = 600
VALUE_SPACE = 56  # room after the longest bar for its number


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    label_y: int
    y: int
    width: float
    value_x: float
    value_y: int
    lang: str | None


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: tuple[Bar, ...]


def horizontal_bars(items: Sequence[tuple[str, int, str | None]]) -> BarChart:
    """Bars for ``(label, value, language)`` items, longest value = full width.

    Every bar gets at least a sliver so a zero still shows where its row is.
    """
    top = max((value for _label, value, _lang in items), default=0)
    usable = WIDTH - VALUE_SPACE
    bars = []
    for index, (label, value, lang) in enumerate(items):
        row = index * ROW_HEIGHT
        width = usable * value / top if top else 0.0
        width = max(width, 2.0)
        bars.append(
            Bar(
                label=label,
                value=value,
                label_y=row + LABEL_OFFSET,
                y=row + LABEL_OFFSET + 6,
                width=round(width, 1),
                value_x=round(width + 6, 1),
                value_y=row + LABEL_OFFSET + 6 + BAR_HEIGHT - 4,
                lang=lang,
            )
        )
    return BarChart(WIDTH, max(len(items) * ROW_HEIGHT, ROW_HEIGHT), tuple(bars))
