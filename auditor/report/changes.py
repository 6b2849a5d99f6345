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

A template defect (``auditor.sitewide``) is one problem however many findings (one per
page) it has: its new, fixed, persisting or suppressed findings are one line and count
once in this part, and the raw number of findings is given next to each count
(``new_findings`` …). The nightly alert, history, webhook and e-mail count findings as
``findings.json`` has them; only this part of the report groups them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from auditor.model import Finding, RunHistory, severity_rank
from auditor.report.charts import TrendChart, trend_lines
from auditor.report.evidence import Value
from auditor.report.i18n import Catalogue
from auditor.sitewide import TemplateDefect

__all__ = ["ChangeItem", "ChangesView", "TrendRow", "TrendView", "build_changes", "display_change", "group_units"]

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
    page: Value | None  # None for a template defect: its sentence names the shared target
    pages: int = 0  # a template defect's number of pages in this list; 0 for a finding


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
    new: int  # these four count a template defect once
    fixed: int
    persisting: int
    suppressed: int
    new_items: list[ChangeItem]
    more_new: int
    fixed_items: list[ChangeItem]
    more_fixed: int
    trend: TrendView | None  # None: fewer than two runs, nothing to draw yet
    # The findings behind the four counts, as findings.json and the nightly alert count them.
    new_findings: int = 0
    fixed_findings: int = 0
    persisting_findings: int = 0
    suppressed_findings: int = 0


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


Unit = tuple[Finding, TemplateDefect | None]  # a finding, or a template defect's findings in one list


def _part(defect: TemplateDefect, members: Sequence[Finding]) -> TemplateDefect:
    """The defect as far as ``members`` (some of its findings) go: a defect that gained two
    pages since last night is new on those two pages, not on all of them."""
    if len(members) == len(defect.findings):
        return defect
    pages = tuple(dict.fromkeys(loc.url for f in members for loc in (f.locations or ())) or
                  dict.fromkeys(f.url for f in members))
    return replace(defect, findings=tuple(members), pages=pages, page_count=len(members))


def group_units(findings: Sequence[Finding], defect_of: Callable[[Finding], TemplateDefect | None]) -> list[Unit]:
    """``findings`` with each template defect's findings made one unit, at the place of
    its first (in the order given)."""
    units: list[Unit] = []
    members: dict[str, list[Finding]] = {}
    for f in findings:
        defect = defect_of(f)
        if defect is None:
            units.append((f, None))
            continue
        if defect.key not in members:
            members[defect.key] = []
            units.append((f, defect))
        members[defect.key].append(f)
    return [(f, _part(d, members[d.key]) if d is not None else None) for f, d in units]


def build_changes(history: RunHistory, findings: Sequence[Finding], cat: Catalogue, *,
                  item: Callable[[Finding, bool, TemplateDefect | None], ChangeItem],
                  family_title: Callable[[str], str], family_key: Callable[[str], Any],
                  defect_of: Callable[[Finding], TemplateDefect | None] = lambda f: None,
                  fixed_defect_of: Callable[[Finding], TemplateDefect | None] = lambda f: None) -> ChangesView:
    """The "since last run" part. ``findings`` are this run's, most important first;
    ``item(finding, linked, defect)`` makes a list entry (``linked``: it has an anchor in
    this report; ``defect``: the template defect it stands for). ``defect_of`` gives the
    template defect of a finding of this run, ``fixed_defect_of`` of a fixed one."""
    labels = [display_change(history, f) for f in findings]
    new = [f for f, label in zip(findings, labels, strict=True) if label == "new"]
    # Worst severity first; within a severity, the order given (by impact).
    new.sort(key=lambda f: -severity_rank(f.severity))
    fixed = sorted(history.fixed, key=lambda f: (-severity_rank(f.severity), f.code, f.fingerprint))
    new_units, fixed_units = group_units(new, defect_of), group_units(fixed, fixed_defect_of)

    def count(label: str) -> tuple[int, int]:
        same = [f for f, lab in zip(findings, labels, strict=True) if lab == label]
        return len(group_units(same, defect_of)), len(same)

    persisting, persisting_findings = count("persisting")
    suppressed, suppressed_findings = count("suppressed")
    previous = history.previous_run or {}
    when = previous.get("started_at") or previous.get("finished_at")
    return ChangesView(
        first_run=history.previous_run is None,
        previous_date=cat.date(str(when)) if when else "",
        previous_findings=_int(previous.get("findings")),
        new=len(new_units), fixed=len(fixed_units), persisting=persisting, suppressed=suppressed,
        new_items=[item(f, True, d) for f, d in new_units[:MAX_LISTED]],
        more_new=max(len(new_units) - MAX_LISTED, 0),
        fixed_items=[item(f, False, d) for f, d in fixed_units[:MAX_LISTED]],
        more_fixed=max(len(fixed_units) - MAX_LISTED, 0),
        trend=_trend(cat, history.trend, family_title, family_key),
        new_findings=len(new), fixed_findings=len(fixed), persisting_findings=persisting_findings,
        suppressed_findings=suppressed_findings,
    )
