"""The dashboard page: the overview as view-model dataclasses, rendered with the report's
Jinja2 environment (autoescape, StrictUndefined), stylesheet, macros, message catalogue and
Content-Security-Policy (``auditor.report.html``). The page has no script at all; the
sparklines are inline SVG drawn from numbers computed here.

Everything read from history or the portfolio (names, brand, URLs, reasons, folders) is
text to the template. A link to a report is a path percent-encoded by ``urllib`` (so a
folder called ``javascript:…`` stays a relative path) or a ``file:`` URI.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from auditor.dashboard.overview import NIGHTS, ClientState, Overview
from auditor.report.brand import Brand
from auditor.report.evidence import Value
from auditor.report.html import _asset, csp_for, environment  # the report's template files, read once each
from auditor.report.i18n import Catalogue
from auditor.report.safety import clip, safe_href
from auditor.report.view import _band as band  # the report's bands (good, fair, poor, none), one definition
from auditor.report.view import family_order, family_title

# Sparkline geometry (CSS pixels at scale 1): the score scale is 0-100 for every family and
# client, so lines can be compared down the page.
SPARK_WIDTH = 120
SPARK_HEIGHT = 32
SPARK_PAD = 3
STATUS_ORDER = ("failed", "unreachable", "never", "ok")  # what needs a person first
STATUS_ICON = {"ok": "✓", "failed": "✕", "unreachable": "!", "never": "–"}


@dataclass(frozen=True)
class Spark:
    """One family's score now and its line over the window."""

    family: str
    title: str
    score: int | None
    band: str  # good, fair, poor, none (the report's bands)
    points: list[tuple[float, float]]
    label: str  # the line in words (screen readers, tooltips)

    @property
    def polyline(self) -> str:
        return " ".join(f"{x},{y}" for x, y in self.points)

    @property
    def last(self) -> tuple[float, float] | None:
        return self.points[-1] if self.points else None


@dataclass(frozen=True)
class ClientView:
    name: str
    display: str
    target: Value
    status: str
    status_label: str
    icon: str
    reason: str | None
    reason_label: str
    last_run: str  # the date, in words; "" when never run
    last_run_iso: str
    audited: str  # date of the newest audited run when it is not the newest run
    new: int | None
    findings: int | None
    incomplete: bool
    report_href: str | None
    sparks: list[Spark]


@dataclass(frozen=True)
class DashboardView:
    lang: str
    title: str
    brand: Brand
    updated: str
    window: str  # the trend window's sentence, "" when nothing was recorded
    clients: list[ClientView]
    counts: list[tuple[str, str, int]]  # (status, label, clients)
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT


def spark_points(trend: Sequence[tuple[dt.date, int]], start: dt.date) -> list[tuple[float, float]]:
    """(x, y) of each night's score: x by the night's place in the window, y on 0-100."""
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / (NIGHTS - 1)
    span = SPARK_HEIGHT - 2 * SPARK_PAD
    return [(round(SPARK_PAD + (day - start).days * step, 2), round(SPARK_PAD + (100 - score) / 100 * span, 2))
            for day, score in trend]


def report_href(report: Path | None, out_dir: Path) -> str | None:
    """The link to a report file: relative when the report and the dashboard share a folder
    other than the filesystem root (served or copied together), else a ``file:`` URI."""
    if report is None:
        return None
    report, out = Path(os.path.abspath(report)), Path(os.path.abspath(out_dir))
    common = Path(os.path.commonpath([report, out]))
    if common == Path(common.anchor):
        return report.as_uri()
    return quote(os.path.relpath(report, out).replace(os.sep, "/"))


def _reason(cat: Catalogue, state: ClientState) -> str | None:
    if not state.reason:
        return None
    if state.status == "unreachable":
        from auditor.notify.notices import reason_text

        return reason_text(state.reason, cat.lang)
    return clip(state.reason, 300)


def client_view(cat: Catalogue, state: ClientState, start: dt.date | None, out_dir: Path,
                checks: Mapping[str, Any]) -> ClientView:
    """One client's card; ``checks`` (the registry's) name plugin families as the report does."""
    entry = state.client
    families = sorted(set(state.scores) | set(state.trends), key=family_order)
    sparks = []
    for family in families:
        title = family_title(cat, checks, family)
        trend = state.trends.get(family, [])
        score = state.scores.get(family)
        points = spark_points(trend, start) if start is not None else []
        if len(trend) > 1:  # the line in words: where it ends, where it started
            label = cat.t("dashboard.spark_trend", family=title, score=trend[-1][1],
                          date=cat.date(trend[-1][0].isoformat()), first=trend[0][1],
                          first_date=cat.date(trend[0][0].isoformat()), n=len(trend))
        elif trend:
            label = cat.t("dashboard.spark", family=title, score=trend[-1][1], date=cat.date(trend[-1][0].isoformat()),
                          n=len(trend))
        else:
            label = cat.t("dashboard.spark_none", family=title)
        sparks.append(Spark(family, title, score, band(score), points, label))
    audited = state.audited if state.audited is not None and state.audited != state.last_run else None
    reason_key = "dashboard.unreachable_reason" if state.status == "unreachable" else "dashboard.failed_reason"
    return ClientView(
        name=entry.name, display=clip(entry.display, 200),
        target=Value(clip(entry.target, 300), safe_href(entry.target), mono=True),
        status=state.status, status_label=cat.t(f"dashboard.status.{state.status}"), icon=STATUS_ICON[state.status],
        reason=_reason(cat, state), reason_label=cat.t(reason_key),
        last_run=cat.date(state.last_run.isoformat()) if state.last_run else "",
        last_run_iso=state.last_run.isoformat() if state.last_run else "",
        audited=cat.date(audited.isoformat()) if audited else "",
        new=state.new, findings=state.findings, incomplete=not state.complete,
        report_href=report_href(state.report, out_dir), sparks=sparks)


def build_view(overview: Overview, cat: Catalogue, brand: Brand, out_dir: Path, *, now: dt.datetime | None = None,
               title: str | None = None) -> DashboardView:
    from auditor.registry import load_checks

    checks = load_checks()
    clients = [client_view(cat, s, overview.window_start, out_dir, checks) for s in overview.clients]
    clients.sort(key=lambda c: (STATUS_ORDER.index(c.status), c.name))
    counts = [(status, cat.t(f"dashboard.status.{status}"), n) for status in STATUS_ORDER
              if (n := sum(1 for c in clients if c.status == status))]
    when = now or dt.datetime.now().astimezone()
    window = cat.t("dashboard.window", date=cat.date(overview.window_end.isoformat())) if overview.window_end else ""
    return DashboardView(lang=cat.lang, title=title or cat.t("dashboard.title"), brand=brand,
                         updated=cat.t("dashboard.updated", date=f"{cat.date(when.isoformat())} {when:%H:%M}"),
                         window=window, clients=clients, counts=counts)


def render(view: DashboardView, cat: Catalogue) -> str:
    """The page's HTML: the report's stylesheet and the dashboard's own, both hashed in the
    report's Content-Security-Policy; no script (``script-src 'none'``)."""
    css = view.brand.css() + _asset("report.css") + _asset("dashboard.css")
    return environment().get_template("dashboard.html").render(
        view=view, cat=cat, t=cat.t, num=cat.number, css=Markup(css), csp=csp_for(css, None))

