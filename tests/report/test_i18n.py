"""Message catalogues: complete in both languages, every key the templates use exists,
placeholders and plurals, numbers and dates the reader's way."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from auditor.model import Finding
from auditor.registry import load_checks
from auditor.report.i18n import LANGUAGES, choose_language, load_catalogue
from auditor.report.messages import finding_message

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "report_templates"
CATALOGUES = {lang: json.loads((TEMPLATES / "messages" / f"{lang}.json").read_text("utf-8")) for lang in LANGUAGES}


def _keys(node: object, prefix: str = "") -> set[str]:
    if isinstance(node, dict):
        return set().union(*(_keys(v, f"{prefix}{k}.") for k, v in node.items())) if node else {prefix}
    return {prefix.rstrip(".")}


def test_both_languages_have_the_same_interface_strings():
    skip = ("codes.", "notes")  # Dutch has full code texts; English falls back to the docstrings
    nl = {k for k in _keys(CATALOGUES["nl"]) if not k.startswith(skip)}
    en = {k for k in _keys(CATALOGUES["en"]) if not k.startswith(skip)}
    assert nl == en
    assert set(CATALOGUES["nl"]["codes"]) == set(CATALOGUES["en"]["codes"])


def test_every_key_the_templates_use_exists():
    used = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(["']([a-z_]+\.[a-z_.]+)["']""", path.read_text("utf-8")))
    assert used
    for lang in LANGUAGES:
        cat = load_catalogue(lang)
        missing = [k for k in used if not isinstance(cat.get(k), str)]
        assert not missing, f"{lang}: {missing}"


@pytest.mark.parametrize("code", sorted(c for c in load_checks() if c.startswith("TP")))
def test_every_built_in_code_has_dutch_texts(code):
    texts = CATALOGUES["nl"]["codes"].get(code, {})
    assert all(texts.get(part) for part in ("title", "summary", "why", "fix")), code
    assert CATALOGUES["en"]["codes"].get(code, {}).get("title"), code


def test_placeholders_plurals_and_numbers():
    nl, en = load_catalogue("nl"), load_catalogue("en")
    assert nl.t("ui.reach", pages=1, total=1) == "op 1 van 1 pagina"
    assert nl.t("ui.reach", pages=2, total=10_000) == "op 2 van 10.000 pagina's"
    assert en.t("ui.reach", pages=2, total=10_000) == "on 2 of 10,000 pages"
    assert nl.date("2026-11-22T10:01:00+00:00") == "22 november 2026"
    with pytest.raises(KeyError):
        nl.t("ui.reach", pages=1)


def test_finding_sentence_falls_back_to_the_checks_own():
    nl = load_catalogue("nl")
    broken = Finding("TP101", "broken-internal-link", "error", "https://ex.nl/", "Broken link.",
                     target="https://ex.nl/x", evidence={"status": 404, "pages": 3})
    assert finding_message(nl, broken) == (
        "Kapotte link naar https://ex.nl/x: HTTP 404 (pagina niet gevonden); gelinkt vanaf 3 pagina's.", None)
    refused = Finding("TP102", "broken-external-link", "warning", "https://ex.nl/", "x", target="http://y.test/",
                      evidence={"status": None, "error": "refused", "pages": 1})
    assert "de server weigerde de verbinding" in finding_message(nl, refused)[0]
    unknown = Finding("TP101", "broken-internal-link", "error", "https://ex.nl/", "Broken link.", target="t",
                      evidence={})  # no status, no error: the Dutch sentence cannot be written
    assert finding_message(nl, unknown) == ("Broken link.", "en")


def test_plugin_texts_from_the_check_class():
    class Plugin:
        report_messages = {"nl": {"message": "Geen KvK-nummer op {url}.", "title": "KvK-nummer ontbreekt"}}

    nl = load_catalogue("nl")
    found = Finding("ACM101", "kvk-number-missing", "warning", "https://ex.nl/", "No KvK number.")
    assert finding_message(nl, found, Plugin) == ("Geen KvK-nummer op https://ex.nl/.", None)


def test_choose_language():
    assert choose_language("en", ["nl", "nl"]) == "en"
    assert choose_language(None, ["nl-NL", "nl", "en", None]) == "nl"
    assert choose_language(None, ["fr", "fr", "nl"]) == "en"
    assert choose_language(None, []) == "en"
