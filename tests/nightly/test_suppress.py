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
    assert done.stdout == (f"suppressed {FP} until 2027-01-31 for bakery, garage: the owner's spelling\n"
                           "note: 2 clients have this finding; --site CLIENT accepts it for one of them only\n")
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
    where = url.removeprefix("sqlite:///")
    assert cli("unsuppress", FP, "--history", url).stderr == (
        f"touchpoint-auditor: error: no suppression of {FP} (searched history database sqlite:///{where})\n")
    portfolio = Path(tmp_path / "p.toml")
    portfolio.write_text(f'[portfolio]\nhistory = "{url}"\n[clients.bakery]\ntarget = "https://bakery.test/"\n')
    stranger = cli("suppress", FP, "--until", "2027-01-31", "--reason", "x", "--site", "florist",
                   "--portfolio", str(portfolio))
    assert stranger.exit_code == 2
    assert stranger.stderr == (f"touchpoint-auditor: error: portfolio '{portfolio}': no client 'florist' "
                               "(clients: bakery)\n")


def test_a_unique_prefix_is_enough_and_an_ambiguous_one_names_the_candidates(cli, url):
    other = fingerprint("TP301", "recieve")
    finding = Finding(code="TP301", name="misspelling", severity="warning", url="https://bakery.test/",
                      message="recieve", fingerprint=other)
    run = AuditRun(target="https://bakery.test/", started_at="2026-12-02T02:00:00+00:00",
                   finished_at="2026-12-02T02:01:00+00:00", pages_crawled=1, touchpoints=(), checks=(),
                   findings=(finding,))
    with History(url) as history:
        history.record("bakery", run)
    common = next(n for n in range(1, 64) if FP[:n] != other[:n]) - 1  # characters the two share
    unique = FP[:max(common + 1, 6)]
    done = cli("suppress", unique + "…", "--until", "2027-01-31", "--reason", "known", "--site", "garage",
               "--history", url, "--as-of", "2026-12-01")
    assert (done.exit_code, done.stdout) == (0, f"suppressed {FP} until 2027-01-31 for garage: known\n")
    if common >= 4:  # only when the two fingerprints happen to share a prefix long enough to give
        ambiguous = cli("suppress", FP[:common], "--until", "2027-01-31", "--reason", "x", "--history", url)
        assert ambiguous.exit_code == 2 and "is ambiguous" in ambiguous.stderr
    short = cli("suppress", FP[:3], "--until", "2027-01-31", "--reason", "x", "--history", url)
    assert short.stderr == (f"touchpoint-auditor: error: fingerprint '{FP[:3]}': give at least 4 of its "
                            "hexadecimal characters (findings.json and the report show it)\n")


def test_ambiguous_prefix(cli, tmp_path):
    url = f"sqlite:///{tmp_path / 'history.db'}"
    fps = ["abcd1111" + "0" * 56, "abcd2222" + "0" * 56]
    findings = tuple(Finding(code="TP301", name="misspelling", severity="warning", url="https://bakery.test/",
                             message=f"w{i}", fingerprint=fp) for i, fp in enumerate(fps))
    run = AuditRun(target="https://bakery.test/", started_at="2026-12-01T02:00:00+00:00",
                   finished_at="2026-12-01T02:01:00+00:00", pages_crawled=1, touchpoints=(), checks=(),
                   findings=findings)
    with History(url) as history:
        history.record("bakery", run)
    result = cli("suppress", "abcd", "--until", "2027-01-31", "--reason", "x", "--history", url,
                 "--as-of", "2026-12-01")
    assert result.exit_code == 2
    assert result.stderr == ("touchpoint-auditor: error: fingerprint abcd… is ambiguous: abcd1111… (bakery), "
                             "abcd2222… (bakery); give more characters\n")
    assert cli("suppress", "abcd2", "--until", "2027-01-31", "--reason", "x", "--history", url,
               "--as-of", "2026-12-01").exit_code == 0


def test_without_portfolio_the_database_is_found_as_run_finds_it(cli, tmp_path, monkeypatch):
    """``run`` and ``suppress`` both take the portfolio from --portfolio, $TOUCHPOINT_PORTFOLIO or
    ./portfolio.toml; a miss names the database searched."""
    data = tmp_path / "data"
    data.mkdir()
    url = f"sqlite:///{data / 'history.db'}"
    record(url, "bakery")
    (tmp_path / "portfolio.toml").write_text('[portfolio]\ndata_dir = "data"\n'
                                             '[clients.bakery]\ntarget = "https://bakery.test/"\n', "utf-8")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "elsewhere"))  # the default database is not it
    monkeypatch.delenv("TOUCHPOINT_PORTFOLIO", raising=False)
    monkeypatch.chdir(tmp_path)
    done = cli("suppress", FP[:8], "--until", "2027-01-31", "--reason", "known", "--as-of", "2026-12-01")
    assert (done.exit_code, done.stdout) == (0, f"suppressed {FP} until 2027-01-31 for bakery: known\n")
    assert cli("run", "--all", "--check").stdout.endswith(f"portfolio OK: 1 clients; data in {data}\n")
    monkeypatch.chdir(tmp_path / "data")  # no portfolio here: the variable names it
    monkeypatch.setenv("TOUCHPOINT_PORTFOLIO", str(tmp_path / "portfolio.toml"))
    assert "bakery: 1 run, newest first" in cli("history", "bakery").stdout
    monkeypatch.delenv("TOUCHPOINT_PORTFOLIO")
    missing = cli("suppress", FP[:8], "--until", "2027-01-31", "--reason", "known", "--as-of", "2026-12-01")
    default = tmp_path / "elsewhere" / "touchpoint-auditor" / "history.db"
    assert missing.stderr == (f"touchpoint-auditor: error: no finding {FP[:8]}… in a recorded run of any client "
                              f"(searched history database sqlite:///{default})\n")
    assert cli("run", "--all").stderr == ("touchpoint-auditor: error: run: give --portfolio FILE (or set "
                                          "TOUCHPOINT_PORTFOLIO, or run it where portfolio.toml is)\n")
