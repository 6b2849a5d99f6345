"""The report's "since last run" part: what changed since the site's previous audit, and
the trend per family over the last runs. Plain view-model dataclasses, like ``view.py``.

Only nightly runs have a history (``AuditRun.history``); a one-off ``audit`` has none and
its report has no such part. The history database has already compared the runs by
fingerprint and annotated every finding (``change``, ``suppressed``); this module only
counts and orders what it was given, so the report says exactly what ``findings.json`` says.

The report's counts split the findings of this run into three groups that add up to its
total: **new** and **persisting** (not suppressed), and **suppressed** (whether new or
not: an accepted risk is neither news nor a to-do). **Fixed** are the previous run's
findings that are gone (``RunHistory.fixed``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.model import Finding, RunHistory, severity_rank
from auditor.report.charts import TrendChart, trend_lines
from auditor.report.evidence import Value
from auditor.report.i18n import Catalogue

__all__ = ["ChangeItem", "ChangesView", "TrendRow", "TrendView", "build_changes", "display_change"]

MAX_LISTED = 25  # new and fixed findings listed by name; the rest are counted
MAX_TREND_RUNS = 30  # the last month of nightly runs


@dataclass(frozen=True)
class ChangeItem:
    """A finding named in the "since last run" lists; ``id`` is its anchor in the findings
    part ("" for a fixed finding: it is not in this run)."""

    id: str
    code: str
    title: str
    title_lang: str | None
    message: str
    message_lang: str | None
    severity: str
    severity_label: str
    page: Value


@dataclass(frozen=True)
class TrendRow:
    """One run in the trend table: its date, findings per family (in the charts' order)."""

    date: str
    counts: list[int]
    total: int
    new: int | None
    fixed: int | None


@dataclass(frozen=True)
class TrendView:
    charts: list[TrendChart]
    titles: list[str]  # the table's family columns, in the charts' order
    rows: list[TrendRow]


@dataclass(frozen=True)
class ChangesView:
    """Everything the "since last run" part shows."""

    first_run: bool
    previous_date: str
    previous_findings: int | None
    new: int
    fixed: int
    persisting: int
    suppressed: int
    new_items: list[ChangeItem]
    more_new: int
    fixed_items: list[ChangeItem]
    more_fixed: int
    trend: TrendView | None  # None: fewer than two runs, nothing to draw yet


def display_change(history: RunHistory | None, finding: Finding) -> str:
    """How the report labels a finding: ``new``, ``persisting``, ``suppressed``, or "" when
    there is nothing to say (no history; the first audit, where everything is new; a
    finding the history did not annotate, which the report will not guess about)."""
    if history is None:
        return ""
    if finding.suppressed:
        return "suppressed"
    if history.previous_run is None:
        return ""
    return finding.change if finding.change in ("new", "persisting") else ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _trend(cat: Catalogue, entries: Sequence[Mapping[str, Any]], family_title: Callable[[str], str],
           family_key: Callable[[str], Any]) -> TrendView | None:
    entries = [e for e in entries if isinstance(e, Mapping)][-MAX_TREND_RUNS:]
    if len(entries) < 2:
        return None
    families: dict[str, None] = {}
    for entry in entries:
        counts = entry.get("families")
        if isinstance(counts, Mapping):
            families.update(dict.fromkeys(str(k) for k in counts))
    order = sorted(families, key=family_key)
    # A family absent from a run's counts had no findings then.
    table = [[_int((e.get("families") or {}).get(fam)) or 0 for fam in order] for e in entries]
    labels = [cat.date(str(e.get("started_at") or "")) for e in entries]
    titles = [family_title(fam) for fam in order]
    series = [(fam, title, [row[i] for row in table]) for i, (fam, title) in enumerate(zip(order, titles,
                                                                                            strict=True))]
    rows = [TrendRow(label, counts, sum(counts), _int(e.get("new")), _int(e.get("fixed")))
            for label, counts, e in zip(labels, table, entries, strict=True)]
    return TrendView(trend_lines(series, labels), titles, rows)


def build_changes(history: RunHistory, findings: Sequence[Finding], cat: Catalogue, *,
                  item: Callable[[Finding, bool], ChangeItem], family_title: Callable[[str], str],
                  family_key: Callable[[str], Any]) -> ChangesView:
    """The "since last run" part. ``findings`` are this run's, most important first;
    ``item(finding, linked)`` makes a list entry (``linked``: it has an anchor in this report)."""
    labels = [display_change(history, f) for f in findings]
    new = [f for f, label in zip(findings, labels, strict=True) if label == "new"]
    # Worst severity first; within a severity, the order given (by impact).
    new.sort(key=lambda f: -severity_rank(f.severity))
    fixed = sorted(history.fixed, key=lambda f: (-severity_rank(f.severity), f.code, f.fingerprint))
    previous = history.previous_run or {}
    when = previous.get("started_at") or previous.get("finished_at")
    return ChangesView(
        first_run=history.previous_run is None,
        previous_date=cat.date(str(when)) if when else "",
        previous_findings=_int(previous.get("findings")),
        new=len(new), fixed=len(fixed), persisting=labels.count("persisting"), suppressed=labels.count("suppressed"),
        new_items=[item(f, True) for f in new[:MAX_LISTED]], more_new=max(len(new) - MAX_LISTED, 0),
        fixed_items=[item(f, False) for f in fixed[:MAX_LISTED]], more_fixed=max(len(fixed) - MAX_LISTED, 0),
        trend=_trend(cat, history.trend, family_title, family_key),
    )
