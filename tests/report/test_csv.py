"""findings.csv: semicolon-separated UTF-8 with BOM (Dutch Excel), one row per finding,
formula injection neutralised."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from auditor.model import CheckResult, Finding, Location, RunHistory
from auditor.report.csv import COLUMNS, CsvReporter, run_to_csv, safe_cell
from auditor.report.sarif import RuleDoc
from tests.report.fixtures import finding, make_run

RULES = {"TP201": RuleDoc("TP201", "stale-news", "freshness")}


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_file_is_bom_semicolon_crlf(tmp_path):
    run = make_run((finding("TP101", pages=("https://ex.nl/", "https://ex.nl/b"), message="Broken; “quoted” é",
                            fingerprint="fp1"),))
    path = CsvReporter(RULES).write(run, tmp_path)
    assert path.name == "findings.csv" and not list(tmp_path.glob("*.tmp"))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfcode;name;family;severity;url;target;message;occurrences;")
    assert raw.count(b"\r\n") == 2 and b"\n" not in raw.replace(b"\r\n", b"")
    rows = _rows(raw.decode("utf-8-sig"))
    assert rows == [list(COLUMNS), ["TP101", "broken-internal-link", "links", "error", "https://ex.nl/",
                                    "https://ex.nl/gone", "Broken; “quoted” é", "2", "fp1", "", "", ""]]


def test_history_columns():
    new = Finding("TP201", "stale-news", "warning", "https://ex.nl/news", "Old news.", fingerprint="a")
    accepted = replace(new, fingerprint="b", url="https://ex.nl/blog")
    run = make_run((new.with_history("new", 1), accepted.with_history("persisting", 3, {"reason": "seasonal"})),
                   checks=(CheckResult("TP201", "stale-news", "failed", None, ""),))
    run = replace(run, history=RunHistory("ex.nl", 2, None))
    rows = _rows(run_to_csv(run, RULES))
    assert [r[2] for r in rows[1:]] == ["freshness", "freshness"]  # family from the rule docs
    assert [r[9:] for r in rows[1:]] == [["new", "false", ""], ["persisting", "true", "seasonal"]]


def test_formula_injection_is_neutralised():
    hostile = Finding("TP301", "misspelling", "info", "https://ex.nl/", '=HYPERLINK("https://evil","x")',
                      target="+31 30 123", evidence={}, fingerprint="-1",
                      locations=(Location("https://ex.nl/"),))
    rows = _rows(run_to_csv(make_run((hostile,)), {}))
    assert rows[1][5:9] == ["'+31 30 123", "'=HYPERLINK(\"https://evil\",\"x\")", "1", "'-1"]
    assert [safe_cell(v) for v in ("@SUM(A1)", "\tx", "\rx", "a=b", "", None, "-")] == [
        "'@SUM(A1)", "'\tx", "'\rx", "a=b", "", "", "'-"]


def test_long_and_multiline_text():
    long = finding("TP101", message="line one\nline two " + "z" * 5000, fingerprint="x")
    rows = _rows(run_to_csv(make_run((long,)), {}))
    assert len(rows) == 2
    assert rows[1][6].startswith("line one\nline two zz") and len(rows[1][6]) == 2000


def test_no_findings_is_header_only():
    assert run_to_csv(make_run(()), {}) == ";".join(COLUMNS) + "\r\n"


def test_cli_csv_with_fail_on(run_audit, basic_site):
    """End to end: ``--format csv --fail-on error`` exits 1 and still writes the file."""
    from tests.conftest import basic_resolves

    result = run_audit("audit", basic_site.base_url, "--checks", "TP101", "--fail-on", "error", "--quiet",
                       "--format", "csv", *basic_resolves(basic_site))
    assert result.exit_code == 1, result.stderr
    assert sorted(p.name for p in result.out.iterdir()) == ["findings.csv", "run.sqlite"]
    rows = _rows((result.out / "findings.csv").read_text("utf-8-sig"))
    assert rows[0] == list(COLUMNS)
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [("TP101", "links", "error")] * 3
