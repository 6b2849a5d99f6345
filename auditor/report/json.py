"""``findings.json`` (schema ``touchpoint-auditor/findings/v1``), the public machine contract.

Fields may be added, never renamed or removed: users script against this file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditor.model import AuditRun
from auditor.report.files import replaced_atomically
from auditor.sitewide import run_template_defects

SCHEMA = "touchpoint-auditor/findings/v1"


def _findings(run: AuditRun) -> list[dict[str, Any]]:
    """Every finding; those of a template defect (``auditor.sitewide``) carry
    ``template_defect``: ``{"key": …, "pages": N}``, the same key for all of its findings
    (an added field: nothing is removed or merged)."""
    marks = {id(f): {"key": d.key, "pages": d.page_count}
             for d in run_template_defects(run) for f in d.findings}
    out = []
    for f in run.findings:
        data = f.to_dict()
        if id(f) in marks:
            data["template_defect"] = marks[id(f)]
        out.append(data)
    return out


def run_to_dict(run: AuditRun) -> dict[str, Any]:
    """The findings.json document of a run; with history it adds ``previous_run`` and ``fixed``."""
    doc = {
        "schema": SCHEMA,
        "tool": {"name": "touchpoint-auditor", "version": run.tool_version},
        "target": run.target,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "pages_crawled": run.pages_crawled,
        "touchpoints": [t.to_dict() for t in run.touchpoints],
        "checks": [c.to_dict() for c in run.checks],
        "findings": _findings(run),
        "notes": list(run.notes),
        "stats": dict(run.stats),
    }
    if run.history is not None:
        doc.update(site=run.history.site, run_id=run.history.run_id, previous_run=run.history.previous_run,
                   fixed=[f.to_dict() for f in run.history.fixed], alerts=list(run.history.alerts),
                   trend=[dict(t) for t in run.history.trend])
    return doc


def dumps_readable(doc: dict[str, Any]) -> str:
    """JSON a person can still read and diff: one top-level key per line, and one item per
    line in top-level lists (a finding, a touchpoint). Each item is written compactly by
    the C encoder; ``indent=2`` on the whole document takes json's pure-Python path, which
    cost about a second on a 5,000-page audit."""

    def one(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    parts = []
    for key, value in doc.items():
        if isinstance(value, list) and value:
            items = ",\n    ".join(one(v) for v in value)
            parts.append(f"  {one(key)}: [\n    {items}\n  ]")
        else:
            parts.append(f"  {one(key)}: {one(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


class JsonReporter:
    """Writes ``findings.json``."""

    format = "json"
    filename = "findings.json"

    def write(self, run: AuditRun, out_dir: Path) -> Path:
        path = Path(out_dir) / self.filename
        with replaced_atomically(path) as tmp:
            tmp.write_text(dumps_readable(run_to_dict(run)), encoding="utf-8")
        return path
