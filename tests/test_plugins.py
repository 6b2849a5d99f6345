"""The plugin author's kit: `new-check` scaffolds a package that installs, passes its own
tests and shows up; the example plugin (examples/plugin-example) installs and reports.

Packages are installed with ``pip install --target`` into a folder put on the path of
subprocesses, so the project's environment is left as it was.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "plugin-example"


def _install(package: Path, target: Path) -> dict[str, str]:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(package)], check=True, capture_output=True, timeout=300)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(ROOT)])}


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "auditor.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300)


def test_new_check_scaffold_installs_passes_its_tests_and_registers(tmp_path):
    from auditor.cli import main

    assert main(["new-check", "heading-missing", "--code", "ACM101", "--out", str(tmp_path)]) == 0
    package = tmp_path / "touchpoint-auditor-heading-missing"
    for rel in ("pyproject.toml", "README.md", "src/tpa_heading_missing/check.py",
                "tests/test_tpa_heading_missing.py", "tests/cases/ACM101.yaml"):
        assert (package / rel).is_file(), rel
    env = _install(package, tmp_path / "site-packages")
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(package / "tests")],
                           env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "3 passed" in tests.stdout
    listed = _cli(env, "checks")
    assert re.search(r"^ACM101\s+heading-missing\s+acm\s+touchpoint-auditor-heading-missing$", listed.stdout, re.M)
    explained = _cli(env, "explain", "ACM101")
    assert "How to fix" in explained.stdout


@pytest.mark.parametrize(("args", "words"), [
    (["new-check", "Heading Missing", "--code", "ACM101"], "lower-case words"),
    (["new-check", "heading", "--code", "TP901"], "reserved for built-in checks"),
    (["new-check", "heading", "--code", "acme1"], "two to four capitals"),
])
def test_new_check_refuses_bad_input(capsys, tmp_path, args, words):
    from auditor.cli import main

    assert main([*args, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and words in err


def test_example_plugin_shows_in_checks_and_in_the_report(tmp_path, basic_site):
    env = _install(EXAMPLE, tmp_path / "site-packages")
    listed = _cli(env, "checks").stdout
    assert re.search(r"^NLB101\s+kvk-number-missing\s+nl-business\s+touchpoint-auditor-nl-business$", listed, re.M)
    assert re.search(r"^NLB102\s+privacy-link-missing", listed, re.M)
    out = tmp_path / "audit"
    audit = _cli(env, "audit", basic_site.base_url, "--checks", "links,nl-business", "--out", str(out), "--quiet")
    assert audit.returncode == 0, audit.stderr
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    kvk = [f for f in doc["findings"] if f["code"] == "NLB101"]
    assert len(kvk) == 1 and kvk[0]["occurrences"] == doc["pages_crawled"]  # one finding, every page
    assert {c["code"]: c["status"] for c in doc["checks"]}["NLB102"] == "failed"
    html = (out / "report.html").read_text("utf-8")
    assert 'data-code="NLB101"' in html
    assert "KvK 12345678" in html  # the plugin's How to fix, from its docstring
    own_tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE / "tests")],
                               env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert own_tests.returncode == 0, own_tests.stdout


def test_every_example_rule_code_has_a_docs_section():
    entry_points = tomllib.loads((EXAMPLE / "pyproject.toml").read_text("utf-8"))["project"]["entry-points"]
    codes = entry_points["touchpoint_auditor.checks"]
    readme = (EXAMPLE / "README.md").read_text("utf-8")
    for code in codes:
        section = re.search(rf"^### {code} .*?(?=^### |\Z)", readme, re.M | re.S)
        assert section, f"examples/plugin-example/README.md has no section for {code}"
        for title in ("What it checks", "Why it matters", "How to fix"):
            assert f"**{title}.**" in section.group()
