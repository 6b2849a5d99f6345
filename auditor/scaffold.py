"""``touchpoint-auditor new-check NAME --code ACM101``: a plugin package to start from.

It writes an installable package with the entry point registered, a check module whose
docstring has the three sections the report and ``explain`` show, a README with the docs
section for the code, a pytest test using ``auditor.testing`` and YAML pass/fail cases.
The generated tests pass as generated, so an author starts from green.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from auditor.check import CODE_PATTERN, PLUGIN_API_VERSION
from auditor.errors import InputError

_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

PYPROJECT = Template('''[build-system]
requires = ["setuptools>=68", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "touchpoint-auditor-$name"
version = "0.1.0"
description = "touchpoint-auditor check $code $name"
requires-python = ">=3.11"
dependencies = ["touchpoint-auditor"]

[project.entry-points."touchpoint_auditor.checks"]
$code = "$package.check:$cls"

[tool.setuptools.packages.find]
where = ["src"]
''')

CHECK = Template('''"""$code $name: a touchpoint-auditor check (plugin API version $api)."""

from __future__ import annotations

from collections.abc import Iterator

from auditor import CheckContext, Finding, Page, PageCheck


class $cls(PageCheck):
    """One sentence: what is wrong when this check reports.

    What it checks
    --------------
    Describe exactly what the check looks at and when it reports.

    Why it matters
    --------------
    Say why a prospect would notice, in words a marketing manager understands.

    How to fix
    ----------
    Say what to change, and where, so a web developer can act on it.
    """

    code = "$code"
    name = "$name"
    family = "$family"
    requires = ("pages",)
    default_severity = "warning"
    api_version = $api

    def check_page(self, page: Page, ctx: CheckContext) -> Iterator[Finding]:
        # Replace this example rule: pages without a <h1> heading.
        if page.tree.find(".//h1") is None:
            yield self.finding(url=page.url, message=f"{page.url} has no main heading (<h1>).")
''')

TEST = Template('''"""Tests for $code, with hand-built pages: no network, no browser."""

from pathlib import Path

import pytest

from auditor.testing import load_cases, make_page, run_check
from $package.check import $cls

CASES = load_cases(Path(__file__).parent / "cases" / "$code.yaml")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case):
    case.verify($cls)


def test_reports_the_page():
    result = run_check($cls, [make_page("https://example.nl/", "<p>no heading</p>")])
    assert [f.url for f in result.findings] == ["https://example.nl/"]
''')

CASES = Template('''check: $code
cases:
  - name: a page without a main heading
    pages:
      - {url: "https://example.nl/", html: "<p>Welkom</p>"}
    expect:
      - {url: "https://example.nl/"}
  - name: a page with a main heading passes
    pages:
      - {url: "https://example.nl/", html: "<h1>Welkom</h1>"}
    expect: []
''')

README = Template('''# touchpoint-auditor-$name

A [touchpoint-auditor](https://github.com/touchpoint-auditor/touchpoint-auditor) check.

```sh
pip install -e .                 # registers $code through its entry point
touchpoint-auditor checks        # lists $code
touchpoint-auditor audit https://www.example.nl/ --checks $code
pytest                           # the tests use auditor.testing: no network needed
```

## Checks

### $code $name

**What it checks.** Describe exactly what the check looks at and when it reports.

**Why it matters.** Say why a prospect would notice.

**How to fix.** Say what to change, and where.
''')


def scaffold(name: str, code: str, out: Path, family: str | None = None) -> Path:
    """Write the plugin package for check ``name`` with rule ``code`` into ``out/…``; returns it."""
    if not _NAME.match(name):
        raise InputError(f"check name {name!r}: use lower-case words joined by hyphens, e.g. kvk-number-missing")
    if not CODE_PATTERN.match(code):
        raise InputError(f"rule code {code!r}: two to four capitals and three digits, e.g. ACM101")
    if code.startswith("TP"):
        raise InputError(f"rule code {code!r}: the TP prefix is reserved for built-in checks; use your own")
    root = Path(out) / f"touchpoint-auditor-{name}"
    if root.exists():
        raise InputError(f"{root} already exists")
    package = "tpa_" + name.replace("-", "_")
    values = {
        "name": name, "code": code, "package": package, "api": PLUGIN_API_VERSION,
        "cls": "".join(part.capitalize() for part in name.split("-")),
        "family": family or re.sub(r"\d+$", "", code).lower(),
    }
    files = {
        "pyproject.toml": PYPROJECT, "README.md": README, f"src/{package}/__init__.py": Template(""),
        f"src/{package}/check.py": CHECK, f"tests/test_{package}.py": TEST, f"tests/cases/{code}.yaml": CASES,
    }
    for rel, template in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.substitute(values), encoding="utf-8")
    return root
