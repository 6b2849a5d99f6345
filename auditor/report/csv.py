"""``findings.csv``: one row per finding, for spreadsheets and quick pipeline filters.

Written for the people who open it most: account managers in the Netherlands, in Excel.
Dutch (and most European) Excel uses the semicolon as list separator, because the comma
is the decimal sign; a comma-separated file opens there as one column. So the file is:

* separated by semicolons, every field quoted where needed (RFC 4180 otherwise),
  CRLF line ends;
* UTF-8 with a byte-order mark, which is how Excel recognises UTF-8 (without it,
  "Café" becomes "CafÃ©"). Scripts read it with ``encoding="utf-8-sig"`` and
  ``delimiter=";"`` (pandas: ``sep=";"``).

Page text is untrusted, and a spreadsheet executes a cell that starts with ``=``, ``+``,
``-`` or ``@`` (and tab or CR, which some versions strip first) as a formula (CSV
injection: ``=HYPERLINK("https://evil", "click")``). Such cells get a leading apostrophe,
which Excel and LibreOffice show as text. Long texts are clipped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from auditor.model import AuditRun
from auditor.report.files import replaced_atomically
from auditor.report.safety import clip
from auditor.report.sarif import RuleDoc, rule_docs

__all__ = ["COLUMNS", "CsvReporter", "run_to_csv", "safe_cell"]

COLUMNS = ("code", "name", "family", "severity", "url", "target", "message", "occurrences", "fingerprint",
           "change", "suppressed", "suppression_reason")
DELIMITER = ";"
MAX_CELL = 2000  # Excel allows 32,767 characters per cell; a readable row needs far fewer
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell's text: clipped, and never starting like a formula."""
    text = "" if value is None else clip(value, MAX_CELL)
    return "'" + text if text.startswith(_FORMULA_START) else text


def run_to_csv(run: AuditRun, installed: Mapping[str, RuleDoc] | None = None) -> str:
    """The CSV text of a run (without the byte-order mark)."""
    docs = rule_docs(run, installed)
    family_of = {c.code: c.family for c in run.checks if c.family}
    has_history = run.history is not None
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for f in run.findings:
        family = family_of.get(f.code) or (docs[f.code].family if f.code in docs else "")
        reason = (f.suppression or {}).get("reason", "") if f.suppressed else ""
        row = [f.code, f.name, family, f.severity, f.url, f.target, f.message, f.occurrences, f.fingerprint,
               f.change or "", ("true" if f.suppressed else "false") if has_history else "", reason]
        writer.writerow([v if isinstance(v, int) else safe_cell(v) for v in row])
    return buffer.getvalue()


class CsvReporter:
    """Writes ``findings.csv`` (semicolon-separated, UTF-8 with BOM: see the module docstring)."""

    format = "csv"
    filename = "findings.csv"

    def __init__(self, rules: Mapping[str, RuleDoc] | None = None) -> None:
        self.rules = rules

    def write(self, run: AuditRun, out_dir: Path) -> Path:
        path = Path(out_dir) / self.filename
        # newline="" keeps the CRLF the csv writer chose; utf-8-sig writes the BOM.
        with replaced_atomically(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as out:
            out.write(run_to_csv(run, self.rules))
        return path
