"""CLI contract: exit codes, one-line errors, ``checks`` and ``explain``."""

from __future__ import annotations

import pytest

from tests.conftest import AuditResult, basic_resolves


def _one_line_error(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("touchpoint-auditor: error: ")
    return lines[0]


@pytest.mark.parametrize(("args", "words"), [
    (["audit", "not a url"], "not an http(s) URL"),
    (["audit", "ftp://example.nl/"], "not an http(s) URL"),
    (["audit", "http://"], "no host"),
    (["audit", "http://127.0.0.1:1/"], "cannot reach http://127.0.0.1:1/: refused"),
    (["audit", "http://nope.invalid/"], "cannot reach http://nope.invalid/: dns"),
    (["audit", "http://x.nl/", "--checks", "links,nonsense"], "unknown check or family 'nonsense'"),
    (["audit", "http://x.nl/", "--as-of", "yesterday"], "--as-of 'yesterday'"),
    (["audit", "http://x.nl/", "--resolve", "bogus"], "expected HOST:PORT:ADDRESS"),
    (["audit", "http://x.nl/", "--config", "/nonexistent.toml"], "not found"),
    (["audit", "http://x.nl/", "--ads", "/nonexistent.csv"], "--ads"),
    (["audit"], "audit needs a URL"),
    (["audit", "--resume", "/nonexistent-dir"], "not a run directory"),
    (["explain", "TP999"], "unknown rule code"),
    (["audit", "http://x.nl/", "--max-pages", "many"], "invalid int value"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, args, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where the default output folder would go
    from auditor.cli import main

    try:
        code = main(args)
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    assert code == 2
    captured = capsys.readouterr()
    line = _one_line_error(AuditResult(code, None, captured.out, captured.err))
    assert words in line
    assert list(tmp_path.iterdir()) == []  # no empty audit folder left behind


@pytest.mark.parametrize(("toml", "words"), [
    ("[crawl]\nmax_pages = -1\n", "crawl.max_pages"),
    ("[crawl]\nmax_pagez = 3\n", "crawl.max_pagez: unknown key"),
    ("[crawl\n", "not valid TOML"),
    ("[crawl]\ninclude = ['(']\n", "invalid regular expression"),
    ("[checks.TP104]\nsimilarity = 'x'\nbogus = 1\n", "unknown option 'bogus'"),
    ("[checks.TP101]\nseverity = 'fatal'\n", "severity 'fatal'"),
    ("[report]\nfail_on = 'sometimes'\n", "report.fail_on"),
])
def test_bad_config_is_one_line_and_exit_2(run_audit, tmp_path, toml, words):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(toml, "utf-8")
    result = run_audit("audit", "http://127.0.0.1:1/", "--config", str(cfg))
    assert result.exit_code == 2
    assert words in _one_line_error(result)


def test_fail_on_sets_exit_1(run_audit, basic_site):
    result = run_audit("audit", basic_site.base_url, "--checks", "TP101", "--fail-on", "error", "--quiet",
                       *basic_resolves(basic_site))
    assert result.exit_code == 1
    assert "findings" in result.stdout and "report.html" in result.stdout


def test_fail_on_above_worst_severity_exits_0(run_audit, basic_site):
    result = run_audit("audit", basic_site.base_url, "--checks", "TP105", "--fail-on", "error", "--quiet",
                       "--format", "json")
    assert result.exit_code == 0
    assert not (result.out / "report.html").exists()
    assert [c["code"] for c in result.doc["checks"]] == ["TP105"]


def test_unknown_format_exit_2(run_audit, basic_site):
    result = run_audit("audit", basic_site.base_url, "--checks", "TP105", "--format", "pdfx", "--quiet")
    assert result.exit_code == 2 and "unknown report format 'pdfx'" in result.stderr


def test_checks_lists_every_builtin(run_audit):
    result = run_audit("checks")
    assert result.exit_code == 0
    codes = [line.split()[0] for line in result.stdout.splitlines()]
    assert codes[:7] == ["TP101", "TP102", "TP103", "TP104", "TP105", "TP106", "TP107"]
    assert "broken-internal-link" in result.stdout


def test_explain_shows_the_three_sections(run_audit):
    result = run_audit("explain", "tp101")
    assert result.exit_code == 0
    for title in ("What it checks", "Why it matters", "How to fix"):
        assert title in result.stdout


def test_recheck_judges_again_without_fetching(run_audit, basic_site, tmp_path):
    first = run_audit("audit", basic_site.base_url, "--checks", "links", "--quiet", *basic_resolves(basic_site))
    hits_before = dict(basic_site.hits)
    again = run_audit("recheck", str(first.out))
    assert again.exit_code == 0
    assert basic_site.hits == hits_before
    fingerprints = sorted(f["fingerprint"] for f in again.doc["findings"])
    assert fingerprints == sorted(f["fingerprint"] for f in first.doc["findings"])


def test_recheck_with_a_new_config_file_judges_again_with_its_checks_and_report(run_audit, tmp_path):
    """``recheck DIR --config FILE``: a new client dictionary and a new fail_on apply to the
    stored pages; what would need fetching ([crawl]) is named as ignored; nothing is fetched."""
    from auditor.devserver import serve
    from tests.conftest import SITES

    base = tmp_path / "base.toml"
    base.write_text('[checks]\nenabled = ["TP301"]\n[crawl]\nrate_limit = 0\nuse_sitemaps = false\n'
                    '[collectors.language]\nengine = "hunspell"\nlanguages = ["en"]\ncache = false\n', "utf-8")
    with serve(SITES / "nightly-shop") as site:
        first = run_audit("audit", site.base_url, "--config", str(base), "--quiet")
        assert first.exit_code == 0, first.stderr
        words = {f["evidence"]["word"] for f in first.doc["findings"] if f["code"] == "TP301"}
        assert "accomodation" in words
        (tmp_path / "words.txt").write_text("# the client's own spelling\naccomodation\n", "utf-8")
        new = tmp_path / "new.toml"
        new.write_text('[checks.TP301]\ndictionary = "words.txt"\n[report]\nfail_on = "warning"\n'
                       '[crawl]\nmax_pages = 1\n', "utf-8")
        hits = dict(site.hits)
        again = run_audit("recheck", str(first.out), "--config", str(new))
        assert site.hits == hits  # nothing fetched
    assert again.exit_code == 1, again.stderr  # the new fail_on: the remaining typos are warnings
    assert {f["evidence"]["word"] for f in again.doc["findings"] if f["code"] == "TP301"} == words - {"accomodation"}
    assert f"note: [crawl] of {new} ignored: recheck judges the stored pages, nothing is fetched" in again.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('[checks.TP301]\ndictionary = "missing.txt"\n', "utf-8")
    refused = run_audit("recheck", str(first.out), "--config", str(bad))
    assert refused.exit_code == 2 and len(refused.stderr.splitlines()) == 1
