"""The collector extension point: run only when needed, failures make exactly the dependent
checks unverifiable, page artifacts reach checks. Uses test-local collectors and checks."""

from __future__ import annotations

from auditor.check import PageCheck, SiteCheck
from auditor.collector import Collector, CollectorUnavailable
from auditor.config import load_config
from auditor.registry import CheckInfo
from auditor.runner import Runner


class WordCounter(Collector):
    name = "wordcount"
    provides = ("word_counts", "word_total")
    runs = 0

    async def collect(self, ctx):
        WordCounter.runs += 1
        for page in ctx.store.pages():
            ctx.store.add_page_artifact(page.url, "word_counts", len(page.text.split()))
        ctx.store.set_artifact("word_total", 0)


class Broken(Collector):
    name = "broken"
    provides = ("nothing_here",)

    async def collect(self, ctx):
        raise CollectorUnavailable("no such tool on this machine")


class ShortPages(SiteCheck):
    """Pages with fewer than ten words.

    What it checks
    --------------
    x
    """

    code, name, family, requires = "TST101", "short-pages", "test", ("pages", "word_counts")

    def check_site(self, site, ctx):
        for url, count in site.page_artifacts("word_counts"):
            if count < 10:
                yield self.finding(url=url, message=f"{count} words")


class NeedsNothingHere(PageCheck):
    """Needs an artifact the broken collector cannot give."""

    code, name, family, requires = "TST102", "needs-nothing", "test", ("pages", "nothing_here")

    def check_page(self, page, ctx):
        yield self.finding(url=page.url, message="never")


class LatePageCheck(PageCheck):
    """A page check that needs a collector's artifact runs after collection."""

    code, name, family, requires = "TST103", "late", "test", ("pages", "word_total")

    def check_page(self, page, ctx):
        assert ctx.artifact("word_total") == 0
        yield self.finding(url=page.url, message="seen after collection")


def _runner(tmp_path, site, codes):
    infos = {c.code: CheckInfo(c.code, c, "tests") for c in (ShortPages, NeedsNothingHere, LatePageCheck)}
    cfg = load_config(None, {"target": site.base_url, "checks": {"enabled": codes}})
    return Runner(cfg, tmp_path / "run", available=infos,
                  collectors={"wordcount": WordCounter, "broken": Broken})


def test_collectors_feed_checks_and_fail_cleanly(tmp_path, basic_site):
    WordCounter.runs = 0
    run = _runner(tmp_path, basic_site, ["TST101", "TST102"]).run()
    status = {c.code: (c.status, c.reason) for c in run.checks}
    assert status["TST102"] == ("unverifiable", "broken unavailable: no such tool on this machine")
    assert status["TST101"][0] == "failed"
    assert {f.url.rsplit("/", 1)[1] for f in run.findings} >= {"busy.html", "slow.html"}
    assert any("broken unavailable" in n for n in run.notes)
    assert WordCounter.runs == 1


def test_collector_skipped_when_no_check_needs_it(tmp_path, basic_site):
    runner = _runner(tmp_path, basic_site, ["TST102"])
    assert [c.name for c in runner.collectors] == ["broken"]


def test_late_page_check_sees_collected_artifacts(tmp_path, basic_site):
    run = _runner(tmp_path, basic_site, ["TST103"]).run()
    assert [c.status for c in run.checks] == ["failed"]
    assert run.pages_crawled == len(run.findings)


class Prepared(Collector):
    """Records when the runner lets it start its slow work, and when it collects."""

    name = "prepared"
    provides = ("prepared_total",)
    calls: list[tuple[str, object]] = []

    def prepare(self, run_dir, *, incremental=False):
        Prepared.calls.append(("prepare", incremental))

    async def collect(self, ctx):
        Prepared.calls.append(("collect", None))
        ctx.store.set_artifact("prepared_total", 0)


class SeesPages(PageCheck):
    """Notes each page as the crawl parses it."""

    code, name, family, requires = "TST104", "sees-pages", "test", ("pages",)

    def check_page(self, page, ctx):
        Prepared.calls.append(("page", page.url))
        return iter(())


class NeedsPrepared(SiteCheck):
    """Needs the prepared collector's artifact."""

    code, name, family, requires = "TST105", "needs-prepared", "test", ("pages", "prepared_total")

    def check_site(self, site, ctx):
        return iter(())


def test_a_collector_prepares_before_the_crawl_and_collects_after_it(tmp_path, basic_site):
    Prepared.calls = []
    infos = {c.code: CheckInfo(c.code, c, "tests") for c in (SeesPages, NeedsPrepared)}
    cfg = load_config(None, {"target": basic_site.base_url, "checks": {"enabled": ["TST104", "TST105"]},
                             "crawl": {"parse_workers": 0}})
    Runner(cfg, tmp_path / "run", available=infos, collectors={"prepared": Prepared}).run()
    kinds = [kind for kind, _ in Prepared.calls]
    assert Prepared.calls[0] == ("prepare", False) and kinds.count("prepare") == 1
    assert "page" in kinds and kinds[-1] == "collect" and kinds.count("collect") == 1
