"""A plugin that raises, hangs or yields malformed findings is errored; the audit goes on."""

from __future__ import annotations

import time

import pytest

from auditor.check import PageCheck, SiteCheck
from auditor.config import load_config
from auditor.model import Finding
from auditor.registry import CheckInfo, load_checks
from auditor.runner import Runner
from auditor.testing import make_page, run_check


class Hangs(PageCheck):
    """Loops forever on the first page."""

    code, name, family = "TST201", "hangs", "test"

    def check_page(self, page, ctx):
        while True:
            time.monotonic()
        yield


class Raises(SiteCheck):
    """Raises."""

    code, name, family = "TST202", "raises", "test"

    def check_site(self, site, ctx):
        raise RuntimeError("plugin bug")


class Malformed(PageCheck):
    """Yields a string instead of a finding."""

    code, name, family = "TST203", "malformed", "test"

    def check_page(self, page, ctx):
        yield "not a finding"


class WrongCode(PageCheck):
    """Yields a finding under another check's code."""

    code, name, family = "TST204", "wrong-code", "test"

    def check_page(self, page, ctx):
        yield Finding(code="TP101", name="x", severity="error", url=page.url, message="m", fingerprint="f")


class BadEvidence(PageCheck):
    """Puts a non-JSON object in its evidence."""

    code, name, family = "TST205", "bad-evidence", "test"

    def check_page(self, page, ctx):
        yield self.finding(url=page.url, message="m", evidence={"x": object()})


def test_bad_plugins_are_errored_and_the_audit_goes_on(tmp_path, basic_site):
    infos = {c.code: CheckInfo(c.code, c, "tests") for c in (Hangs, Raises, Malformed, WrongCode, BadEvidence)}
    infos["TP105"] = load_checks()["TP105"]
    cfg = load_config(None, {"target": basic_site.base_url, "checks": {"enabled": ["all"], "page_time_limit": 0.5},
                             "crawl": {"rate_limit": 0}})
    run = Runner(cfg, tmp_path / "run", available=infos).run()
    status = {c.code: (c.status, c.reason or "") for c in run.checks}
    assert status["TST201"][0] == "errored" and "time limit of 0.5 s" in status["TST201"][1]
    assert status["TST202"] == ("errored", "RuntimeError: plugin bug")
    assert status["TST203"][0] == "errored" and "not a Finding" in status["TST203"][1]
    assert status["TST204"][0] == "errored" and "not its own 'TST204'" in status["TST204"][1]
    assert status["TST205"][0] == "errored" and "not JSON" in status["TST205"][1]
    assert status["TP105"][0] == "failed"  # the real check still ran and found the missing anchor
    assert run.pages_crawled == 8
    assert (tmp_path / "run" / "errors.log").read_text().count("Traceback") >= 1


def test_run_check_reports_malformed_findings_and_lets_bugs_surface():
    page = make_page("https://ex.nl/", "<p>x</p>")
    result = run_check(Malformed, [page])
    assert (result.status, result.findings) == ("errored", [])
    with pytest.raises(RuntimeError, match="plugin bug"):  # the author sees the traceback in pytest
        run_check(Raises, [page])


def test_time_limit_stops_an_endless_loop_and_restores_the_handler():
    import signal

    import pytest

    from auditor.isolation import CheckTimeout, time_limit

    def mine(_signum, _frame):  # a handler the caller had before the check ran
        raise AssertionError("not ours to call")

    before = signal.signal(signal.SIGALRM, mine)
    try:
        with pytest.raises(CheckTimeout, match=r"loop took longer than its time limit of 0\.2 s"), \
                time_limit(0.2, "loop"):
            while True:
                pass
        assert signal.getsignal(signal.SIGALRM) is mine
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, before)
