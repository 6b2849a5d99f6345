"""Docs live with the code: every rule code has a section in docs/checks.md (as datasette
fails on an undocumented hook), and the README shows the two set-up commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditor.registry import load_checks

ROOT = Path(__file__).resolve().parent.parent
CHECKS_MD = (ROOT / "docs" / "checks.md").read_text("utf-8")


@pytest.mark.parametrize("code", sorted(load_checks()))
def test_every_rule_code_has_a_docs_section(code):
    match = re.search(rf"^### {code} (\S+)\n(.*?)(?=^### |\Z)", CHECKS_MD, re.M | re.S)
    assert match, f"docs/checks.md has no section for {code}: run scripts/gen_check_docs.py"
    section = match.group(2)
    for title in ("What it checks", "Why it matters", "How to fix"):
        assert f"**{title}.**" in section and len(section.split(f"**{title}.**")[1].split("\n")[0]) > 30


def test_every_check_docstring_has_the_three_sections():
    for code, info in load_checks().items():
        doc = info.cls.doc_sections()
        assert doc["summary"] and doc["what"] and doc["why"] and doc["fix"], code


def test_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "make demo" in readme and "make test" in readme


def test_plugin_api_reference_is_up_to_date():
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_plugin_api", ROOT / "scripts" / "gen_plugin_api.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (ROOT / "docs" / "plugin-api.md").read_text("utf-8")
    assert current == module.render(), "docs/plugin-api.md is stale: run scripts/gen_plugin_api.py"
