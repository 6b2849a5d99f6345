"""The report's view model: plain dataclasses built from an ``AuditRun`` (as coverage.py's
``HtmlDataGeneration`` does); the templates only render them.

Everything a template shows is computed here: texts in the report's language, URLs made
safe, evidence turned into blocks, scores, the touchpoint map, chart geometry. A template
never sees a ``Finding`` or a plugin's object, and never any HTML from a page or a plugin.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditor.model import SEVERITIES, AuditRun, Finding, Location, severity_rank
from auditor.report.brand import Brand, brand_view
from auditor.report.changes import ChangeItem, ChangesView, build_changes, display_change
from auditor.report.charts import Chart, stacked_bars
from auditor.report.evidence import Block, Value, evidence_blocks
from auditor.report.i18n import Catalogue, choose_language, load_catalogue
from auditor.report.messages import code_text, finding_message, group_message
from auditor.report.safety import ImageEmbedder, clip, safe_href
from auditor.report.touchmap import TouchpointMap, build_map, norm
from auditor.scoring import FamilyScore, family_scores, on_home, pages_of, ranked, ranked_units
from auditor.sitewide import TemplateDefect, run_template_defects, template_defects, thresholds

__all__ = ["CheckInfo", "ReportView", "build_view"]

FAMILY_ORDER = ("links", "freshness", "spelling", "mobile", "ads", "profiles", "forms")
# Rows shown per finding (its pages; a list or table in its evidence). findings.json has
# them all. A big report shows fewer, so it still opens quickly in a browser.
MAX_LOCATIONS = 25
MAX_EVIDENCE_ROWS = 30
BIG_REPORT = 2000  # findings
BIG_REPORT_ROWS = 10
PDF_ROWS = 10
PDF_FINDINGS_PER_CODE = 15
MAX_PAGE_OPTIONS = 1000
TEMPLATE_PAGES = 100  # pages listed (collapsed) under a template defect; findings.json has all
# The HTML report's size bound (docs/report.md, "Size"): across all rule codes at most
# FULL_FINDINGS findings with their evidence and pages, then COMPACT_FINDINGS as one line
# each (the sentence and the page); the rest are counted, and findings.json has them all.
# Shared out evenly over the rule codes that have findings, with a floor per code.
FULL_FINDINGS = 400
COMPACT_FINDINGS = 2000
MIN_FULL_PER_CODE = 10
MIN_COMPACT_PER_CODE = 25
# Evidence in the check's own words (English), hidden when the report wrote its own sentence:
# the sentence says it, or it is the check's explanation of how it decided.
HIDE_WHEN_TRANSLATED = frozenset({"reason", "signals", "section_found_by", "date_found_by", "date_source"})
_ID = re.compile(r"[^a-z0-9-]")


@dataclass(frozen=True)
class CheckInfo:
    """What the report needs of an installed check: its class (for ``report_messages``),
    family and docstring sections."""

    cls: Any
    family: str
    doc: Mapping[str, str]


@dataclass(frozen=True)
class LocationView:
    page: Value
    text: str
    element: str


@dataclass(frozen=True)
class FindingView:
    id: str
    code: str
    family: str
    severity: str
    severity_label: str
    message: str
    message_lang: str | None
    target: Value | None
    locations: list[LocationView]
    more_locations: int
    evidence: list[Block]
    reach: str
    change: str = ""  # new, persisting, suppressed, or "" (no history, or the site's first audit)
    suppressed_label: str = ""  # "suppressed until 1 March 2027: reason"
    streak_note: str = ""
    template: str = ""  # "Template defect: on 545 pages; fix it once …" (auditor.sitewide)
    compact: bool = False  # one line: the sentence and the page (past the report's full budget)


@dataclass(frozen=True)
class CodeGroup:
    code: str
    title: str
    title_lang: str | None
    summary: str
    summary_lang: str | None
    why: str
    why_lang: str | None
    fix: str
    fix_lang: str | None
    severity: str
    severity_label: str
    findings: list[FindingView]
    count: int
    occurrences: int
    hidden_in_pdf: int = 0
    omitted: int = 0  # past the HTML report's budget: counted, in findings.json
    collapsed: bool = False  # the check asks for its group to start closed (TP303 "worth a look")


@dataclass(frozen=True)
class ScoreView:
    family: str
    title: str
    intro: str
    score: int | None
    band: str  # good, fair, poor, none, not_applicable
    findings: int
    note: str


@dataclass(frozen=True)
class FamilyGroup:
    family: str
    title: str
    intro: str
    score: ScoreView
    codes: list[CodeGroup]
    count: int


@dataclass(frozen=True)
class TopItem:
    id: str
    code: str
    title: str
    title_lang: str | None
    message: str
    message_lang: str | None
    severity: str
    severity_label: str
    reach: str
    new: bool = False
    template: bool = False


@dataclass(frozen=True)
class TemplateRow:
    """A template defect as the touchpoint map lists it: one line, linked to its finding."""

    id: str
    title: str
    title_lang: str | None
    severity: str
    severity_label: str
    pages: str


@dataclass(frozen=True)
class Note:
    text: str
    lang: str | None = None


@dataclass(frozen=True)
class CheckRow:
    """One check and how it ended; ``explanation`` says in plain words what a status other
    than passed/failed means, ``reason`` is the technical detail (English)."""

    code: str
    title: str
    title_lang: str | None
    family: str
    status: str
    status_label: str
    reason: str
    explanation: str = ""


@dataclass(frozen=True)
class ReportView:
    """Everything the template shows, already computed and in one language."""

    lang: str
    cat: Catalogue
    brand: Brand
    title: str
    client: str
    target: Value
    date: str
    pages_crawled: int
    tool_version: str
    map: TouchpointMap
    scores: list[ScoreView]
    top: list[TopItem]
    not_checked: list[CheckRow]
    missing_families: list[str]
    notes: list[Note]
    chart: Chart
    chart_rows: list[tuple[str, list[int], int]]
    families: list[FamilyGroup]
    checks: list[CheckRow]
    family_options: list[tuple[str, str]]
    severity_options: list[tuple[str, str]]
    page_options: list[str]
    total_findings: int
    pdf: bool = False
    page_size: int = 25
    severities: list[str] = field(default_factory=lambda: list(reversed(SEVERITIES)))
    changes: ChangesView | None = None  # "since last run": nightly runs only
    suppressed_total: int = 0
    template_defects: list[TemplateRow] = field(default_factory=list)


def family_order(family: str) -> tuple[int, str]:
    """Sort key of a family: the report's order, then plugin families by name."""
    return (FAMILY_ORDER.index(family) if family in FAMILY_ORDER else len(FAMILY_ORDER), family)


def family_title(cat: Catalogue, checks: Mapping[str, Any], family: str) -> str:
    """A family's title: the catalogue's, else a plugin's ``family_names``, else its key."""
    return (cat.get(f"families.{family}.title") or plugin_family_text(cat, checks, family, "title")
            or family.replace("_", " ").capitalize())


def plugin_family_text(cat: Catalogue, checks: Mapping[str, Any], family: str, field: str) -> str:
    """A plugin family's ``title`` or ``intro`` from its checks' ``family_names``
    (``{"nl": {"title": …, "intro": …}, "en": {…}}``, docs/plugins.md): the catalogue's
    language, else English."""
    for info in checks.values():
        names = getattr(info.cls, "family_names", None)
        if getattr(info.cls, "family", None) != family or not isinstance(names, dict):
            continue
        for lang in (cat.lang, "en"):
            text = (names.get(lang) or {}).get(field) if isinstance(names.get(lang), dict) else None
            if isinstance(text, str) and text.strip():
                return text.strip()[:200]
    return ""


def _finding_ids(findings: list[Finding]) -> tuple[dict[int, str], dict[str, str]]:
    """An HTML id per finding (by object), and the first id of each fingerprint."""
    by_object: dict[int, str] = {}
    by_fingerprint: dict[str, str] = {}
    used: set[str] = set()
    for i, f in enumerate(findings):
        base = "f-" + (_ID.sub("", f.fingerprint.lower())[:24] or str(i))
        ident = base if base not in used else f"{base}-{i}"
        used.add(ident)
        by_object[id(f)] = ident
        by_fingerprint.setdefault(f.fingerprint, ident)
    return by_object, by_fingerprint


def _band(score: int | None) -> str:
    if score is None:
        return "none"
    return "good" if score >= 80 else "fair" if score >= 50 else "poor"


def _reach(cat: Catalogue, finding: Finding, pages_crawled: int, home: str, pages: int | None = None) -> str:
    pages = pages_of(finding) if pages is None else pages
    text = cat.t("ui.reach", pages=pages, total=max(pages_crawled, pages))
    return text + (cat.t("ui.reach_home") if on_home(finding, home) else "")


def _language(run: AuditRun) -> str:
    configured = (run.config.get("report") or {}).get("language") if isinstance(run.config, Mapping) else None
    langs = ((getattr(tp, "details", None) or {}).get("language") for tp in run.touchpoints
             if tp.kind in ("web_page", "news_item"))
    return choose_language(configured, langs)


def _notes(cat: Catalogue, notes: tuple[str, ...]) -> list[Note]:
    out = []
    for note in notes:
        for rule in cat.get("notes") or []:
            match = re.search(rule["pattern"], note)
            if match:
                out.append(Note(cat.format(rule["text"], match.groupdict())))
                break
        else:
            out.append(Note(note, None if cat.lang == "en" else "en"))
    return out


class _Builder:
    """Builds one ``ReportView``; holds what every part needs (catalogue, checks, ids)."""

    def __init__(self, run: AuditRun, checks: Mapping[str, CheckInfo], assets: Path | None, pdf: bool) -> None:
        self.run = run
        self.checks = checks
        self.pdf = pdf
        self.cat = load_catalogue(_language(run))
        # report.html links the screenshots as files next to it (the run directory); the
        # PDF edition embeds them (printing refuses every request, files included).
        self.embed = ImageEmbedder(assets, link=not pdf)
        self.family_of = {code: info.family for code, info in checks.items()}
        self.family_of.update({c.code: c.family for c in run.checks if c.family})
        self.ids, self.fingerprint_ids = _finding_ids(list(run.findings))
        big = len(run.findings) > BIG_REPORT
        self.rows = PDF_ROWS if pdf else BIG_REPORT_ROWS if big else MAX_LOCATIONS
        parts = urlsplit(run.target)
        self.origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
        self.ranked = ranked(run.findings, run.pages_crawled, run.target)
        # Template defects (auditor.sitewide): one entry each in the report, however many
        # findings (one per page) findings.json has for them.
        self.defects = run_template_defects(run)
        self.defect_of: dict[int, TemplateDefect] = {id(f): d for d in self.defects for f in d.findings}
        self.units = ranked_units(run.findings, run.pages_crawled, run.target, self.defects)

    def family(self, code: str) -> str:
        return self.family_of.get(code) or "other"

    def family_title(self, family: str) -> str:
        return family_title(self.cat, self.checks, family)

    def family_intro(self, family: str) -> str:
        return self.cat.get(f"families.{family}.intro") or plugin_family_text(self.cat, self.checks, family, "intro")

    def severity_label(self, severity: str) -> str:
        return self.cat.get(f"severity.{severity}") or severity

    def collapsed(self, code: str) -> bool:
        """A check whose findings are leads, not verdicts, has its group start closed
        (``report_collapsed = True`` on the check class); never in the PDF."""
        info = self.checks.get(code)
        return bool(info and getattr(info.cls, "report_collapsed", False)) and not self.pdf

    def text(self, code: str, part: str, name: str = "") -> tuple[str, str | None]:
        info = self.checks.get(code)
        return code_text(self.cat, code, part, cls=info.cls if info else None, doc=info.doc if info else None,
                         name=name)

    def finding_id(self, f: Finding) -> str:
        return self.ids[id(f)]

    def message(self, f: Finding) -> tuple[str, str | None]:
        """The finding's sentence in the report's language (see ``messages.finding_message``)."""
        info = self.checks.get(f.code)
        return finding_message(self.cat, f, info.cls if info else None)

    def entry_message(self, f: Finding, defect: TemplateDefect | None = None) -> tuple[str, str | None]:
        """The sentence of a report entry: a template defect's is about the group (its shared
        target and number of pages, ``messages.group_message``), not one of its pages."""
        defect = defect or self.defect_of.get(id(f))
        if defect is None:
            return self.message(f)
        info = self.checks.get(f.code)
        return group_message(self.cat, defect, info.cls if info else None, self.text(f.code, "title", f.name))

    # -- findings ------------------------------------------------------------------
    def compact_finding(self, f: Finding) -> FindingView:
        """A finding as one line (its sentence, reach and first page), past the full budget."""
        message, lang = self.entry_message(f)
        defect = self.defect_of.get(id(f))
        pages = defect.page_count if defect is not None else None
        first = f.locations[0] if f.locations else Location(f.url)
        return FindingView(
            id=self.finding_id(f), code=f.code, family=self.family(f.code), severity=f.severity,
            severity_label=self.severity_label(f.severity), message=clip(message, 300), message_lang=lang,
            target=None, locations=[LocationView(_url_value(first.url, self.origin), "", "")],
            more_locations=0, evidence=[],
            reach=_reach(self.cat, f, self.run.pages_crawled, self.run.target, pages),
            change=display_change(self.run.history, f),
            template=self.cat.t("findings.template", pages=pages) if pages is not None else "", compact=True)

    def finding(self, f: Finding) -> FindingView:
        message, lang = self.entry_message(f)
        change = display_change(self.run.history, f)
        defect = self.defect_of.get(id(f))
        limit = TEMPLATE_PAGES if defect is not None and not self.pdf else self.rows
        if defect is not None and len(defect.findings) > 1:  # one finding per page: their pages
            shown = [(loc or Location(g.url)) for g in defect.findings[:limit]
                     for loc in [g.locations[0] if g.locations else None]]
            occurrences = defect.page_count
        else:
            shown, occurrences = list(f.locations[:limit]), f.occurrences
        locations = [LocationView(_url_value(loc.url, self.origin), clip(loc.text, 200), clip(loc.element, 20))
                     for loc in shown]
        pages = defect.page_count if defect is not None else None
        return FindingView(
            id=self.finding_id(f), code=f.code, family=self.family(f.code), severity=f.severity,
            severity_label=self.severity_label(f.severity), message=clip(message, 600), message_lang=lang,
            target=(_url_value(defect.target) if defect.target else None) if defect is not None
            else _url_value(f.target) if f.target else None, locations=locations,
            more_locations=max(occurrences - len(locations), 0),
            evidence=evidence_blocks(f.evidence, self.cat, self.embed, max_items=min(self.rows, MAX_EVIDENCE_ROWS),
                                     hide=self.hidden_evidence(f, translated=lang is None),
                                     max_shots=1 if self.pdf else 4),
            reach=_reach(self.cat, f, self.run.pages_crawled, self.run.target, pages), change=change,
            suppressed_label=self.suppressed_label(f) if change == "suppressed" else "",
            streak_note=self.cat.t("history.streak", n=f.streak) if change == "persisting" and f.streak > 1 else "",
            template=self.cat.t("findings.template", pages=pages) if pages is not None else "")

    def suppressed_label(self, f: Finding) -> str:
        """The suppressed badge: until when, and why (the reason is the client's or the
        agency's own text, shown as text)."""
        cat = self.cat
        suppression = f.suppression if isinstance(f.suppression, Mapping) else {}
        until, reason = suppression.get("until"), suppression.get("reason")
        label = cat.t("history.suppressed_until", date=cat.date(str(until))) if until else cat.t("history.suppressed")
        return f"{label}: {clip(reason, 200)}" if isinstance(reason, str) and reason.strip() else label

    def change_item(self, f: Finding, linked: bool, defect: TemplateDefect | None = None) -> ChangeItem:
        """A finding as the "since last run" lists name it; a template defect (or the part of
        it that is new or fixed) as one line with its group sentence, linked to its entry."""
        title, title_lang = self.text(f.code, "title", f.name)
        if defect is None:
            message, lang = self.message(f)
            return ChangeItem(self.finding_id(f) if linked else "", f.code, title, title_lang, clip(message, 300),
                              lang, f.severity, self.severity_label(f.severity), _url_value(f.url, self.origin))
        message, lang = self.entry_message(defect.finding, defect)
        whole = self.defect_of.get(id(defect.finding))  # the entry in the findings part
        anchor = self.finding_id(whole.finding if whole is not None else defect.finding) if linked else ""
        return ChangeItem(anchor, f.code, title, title_lang, clip(message, 300), lang, defect.severity,
                          self.severity_label(defect.severity), None, defect.page_count)

    def hidden_evidence(self, f: Finding, translated: bool) -> set[str]:
        """Evidence keys not to show: lists that only repeat the finding's pages (the table
        of pages shows them), and, in a translated sentence's report, the check's words."""
        pages = {loc.url for loc in f.locations} | {f.url}
        hidden = {k for k, v in f.evidence.items()
                  if isinstance(v, list) and v and all(isinstance(x, str) and x in pages for x in v)}
        if translated and self.cat.lang != "en":
            hidden |= HIDE_WHEN_TRANSLATED
        return hidden

    def families(self, scores: dict[str, ScoreView]) -> list[FamilyGroup]:
        by_code: dict[str, list[Finding]] = {}
        for _impact, f, _defect in self.units:  # most important first within each code
            by_code.setdefault(f.code, []).append(f)
        by_family: dict[str, list[CodeGroup]] = {}
        n_codes = max(len(by_code), 1)
        full = max(MIN_FULL_PER_CODE, FULL_FINDINGS // n_codes)
        compact = max(MIN_COMPACT_PER_CODE, COMPACT_FINDINGS // n_codes)
        for code, items in by_code.items():
            items.sort(key=lambda f: f.suppressed)  # accepted risks after the rest (a stable sort)
            active = [f for f in items if not f.suppressed] or items
            shown = items[:PDF_FINDINGS_PER_CODE] if self.pdf else items[:full]
            lines = [] if self.pdf else items[full:full + compact]
            title, title_lang = self.text(code, "title", items[0].name)
            summary, summary_lang = self.text(code, "summary")
            why, why_lang = self.text(code, "why")
            fix, fix_lang = self.text(code, "fix")
            worst = max((f.severity for f in active), key=severity_rank)
            by_family.setdefault(self.family(code), []).append(CodeGroup(
                code=code, title=title, title_lang=title_lang, summary=summary, summary_lang=summary_lang,
                why=why, why_lang=why_lang, fix=fix, fix_lang=fix_lang, severity=worst,
                severity_label=self.severity_label(worst),
                findings=[self.finding(f) for f in shown] + [self.compact_finding(f) for f in lines],
                count=len(items), occurrences=sum(f.occurrences for f in items),
                hidden_in_pdf=len(items) - len(shown) if self.pdf else 0,
                omitted=0 if self.pdf else len(items) - len(shown) - len(lines), collapsed=self.collapsed(code)))
        groups = []
        for family in sorted(by_family, key=family_order):
            codes = sorted(by_family[family], key=lambda g: (-severity_rank(g.severity), g.code))
            groups.append(FamilyGroup(family, self.family_title(family),
                                      self.family_intro(family),
                                      scores.get(family) or self.score_view(None, family),
                                      codes, sum(g.count for g in codes)))
        return groups

    # -- summary -------------------------------------------------------------------
    def score_view(self, score: FamilyScore | None, family: str) -> ScoreView:
        cat = self.cat
        if score is not None and score.not_applicable:
            note = cat.t("summary.not_applicable")
            value = None
        elif score is None or score.score is None:
            note = cat.t("summary.not_scored")
            value = None
        else:
            value = score.score
            note = cat.t("summary.partial", judged=score.checks_judged, total=score.checks_total) \
                if score.partial else ""
        band = "not_applicable" if score is not None and score.not_applicable else _band(value)
        return ScoreView(family, self.family_title(family), self.family_intro(family), value,
                         band, score.findings if score else 0, note)

    def scores(self) -> list[ScoreView]:
        found = family_scores(self.run, self.family_of, self.defects)
        return [self.score_view(s, s.family) for s in sorted(found, key=lambda s: family_order(s.family))]

    def top(self, n: int) -> list[TopItem]:
        """The ``n`` findings that weigh most: severity × reach (``auditor.scoring.impact``),
        a template defect as one finding on all its pages."""
        out: list[TopItem] = []
        for impact, f, defect in self.units:
            if len(out) >= n or impact <= 0:
                break
            if f.suppressed:  # an accepted risk is not what matters most
                continue
            title, title_lang = self.text(f.code, "title", f.name)
            template = defect or self.defect_of.get(id(f))
            message, lang = self.entry_message(f, template)
            reach = (self.cat.t("findings.template", pages=template.page_count) if template is not None
                     else _reach(self.cat, f, self.run.pages_crawled, self.run.target))
            out.append(TopItem(self.finding_id(f), f.code, title, title_lang, clip(message, 300), lang, f.severity,
                               self.severity_label(f.severity), reach,
                               new=display_change(self.run.history, f) == "new", template=template is not None))
        return out

    def template_rows(self) -> list[TemplateRow]:
        rows = []
        for d in self.defects:
            f = d.finding
            if f.severity == "info":
                continue
            title, title_lang = self.text(f.code, "title", f.name)
            rows.append(TemplateRow(self.finding_id(f), title, title_lang, f.severity, self.severity_label(f.severity),
                                    self.cat.t("findings.template", pages=d.page_count)))
        return rows

    def changes(self) -> ChangesView | None:
        history = self.run.history
        if history is None:
            return None
        # The fixed findings are the previous run's: their template defects are judged against
        # that run's pages (this run's when the history does not say).
        previous = history.previous_run or {}
        pages = previous.get("pages_crawled")
        pages = pages if isinstance(pages, int) and not isinstance(pages, bool) else self.run.pages_crawled
        min_pages, min_share = thresholds(self.run.config)
        fixed = template_defects(history.fixed, pages, min_pages=min_pages, min_share=min_share)
        fixed_of = {id(f): d for d in fixed for f in d.findings}
        return build_changes(history, [f for _impact, f in self.ranked], self.cat, item=self.change_item,
                             family_title=self.family_title, family_key=family_order,
                             defect_of=lambda f: self.defect_of.get(id(f)),
                             fixed_defect_of=lambda f: fixed_of.get(id(f)))

    def not_checked(self) -> list[CheckRow]:
        return [self.check_row(c) for c in self.run.checks if c.status not in ("passed", "failed")]

    def chart(self, families: list[FamilyGroup]) -> tuple[Chart, list[tuple[str, list[int], int]]]:
        order = list(reversed(SEVERITIES))
        rows: list[tuple[str, dict[str, int]]] = []
        by_code: dict[str, Counter[str]] = {}
        for _impact, f, _defect in self.units:
            by_code.setdefault(f.code, Counter())[f.severity] += 1
        for fam in families:
            counts: Counter[str] = Counter()
            for code in fam.codes:
                counts.update(by_code.get(code.code, Counter()))
            rows.append((fam.title, dict(counts)))
        table = [(label, [counts.get(s, 0) for s in order], sum(counts.values())) for label, counts in rows]
        return stacked_bars(rows), table

    def build(self) -> ReportView:
        run, cat = self.run, self.cat
        cfg = (run.config.get("report") or {}) if isinstance(run.config, Mapping) else {}
        brand = brand_view(cfg)
        scores = self.scores()
        as_of = run.config.get("as_of") if isinstance(run.config, Mapping) else None
        families = self.families({s.family: s for s in scores})
        chart, chart_rows = self.chart(families)
        ran = {c.family or self.family(c.code) for c in run.checks}
        client = brand.client or _site_name(run)
        pages = list(dict.fromkeys(_page_key(f.url) for f in run.findings))[:MAX_PAGE_OPTIONS]
        return ReportView(
            lang=cat.lang, cat=cat, brand=brand, title=cat.t("ui.title"), client=clip(client, 200),
            target=_url_value(run.target), date=cat.date(str(as_of) if as_of else run.finished_at or run.started_at),
            pages_crawled=run.pages_crawled, tool_version=run.tool_version,
            map=build_map(run, cat, self.fingerprint_ids, frozenset(self.defect_of)), scores=scores,
            top=self.top(int(cfg.get("top_findings") or 5)),
            not_checked=self.not_checked(),
            missing_families=[self.family_title(f) for f in FAMILY_ORDER if f not in ran],
            notes=_notes(cat, run.notes), chart=chart, chart_rows=chart_rows, families=families,
            checks=[self.check_row(c) for c in run.checks],
            family_options=[(f.family, f.title) for f in families],
            severity_options=[(s, self.severity_label(s)) for s in reversed(SEVERITIES)],
            page_options=pages, total_findings=len(self.units), pdf=self.pdf,
            page_size=int(cfg.get("page_size") or 25), changes=self.changes(),
            suppressed_total=sum(1 for f in run.findings if f.suppressed), template_defects=self.template_rows())

    def check_row(self, c: Any) -> CheckRow:
        title, lang = self.text(c.code, "title", c.name)
        return CheckRow(c.code, title, lang, self.family_title(c.family or self.family(c.code)), c.status,
                        self.cat.get(f"status.{c.status}") or c.status, clip(c.reason or "", 400),
                        self.cat.get(f"status_explain.{c.status}") or "")


def _site_name(run: AuditRun) -> str:
    """The prospect's name: the start page's title up to its first separator ("Groenhuis
    Installatietechniek | Warmtepompen" gives "Groenhuis Installatietechniek"), else the host."""
    home = norm(run.target)
    for tp in run.touchpoints:
        if tp.kind == "web_page" and norm(tp.url) == home and tp.label and not tp.label.startswith("/"):
            name = re.split(r"\s+[|–—·-]\s+", tp.label)[0].strip()
            if 2 <= len(name) <= 80:
                return name
    return urlsplit(run.target).hostname or run.target


def _page_key(url: str) -> str:
    """A page as the page filter's suggestions list it: lower case, without its #fragment."""
    return url.split("#")[0].lower()


def _url_value(url: str | None, origin: str = "") -> Value:
    """A URL as text (a page of the audited site by its path: shorter, and what the client
    recognises) and, when safe, as a link to the full address."""
    text = url or ""
    if origin and text.startswith(origin + "/"):
        text = text[len(origin):]
    return Value(clip(text, 300), safe_href(url), mono=True)


@contextmanager
def no_gc() -> Iterator[None]:
    """The garbage collector paused: a large report allocates hundreds of thousands of small
    objects that all live to the end, and collecting them again and again cost a third of
    the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_view(run: AuditRun, checks: Mapping[str, CheckInfo] | None = None, *, assets: Path | None = None,
               pdf: bool = False) -> ReportView:
    """The view model of ``run``. ``checks``: installed checks by code (texts, families);
    ``assets``: the run directory, where evidence screenshots are; ``pdf``: the shorter
    print edition (fewer findings per code, everything expanded)."""
    with no_gc():
        return _Builder(run, checks or {}, assets, pdf).build()
