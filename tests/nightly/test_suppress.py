"""``suppress`` / ``unsuppress``: accepting a finding with a reason and an end date, and every
mistake as one line. Runs are recorded straight into a real SQLite history (no crawl needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.history import History
from auditor.model import AuditRun, Finding, fingerprint

FP = fingerprint("TP301", "accomodation")


def record(url: str, site: str) -> None:
    finding = Finding(code="TP301", name="misspelling", severity="warning", url=f"https://{site}.test/",
                      message="accomodation", fingerprint=FP)
    run = AuditRun(target=f"https://{site}.test/", started_at="2026-12-01T02:00:00+00:00",
                   finished_at="2026-12-01T02:01:00+00:00", pages_crawled=1, touchpoints=(), checks=(),
                   findings=(finding,))
    with History(url) as history:
        history.record(site, run, today=None)


@pytest.fixture
def url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'history.db'}"
    record(url, "bakery")
    record(url, "garage")
    return url


def test_without_site_every_site_with_the_finding_is_covered(cli, url):
    done = cli("suppress", FP.upper(), "--until", "2027-01-31", "--reason", "  the  owner's spelling ",
               "--history", url, "--as-of", "2026-12-01")
    assert done.exit_code == 0, done.stderr
    assert done.stdout == f"suppressed {FP} until 2027-01-31 for bakery, garage: the owner's spelling\n"
    with History(url) as history:
        assert [(s["site"], s["until"], s["reason"]) for s in history.suppressions()] == [
            ("bakery", "2027-01-31", "the owner's spelling"), ("garage", "2027-01-31", "the owner's spelling")]
    ended = cli("unsuppress", FP, "--site", "garage", "--history", url)
    assert (ended.exit_code, ended.stdout) == (0, f"unsuppressed {FP} (1 suppression ended)\n")
    with History(url) as history:
        assert [s["site"] for s in history.suppressions()] == ["bakery"]


def test_with_site_only_that_site(cli, url):
    done = cli("suppress", FP, "--until", "2026-12-01", "--reason", "known", "--site", "garage", "--history", url,
               "--as-of", "2026-12-01")  # until today is allowed: accepted for the rest of the day
    assert done.stdout == f"suppressed {FP} until 2026-12-01 for garage: known\n"


@pytest.mark.parametrize(("args", "words"), [
    (["--until", "2026-11-30", "--reason", "x"], "--until 2026-11-30 is in the past (today is 2026-12-01)"),
    (["--until", "31-01-2027", "--reason", "x"], "--until '31-01-2027': expected a date as YYYY-MM-DD"),
    (["--until", "2027-01-31", "--reason", "   "], "--reason: say why the finding is accepted"),
    (["--until", "2027-01-31", "--reason", "x" * 501], "--reason: at most 500 characters (got 501)"),
    (["--until", "2027-01-31"], "the following arguments are required: --reason"),
])
def test_bad_suppress_is_one_line_and_exit_2(cli, url, args, words):
    result = cli("suppress", FP, *args, "--history", url, "--as-of", "2026-12-01")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("touchpoint-auditor: error: ") and words in line


def test_unknown_fingerprint_and_unknown_client_are_one_line(cli, url, tmp_path):
    unknown = cli("suppress", "0123456789abcdef0123", "--until", "2027-01-31", "--reason", "x", "--history", url)
    assert unknown.exit_code == 2 and len(unknown.stderr.splitlines()) == 1
    assert "0123456789abcdef0123" in unknown.stderr
    assert cli("unsuppress", FP, "--history", url).stderr == f"touchpoint-auditor: error: no suppression of {FP}\n"
    portfolio = Path(tmp_path / "p.toml")
    portfolio.write_text(f'[portfolio]\nhistory = "{url}"\n[clients.bakery]\ntarget = "https://bakery.test/"\n')
    stranger = cli("suppress", FP, "--until", "2027-01-31", "--reason", "x", "--site", "florist",
                   "--portfolio", str(portfolio))
    assert stranger.exit_code == 2
    assert stranger.stderr == (f"touchpoint-auditor: error: portfolio '{portfolio}': no client 'florist' "
                               "(clients: bakery)\n")
