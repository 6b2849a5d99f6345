"""Spelling and grammar end to end, against a real LanguageTool server (from the Maven
cache that ``scripts/setup-languagetool.sh`` fills), on fixture sites served on 127.0.0.1.

One server is started for the session; one test lets the auditor start (and stop) its
own. The Hunspell fallback is tested with a Java that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.collect.language.server import LocalServer, answers, find_jars, java_command
from auditor.devserver import serve
from tests.conftest import SITES

ROOT = SITES.parent.parent
NL_DICTIONARY = SITES / "spelling-nl" / "_dictionary.txt"
NL_TYPOS = {"verschill": "nl", "voorbehoudn": "nl", "bestelllen": "nl", "kruimmel": "nl", "familiebedrijff": "nl",
            "recieved": "en", "deliever": "en"}
NL_CORRECT = ["meergranenbrood", "zuurdesembrood", "verjaardagstaarten", "webshop", "e-mail", "bezorgservice",
              "cookies", "website", "Spelthoorn", "Knapperdam", "kaneelkrakeling", "glutenvrije", "catering",
              "workshop", "lunchroom", "Eén", "Zoetelief", "Amersfoort", "zoetelief_bakkerij", "xq7zz", "verborgn",
              "kode", "t/m", "banketbakkers", "collega's"]
EN_TYPOS = {"accomodation", "Experiance", "reserverd", "sunsett"}
EN_GRAMMAR = {"THEIR_IS", "EN_A_VS_AN"}
DEMO_TYPOS = {"gratiss", "warmtepopm", "instalatie", "betrouwbar", "entousiaste", "rendament", "woonhius",
              "omgeeving", "voorbehoudem"}
DEMO_CORRECT = ["Groenhuis", "Daikin", "Vaillant", "Remeha", "X200", "X200-combiketel", "WhatsApp-bericht", "B.V.",
                "KvK", "PDF", "ISDE", "ISDE-subsidie", "ISDE-regeling", "HR-combiketel", "CW4", "CW5", "CW6", "kW",
                "btw", "lagetemperatuurradiatoren", "lucht-waterwarmtepomp", "warmteverliesberekening", "boilervat",
                "legplan", "split-airco", "hbo-werk", "Twee-onder-een-kapwoning", "Eén", "Utrecht", "Atoomweg",
                "Leidsche", "Lunetten", "Nieuwegein", "Jaarbeurs", "e-mail", "e-mailadres", "website", "servicedienst",
                "servicebus", "callcenter", "cookies", "homepage", "showroom", "teamvergadring"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def languagetool(tmp_path_factory) -> Iterator[str]:
    """One LanguageTool server for the session, from the Maven cache."""
    if java_command() is None:
        pytest.skip("no Java runtime: LanguageTool cannot run here (the Hunspell fallback is tested without it)")
    jars = find_jars()
    assert jars is not None, "LanguageTool is not set up: run scripts/setup-languagetool.sh (make setup does)"
    server = LocalServer(jars, log_path=tmp_path_factory.mktemp("languagetool") / "server.log")
    url = server.start()
    yield url
    server.stop()
    assert not answers(url)


def audit(run_audit, tmp_path: Path, site_dir: Path, settings: str, checks: str = "", *, out: str = "out"):
    config = tmp_path / f"{out}.toml"
    config.write_text(f'[collectors.language]\ncache_file = "{tmp_path / "cache.sqlite"}"\n{settings}\n{checks}\n',
                      "utf-8")
    with serve(site_dir) as site:
        result = run_audit("audit", site.base_url, "--checks", "spelling", "--config", str(config),
                           "--format", "json", out=tmp_path / out)
    assert result.exit_code == 0, result.stderr
    return result


def artifact(result) -> dict:
    import json
    import sqlite3

    with sqlite3.connect(result.out / "run.sqlite") as db:
        [(data,)] = db.execute("SELECT data FROM artifacts WHERE name = 'language_issues'").fetchall()
    return json.loads(data)


def findings(result, code: str) -> list[dict]:
    return [f for f in result.doc["findings"] if f["code"] == code]


def misspelt(result) -> dict[str, dict]:
    return {f["evidence"]["word"]: f for f in findings(result, "TP301")}


def flagged(result) -> str:
    """Every word or phrase reported, for checking that correct words are not among them."""
    return " | ".join([*misspelt(result), *(f["evidence"]["text"] for f in findings(result, "TP302"))])


def status(result) -> dict[str, tuple[str, str | None]]:
    return {c["code"]: (c["status"], c["reason"]) for c in result.doc["checks"]}


def test_dutch_site_planted_errors_found_and_correct_words_left_alone(run_audit, tmp_path, languagetool):
    result = audit(run_audit, tmp_path, SITES / "spelling-nl", f'languagetool_url = "{languagetool}"',
                   f'[checks.TP301]\ndictionary = "{NL_DICTIONARY}"')
    found = misspelt(result)
    assert {w: f["evidence"]["language"] for w, f in found.items()} == NL_TYPOS
    footer = found["voorbehoudn"]
    assert footer["occurrences"] == 4 and len({loc["url"] for loc in footer["locations"]}) == 4
    assert {loc["element"] for loc in footer["locations"]} == {"footer p"}
    assert found["bestelllen"]["evidence"]["where"] == ["the page title"]
    assert found["kruimmel"]["evidence"]["where"] == ["an image's alt text"]
    assert found["verschill"]["evidence"]["suggestions"][0] == "verschil"
    [grammar] = findings(result, "TP302")
    assert grammar["evidence"]["text"] == "hij word" and grammar["url"].endswith("/over-ons.html")
    assert [w for w in NL_CORRECT if w in flagged(result)] == []
    data = artifact(result)
    assert data["engine"] == "languagetool" and data["grammar"] is True
    assert [c["url"].rsplit("/", 1)[1] for c in data["language_corrections"]] == ["over-ons.html"]


def test_english_site_with_a_server_the_auditor_starts_and_stops(run_audit, tmp_path):
    if java_command() is None:
        pytest.skip("no Java runtime")
    assert find_jars() is not None, "LanguageTool is not set up: run scripts/setup-languagetool.sh"
    result = audit(run_audit, tmp_path, SITES / "spelling-en", "")
    assert set(misspelt(result)) == EN_TYPOS
    assert misspelt(result)["reserverd"]["occurrences"] == 3
    assert {f["evidence"]["rule"] for f in findings(result, "TP302")} == EN_GRAMMAR
    service = artifact(result)["service"]
    assert service["started_here"] is True and not answers(service["url"])  # stopped after the audit

    again = audit(run_audit, tmp_path, SITES / "spelling-en", "", out="again")  # same cache file
    data = artifact(again)
    assert data["service"] == {"url": None, "started_here": False}  # nothing new to check: no JVM at all
    assert data["stats"]["words_cached"] == data["stats"]["words_unique"] and "words_sent" not in data["stats"]
    assert [(f["code"], f["message"]) for f in again.doc["findings"]] == \
        [(f["code"], f["message"]) for f in result.doc["findings"]]  # same findings (on another port)


def test_demo_site_planted_spelling_defects(run_audit, tmp_path, languagetool):
    result = audit(run_audit, tmp_path, ROOT / "examples" / "demo-site", f'languagetool_url = "{languagetool}"')
    found = misspelt(result)
    assert set(found) == DEMO_TYPOS
    assert found["voorbehoudem"]["occurrences"] == result.doc["pages_crawled"]
    assert found["woonhius"]["url"].endswith("/diensten/")
    assert found["omgeeving"]["evidence"]["where"] == ["the page title"]
    grammar = {f["evidence"]["text"]: f for f in findings(result, "TP302")}
    assert grammar["onderhoudt van"]["url"].endswith("/diensten/onderhoud.html")
    everything = " ".join(f["message"] + str(f["evidence"]) + str(f["locations"]) for f in result.doc["findings"])
    assert "/intern/" not in everything
    assert [w for w in DEMO_CORRECT if w in flagged(result)] == []


def test_without_java_spelling_falls_back_to_hunspell_and_says_grammar_was_not_checked(run_audit, tmp_path):
    result = audit(run_audit, tmp_path, SITES / "spelling-nl", 'java = "/nonexistent/java"',
                   f'[checks.TP301]\ndictionary = "{NL_DICTIONARY}"')
    assert set(misspelt(result)) == set(NL_TYPOS)
    code, reason = status(result)["TP302"]
    assert code == "unverifiable" and "no Java runtime" in reason and "Hunspell" in reason
    assert any("grammar not checked" in note for note in result.doc.get("notes", [])) or \
        "grammar not checked" in result.stdout + result.stderr
    assert artifact(result)["engine"] == "hunspell"
