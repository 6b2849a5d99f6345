"""``findings.json`` (schema ``touchpoint-auditor/findings/v1``), the public machine contract.

Fields may be added, never renamed or removed: users script against this file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditor.model import AuditRun

SCHEMA = "touchpoint-auditor/findings/v1"


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
        "findings": [f.to_dict() for f in run.findings],
        "notes": list(run.notes),
        "stats": dict(run.stats),
    }
    if run.history is not None:
        doc.update(site=run.history.site, run_id=run.history.run_id, previous_run=run.history.previous_run,
                   fixed=[f.to_dict() for f in run.history.fixed], alerts=list(run.history.alerts),
                   trend=[dict(t) for t in run.history.trend])
    return doc


class JsonReporter:
    """Writes ``findings.json``."""

    format = "json"
    filename = "findings.json"

    def write(self, run: AuditRun, out_dir: Path) -> Path:
        path = Path(out_dir) / self.filename
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(run_to_dict(run), indent=2, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
        return path
