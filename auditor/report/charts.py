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

__all__ = ["Bar", "Chart", "Segment", "TrendChart", "TrendPoint", "stacked_bars", "trend_lines"]

LABEL_WIDTH = 170
BAR_AREA = 380
ROW = 30
BAR_HEIGHT = 18
# One small trend chart (small multiples: one per family, side by side, same size).
TREND_WIDTH = 260
TREND_HEIGHT = 120
TREND_LEFT = 34  # room for the scale's numbers
TREND_RIGHT = 12
TREND_TOP = 10
TREND_BOTTOM = 24  # room for the first and last date


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


@dataclass(frozen=True)
class TrendPoint:
    x: float
    y: float
    value: int
    label: str  # the run's date, for the point's tooltip


@dataclass(frozen=True)
class TrendChart:
    """One family's line over the runs. ``scale`` is the top of its y axis: each family
    has its own, so a family with 3 findings is as readable as one with 300 (the numbers
    on the axis and in the table say which is which)."""

    key: str
    title: str
    width: int
    height: int
    left: int
    right: float
    top: int
    base: float  # y of the zero line
    scale: int
    points: list[TrendPoint]
    first_label: str
    last_label: str

    @property
    def polyline(self) -> str:
        """The SVG ``points`` attribute of the line."""
        return " ".join(f"{p.x},{p.y}" for p in self.points)


def trend_lines(series: Sequence[tuple[str, str, Sequence[int]]], labels: Sequence[str]) -> list[TrendChart]:
    """A small line chart per ``(key, title, values)``; ``labels`` name the runs (oldest
    first), one per value. Needs two runs or more: one point is not a trend."""
    if len(labels) < 2:
        raise ValueError("a trend needs at least two runs")
    right = TREND_WIDTH - TREND_RIGHT
    base = TREND_HEIGHT - TREND_BOTTOM
    step = (right - TREND_LEFT) / (len(labels) - 1)
    charts = []
    for key, title, values in series:
        if len(values) != len(labels):
            raise ValueError(f"trend of {key!r} has {len(values)} values for {len(labels)} runs")
        scale = max(_ticks(max(values, default=0))[-1], 1)
        points = [TrendPoint(round(TREND_LEFT + i * step, 2), round(base - value / scale * (base - TREND_TOP), 2),
                             value, label)
                  for i, (value, label) in enumerate(zip(values, labels, strict=True))]
        charts.append(TrendChart(key, title, TREND_WIDTH, TREND_HEIGHT, TREND_LEFT, right, TREND_TOP, base, scale,
                                 points, labels[0], labels[-1]))
    return charts
