"""Chart geometry for inline SVG: the numbers are computed here, the template only draws
rectangles and text. No chart library, no script: the report opens offline and prints.

Every chart also has a table of the same numbers in the report (for screen readers and
for readers who prefer numbers), so the SVG is ``aria-hidden``-free but never the only
way to read the data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from auditor.model import SEVERITIES

__all__ = ["Bar", "Chart", "Segment", "stacked_bars"]

LABEL_WIDTH = 170
BAR_AREA = 380
ROW = 30
BAR_HEIGHT = 18


@dataclass(frozen=True)
class Segment:
    severity: str
    count: int
    x: float
    width: float


@dataclass(frozen=True)
class Bar:
    label: str
    total: int
    y: float
    segments: list[Segment]
    end: float  # x where the bar ends (the total is written after it)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[Bar]
    ticks: list[tuple[float, int]]


def _ticks(maximum: int) -> list[int]:
    if maximum <= 0:
        return [0]
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 50_000):
        if maximum / step <= 5:
            return list(range(0, maximum + step, step))
    step = 10 ** (len(str(maximum)) - 1)
    return list(range(0, maximum + step, step))


def stacked_bars(rows: Sequence[tuple[str, Mapping[str, int]]]) -> Chart:
    """One bar per row (``label``, counts by severity), worst severity first in each bar."""
    order = list(reversed(SEVERITIES))
    totals = [sum(counts.get(s, 0) for s in order) for _, counts in rows]
    ticks = _ticks(max(totals, default=0))
    scale = BAR_AREA / max(ticks[-1], 1)
    bars = []
    for i, ((label, counts), total) in enumerate(zip(rows, totals, strict=True)):
        x = float(LABEL_WIDTH)
        segments = []
        for severity in order:
            n = counts.get(severity, 0)
            if n:
                width = max(n * scale, 1.5)
                segments.append(Segment(severity, n, round(x, 2), round(width, 2)))
                x += width
        bars.append(Bar(label, total, 10 + i * ROW, segments, round(x, 2)))
    height = 10 + len(rows) * ROW + 24
    return Chart(width=LABEL_WIDTH + BAR_AREA + 60, height=height, label_width=LABEL_WIDTH, bar_height=BAR_HEIGHT,
                 bars=bars, ticks=[(round(LABEL_WIDTH + t * scale, 2), t) for t in ticks])
