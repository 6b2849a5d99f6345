"""``report.html``: a self-contained page a client can read (no CDN, opens offline).

``build_view`` turns an ``AuditRun`` into plain view-model dataclasses (as coverage.py's
``HtmlDataGeneration`` does); the Jinja2 template only renders them. Autoescape is on
and undefined names fail loudly: everything from a crawled page is untrusted text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from auditor.model import SEVERITIES, AuditRun, Finding, severity_rank

MAX_TEXT = 300


@dataclass(frozen=True)
class CodeGroup:
    """All findings of one rule code, with the check's explanation."""

    code: str
    name: str
    family: str
    severity: str
    summary: str
    why: str
    fix: str
    findings: list[Finding]
    occurrences: int


@dataclass(frozen=True)
class ReportView:
    """Everything the template shows, already computed."""

    title: str
    run: AuditRun
    severity_counts: list[tuple[str, int]]
    family_counts: list[tuple[str, int]]
    groups: list[CodeGroup]
    checks: list[dict[str, str]]
    total_findings: int
    notes: list[str] = field(default_factory=list)


def _clip(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def build_view(run: AuditRun, docs: dict[str, dict[str, str]]) -> ReportView:
    """Group findings by rule code, worst first, with counts for the summary."""
    by_code: dict[str, list[Finding]] = {}
    for f in run.findings:
        by_code.setdefault(f.code, []).append(f)
    families = {c.code: c.family for c in run.checks}
    groups = []
    for code, items in by_code.items():
        doc = docs.get(code, {})
        groups.append(CodeGroup(
            code=code, name=items[0].name, family=families.get(code, ""),
            severity=max((f.severity for f in items), key=severity_rank),
            summary=doc.get("summary", ""), why=doc.get("why", ""), fix=doc.get("fix", ""),
            findings=items, occurrences=sum(f.occurrences for f in items),
        ))
    groups.sort(key=lambda g: (-severity_rank(g.severity), g.code))
    sev = Counter(f.severity for f in run.findings)
    fam = Counter(families.get(f.code, "other") for f in run.findings)
    return ReportView(
        title=f"Touchpoint audit of {run.target}",
        run=run,
        severity_counts=[(s, sev.get(s, 0)) for s in reversed(SEVERITIES)],
        family_counts=sorted(fam.items()),
        groups=groups,
        checks=[{"code": c.code, "name": c.name, "status": c.status, "reason": c.reason or ""}
                for c in run.checks],
        total_findings=len(run.findings),
        notes=list(run.notes),
    )


def environment() -> Environment:
    """The Jinja2 environment: autoescape always on, StrictUndefined."""
    folder = Path(str(resources.files("report_templates")))
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["clip"] = _clip
    return env


class HtmlReporter:
    """Writes ``report.html``."""

    format = "html"
    filename = "report.html"

    def write(self, run: AuditRun, out_dir: Path) -> Path:
        from auditor.registry import load_checks

        docs = {code: info.cls.doc_sections() for code, info in load_checks().items()}
        env = environment()
        css = (Path(str(resources.files("report_templates"))) / "report.css").read_text(encoding="utf-8")
        html = env.get_template("report.html").render(view=build_view(run, docs), css=css)
        path = Path(out_dir) / self.filename
        path.write_text(html, encoding="utf-8")
        return path
