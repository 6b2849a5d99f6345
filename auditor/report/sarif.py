"""``findings.sarif``: SARIF 2.1.0 (OASIS), the format code-scanning dashboards read.

GitHub code scanning, GitLab, Azure DevOps and the SARIF viewers in VS Code show, filter and
track results by rule and by fingerprint. The mapping (documented in docs/outputs.md):

* one ``reportingDescriptor`` per check that ran or has findings: the rule code as ``id``,
  its docstring summary, *What it checks* and *How to fix* as descriptions and help;
* one ``result`` per finding: its level from the severity, the page as location, the
  other pages it occurs on as ``relatedLocations`` (capped), our fingerprint as a
  ``partialFingerprint``, an accepted risk as an external ``suppression``;
* with run history, ``baselineState`` new / unchanged, and the fixed findings of the
  previous run as ``absent`` results of kind ``pass`` (a consumer that ignores baselines
  sees a pass, not an open problem);
* checks that could not judge (errored, unverifiable, not applicable) and the run's notes
  (limits reached) as ``toolExecutionNotifications`` of the one ``invocation``.

Everything from a crawled page is untrusted: texts are clipped, evidence is cut to a
bounded size, and URLs are percent-encoded where they are not valid URI characters.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from auditor.errors import AuditorError
from auditor.model import AuditRun, Finding
from auditor.report.files import replaced_atomically
from auditor.report.safety import clip

__all__ = ["SARIF_SCHEMA_URI", "RuleDoc", "SarifReporter", "rule_docs", "run_to_sarif"]

SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_URI = "https://github.com/touchpoint-auditor/touchpoint-auditor"
CHECKS_DOC = f"{TOOL_URI}/blob/main/docs/checks.md"
FINGERPRINT_KEY = "touchpointFingerprint/v1"
LEVELS = {"critical": "error", "error": "error", "warning": "warning", "info": "note"}
MAX_MESSAGE = 1000
MAX_RELATED = 50  # other pages per result; findings.json keeps them all
MAX_EVIDENCE_TEXT = 500
MAX_EVIDENCE_ITEMS = 50
MAX_EVIDENCE_DEPTH = 4
# Characters a URI may carry as they are (RFC 3986 reserved + unreserved, and '%' of an
# existing escape); anything else in a crawled URL (spaces, quotes, non-ASCII) is encoded.
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
_ANCHOR = re.compile(r"[^a-z0-9 -]")
_RST_LITERAL = re.compile(r"``([^`]*)``")
_SOFT_BREAK = re.compile(r"(?<!\n)\n(?!\n|\s*[-*] )\s*")


@dataclass(frozen=True)
class RuleDoc:
    """What the machine outputs say about a rule: from the installed check when there is
    one, else only what the run itself knows (a findings.json from another install)."""

    code: str
    name: str
    family: str = ""
    summary: str = ""
    what: str = ""
    fix: str = ""
    default_severity: str = "warning"
    help_uri: str | None = None  # docs/checks.md section; only built-in checks have one


def _checks_anchor(code: str, name: str) -> str:
    """GitHub's anchor for the docs/checks.md heading ``### CODE name``."""
    return _ANCHOR.sub("", f"{code} {name}".lower()).replace(" ", "-")


def prose(text: str) -> str:
    """Docstring text as plain prose: ``literal`` markup removed, the lines of a paragraph
    joined (docstrings wrap at 80 columns; a dashboard wraps by itself), list items kept."""
    text = _RST_LITERAL.sub(r"\1", text)
    return _SOFT_BREAK.sub(" ", text).strip()


def installed_rule_docs() -> dict[str, RuleDoc]:
    """Rule docs of the installed checks. A broken plugin install must not stop a reporter
    (the run is already done): then only what the run knows is used."""
    from auditor.registry import load_checks

    try:
        checks = load_checks()
    except AuditorError:
        return {}
    docs: dict[str, RuleDoc] = {}
    for code, info in checks.items():
        cls, sections = info.cls, info.cls.doc_sections()
        builtin = info.plugin == "touchpoint-auditor"
        docs[code] = RuleDoc(code=code, name=cls.name, family=cls.family, summary=prose(sections["summary"]),
                             what=prose(sections["what"]), fix=prose(sections["fix"]),
                             default_severity=cls.default_severity,
                             help_uri=f"{CHECKS_DOC}#{_checks_anchor(code, cls.name)}" if builtin else None)
    return docs


def rule_docs(run: AuditRun, installed: Mapping[str, RuleDoc] | None = None) -> dict[str, RuleDoc]:
    """One ``RuleDoc`` per check of the run and per code that has findings, sorted by code."""
    installed = installed_rule_docs() if installed is None else installed
    docs: dict[str, RuleDoc] = {}
    for check in run.checks:
        doc = installed.get(check.code) or RuleDoc(check.code, check.name, check.family)
        docs[check.code] = replace(doc, family=check.family) if check.family and not doc.family else doc
    for finding in run.findings:
        if finding.code not in docs:
            docs[finding.code] = installed.get(finding.code) or RuleDoc(finding.code, finding.name,
                                                                         default_severity=finding.severity)
    return dict(sorted(docs.items()))


def safe_uri(url: str) -> str:
    """``url`` with every character that may not appear in a URI percent-encoded."""
    return quote(clip(url, 2000), safe=_URI_SAFE)


def utc_timestamp(value: str) -> str | None:
    """An ISO timestamp as SARIF wants it (UTC, ``Z``), or None when it is not one."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def bounded(value: Any, depth: int = 0) -> Any:
    """Evidence cut to a bounded size: texts clipped, lists and tables shortened, nesting
    limited; anything not JSON-native becomes its text."""
    if isinstance(value, str):
        return clip(value, MAX_EVIDENCE_TEXT)
    if value is None or isinstance(value, bool | int | float):
        return value
    if depth >= MAX_EVIDENCE_DEPTH:
        return clip(json.dumps(value, default=str, ensure_ascii=False), MAX_EVIDENCE_TEXT)
    if isinstance(value, Mapping):
        items = list(value.items())
        out = {clip(str(k), 100): bounded(v, depth + 1) for k, v in items[:MAX_EVIDENCE_ITEMS]}
        if len(items) > MAX_EVIDENCE_ITEMS:
            out["…"] = f"{len(items) - MAX_EVIDENCE_ITEMS} more"
        return out
    if isinstance(value, Iterable):
        items = list(value)
        out_list = [bounded(v, depth + 1) for v in items[:MAX_EVIDENCE_ITEMS]]
        if len(items) > MAX_EVIDENCE_ITEMS:
            out_list.append(f"… {len(items) - MAX_EVIDENCE_ITEMS} more")
        return out_list
    return clip(str(value), MAX_EVIDENCE_TEXT)


def _text(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p)


def _rule(doc: RuleDoc) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": doc.code,
        "name": doc.name,
        "shortDescription": {"text": doc.summary or doc.name},
        "fullDescription": {"text": doc.what or doc.summary or doc.name},
        "help": {"text": _text(doc.summary, f"How to fix: {doc.fix}" if doc.fix else "")
                 or f"See {doc.code} in the touchpoint-auditor documentation."},
        "defaultConfiguration": {"level": LEVELS.get(doc.default_severity, "warning")},
        "properties": {"family": doc.family, "tags": [doc.family] if doc.family else [],
                       "severity": doc.default_severity},
    }
    if doc.help_uri:
        rule["helpUri"] = doc.help_uri
    return rule


def _location(url: str, text: str = "", ident: int | None = None) -> dict[str, Any]:
    loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": safe_uri(url)}}}
    if ident is not None:
        loc = {"id": ident, **loc}
    if text:
        loc["message"] = {"text": clip(text, 200)}
    return loc


def _message(finding: Finding) -> str:
    where = f" (target: {finding.target})" if finding.target and finding.target not in finding.message else ""
    more = f" Seen on {finding.occurrences} pages." if finding.occurrences > 1 else ""
    return clip(f"{finding.message}{where}{more}", MAX_MESSAGE)


def _result(finding: Finding, index: int, has_history: bool, baseline: str | None = None) -> dict[str, Any]:
    others = [loc for loc in finding.locations if loc.url != finding.url]
    first_text = next((loc.text for loc in finding.locations if loc.url == finding.url), "")
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": index,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": _message(finding)},
        "locations": [_location(finding.url, first_text)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint or "unknown"},
        "properties": {"severity": finding.severity, "target": clip(finding.target or "", 2000) or None,
                       "occurrences": finding.occurrences, "evidence": bounded(finding.evidence)},
    }
    if others:
        result["relatedLocations"] = [_location(loc.url, loc.text, i) for i, loc in
                                      enumerate(others[:MAX_RELATED], start=1)]
        if len(others) > MAX_RELATED:
            result["properties"]["relatedLocationsOmitted"] = len(others) - MAX_RELATED
    if has_history:
        result["baselineState"] = baseline or ("new" if finding.change == "new" else "unchanged")
        result["properties"]["streak"] = finding.streak
        result["suppressions"] = []
    if finding.suppressed:
        reason = (finding.suppression or {}).get("reason") or "accepted risk"
        until = (finding.suppression or {}).get("until")
        suppression: dict[str, Any] = {"kind": "external", "status": "accepted",
                                       "justification": clip(f"{reason} (until {until})" if until else reason, 500)}
        result["suppressions"] = [suppression]
    return result


def _absent(finding: Finding, index: int) -> dict[str, Any]:
    """A finding of the previous run that is gone: a pass with baselineState ``absent``."""
    result = _result(finding, index, True, "absent")
    result.update(kind="pass", level="none")
    result.pop("suppressions", None)
    return result


def _notifications(run: AuditRun, index: Mapping[str, int]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    levels = {"errored": "error", "unverifiable": "warning", "not_applicable": "note"}
    for check in run.checks:
        if check.status in levels:
            out.append({"level": levels[check.status],
                        "message": {"text": clip(f"{check.code} {check.status}: {check.reason or 'no reason given'}",
                                                 MAX_MESSAGE)},
                        "associatedRule": {"id": check.code, "index": index[check.code]},
                        "properties": {"status": check.status}})
    out += [{"level": "note", "message": {"text": clip(note, MAX_MESSAGE)}} for note in run.notes]
    return out


def run_to_sarif(run: AuditRun, installed: Mapping[str, RuleDoc] | None = None) -> dict[str, Any]:
    """The SARIF 2.1.0 log of a run."""
    docs = rule_docs(run, installed)
    for finding in run.history.fixed if run.history is not None else ():
        docs.setdefault(finding.code, RuleDoc(finding.code, finding.name, default_severity=finding.severity))
    docs = dict(sorted(docs.items()))
    index = {code: i for i, code in enumerate(docs)}
    has_history = run.history is not None
    results = [_result(f, index[f.code], has_history) for f in run.findings]
    if run.history is not None:
        results += [_absent(f, index[f.code]) for f in run.history.fixed]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    for key, value in (("startTimeUtc", run.started_at), ("endTimeUtc", run.finished_at)):
        stamp = utc_timestamp(value)
        if stamp:
            invocation[key] = stamp
    notes = _notifications(run, index)
    if notes:
        invocation["toolExecutionNotifications"] = notes
    host = urlsplit(run.target).hostname or "site"
    sarif_run: dict[str, Any] = {
        "tool": {"driver": {"name": "touchpoint-auditor", "version": run.tool_version or "0",
                            "informationUri": TOOL_URI, "rules": [_rule(d) for d in docs.values()]}},
        "automationDetails": {"id": f"touchpoint-auditor/{host}/"},
        "invocations": [invocation],
        "results": results,
        "properties": {"target": run.target, "pagesCrawled": run.pages_crawled},
    }
    if run.history is not None:
        sarif_run["properties"].update(site=run.history.site, runId=run.history.run_id,
                                       previousRunId=(run.history.previous_run or {}).get("id"))
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [sarif_run]}


class SarifReporter:
    """Writes ``findings.sarif`` (SARIF 2.1.0)."""

    format = "sarif"
    filename = "findings.sarif"

    def __init__(self, rules: Mapping[str, RuleDoc] | None = None) -> None:
        self.rules = rules

    def write(self, run: AuditRun, out_dir: Path) -> Path:
        path = Path(out_dir) / self.filename
        with replaced_atomically(path) as tmp:
            tmp.write_text(json.dumps(run_to_sarif(run, self.rules), indent=2, ensure_ascii=False), encoding="utf-8")
        return path
