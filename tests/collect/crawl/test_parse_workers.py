"""Parsing in a worker process gives exactly what parsing in the crawler's process gives."""

from __future__ import annotations

from tests.conftest import basic_resolves


def _audit(run_audit, site, tmp_path, name, workers, after):
    cfg = tmp_path / f"{name}.toml"
    cfg.write_text(f"[crawl]\nrate_limit = 0\nparse_workers = {workers}\nparse_pool_after = {after}\n"
                   "[checks]\nenabled = [\"links\"]\n", "utf-8")
    return run_audit("audit", site.base_url, "--config", str(cfg), "--quiet", *basic_resolves(site),
                     out=tmp_path / name)


def test_worker_process_matches_inline(run_audit, basic_site, tmp_path):
    inline = _audit(run_audit, basic_site, tmp_path, "inline", 0, 0)
    pooled = _audit(run_audit, basic_site, tmp_path, "pooled", 1, 2)  # pages 3.. go to the worker
    assert inline.exit_code == pooled.exit_code == 0

    def summary(result):
        return sorted((f["fingerprint"], f["occurrences"]) for f in result.doc["findings"])

    assert summary(pooled) == summary(inline)
    assert pooled.doc["pages_crawled"] == inline.doc["pages_crawled"] == 8
    assert any(f["code"] == "TP104" for f in pooled.doc["findings"])  # a page check, run in the worker


def test_a_killed_worker_is_one_line_and_the_audit_resumes(run_audit, basic_site, tmp_path, monkeypatch):
    """A worker that dies mid-crawl (here: a check ends its process) stops the audit with one
    line naming --resume; the stored pages are kept and the resumed audit finishes."""
    import auditor.runner
    from auditor.registry import CheckInfo, load_checks
    from auditor.store import RunStore
    from tests.collect.crawl.crash_check import KILL_SWITCH, WorkerKiller

    monkeypatch.setenv(KILL_SWITCH, "1")
    checks = {**load_checks(), "TP990": CheckInfo("TP990", WorkerKiller, "tests")}
    monkeypatch.setattr(auditor.runner, "load_checks", lambda: checks)
    cfg = tmp_path / "crash.toml"
    cfg.write_text("[crawl]\nrate_limit = 0\nparse_workers = 1\nparse_pool_after = 3\n"
                   "[checks]\nenabled = [\"links\", \"TP990\"]\n", "utf-8")
    out = tmp_path / "crash"
    crashed = run_audit("audit", basic_site.base_url, "--config", str(cfg), "--quiet", *basic_resolves(basic_site),
                        out=out)
    assert crashed.exit_code == 2
    lines = crashed.stderr.strip().splitlines()
    assert len(lines) == 1 and "parse worker" in lines[0] and f"--resume {out}" in lines[0], crashed.stderr
    assert "Traceback" not in crashed.stderr

    stored = len(list(RunStore(out).page_index()))
    assert 3 <= stored < 8  # the pages parsed before the worker died are kept

    monkeypatch.delenv(KILL_SWITCH)  # the resumed audit's workers live
    resumed = run_audit("audit", "--resume", str(out), "--quiet", out=out)
    assert resumed.exit_code == 0, resumed.stderr
    assert resumed.doc["pages_crawled"] == 8
    assert resumed.doc["findings"]  # the link findings of the whole site, as in an audit never interrupted


def test_from_the_command_line_the_workers_parse_from_the_first_page(run_audit, basic_site, tmp_path, monkeypatch):
    """The command line starts the workers ahead (``parse_pool.prestart``) and, with
    ``parse_pool_after`` unset, hands them every page; through the Python API an unset
    ``parse_pool_after`` keeps small crawls in the crawler's process."""
    import auditor.runner
    from auditor.collect.crawl import parse_pool
    from auditor.collect.crawl.parse import PageParser
    from auditor.registry import CheckInfo, load_checks
    from tests.collect.crawl.crash_check import WhereParsed

    checks = {**load_checks(), "TP991": CheckInfo("TP991", WhereParsed, "tests")}
    monkeypatch.setattr(auditor.runner, "load_checks", lambda: checks)
    cfg = tmp_path / "where.toml"
    cfg.write_text("[crawl]\nrate_limit = 0\nparse_workers = 1\n[checks]\nenabled = [\"links\", \"TP991\"]\n",
                   "utf-8")
    result = run_audit("audit", basic_site.base_url, "--config", str(cfg), "--quiet", *basic_resolves(basic_site),
                       out=tmp_path / "where")
    assert result.exit_code == 0, result.stderr
    where = [f["evidence"]["in_worker"] for f in result.doc["findings"] if f["code"] == "TP991"]
    assert len(where) == 8 and all(where)
    assert parse_pool.spares() == 0  # the worker started ahead but not used (one of two) was ended

    parser = PageParser([], None, None, workers=1)  # type: ignore[arg-type]
    assert parser.pool_after == 200  # no workers started ahead: small crawls stay in-process


def test_an_audit_with_previous_starts_no_workers_ahead(run_audit, basic_site, tmp_path, monkeypatch):
    """The second night's audit takes its pages over unchanged: workers started ahead would
    only cost a core at start-up. The first audit starts them; the second does not."""
    from auditor.collect.crawl import parse_pool

    started: list[int] = []
    real = parse_pool.prestart
    monkeypatch.setattr(parse_pool, "prestart", lambda n, prepare: (started.append(n), real(n, prepare)))
    cfg = tmp_path / "links.toml"
    cfg.write_text("[crawl]\nrate_limit = 0\n[checks]\nenabled = [\"links\"]\n", "utf-8")
    first = run_audit("audit", basic_site.base_url, "--config", str(cfg), "--quiet", *basic_resolves(basic_site),
                      out=tmp_path / "night1")
    assert first.exit_code in (0, 1) and started == [parse_pool.default_workers()]
    second = run_audit("audit", basic_site.base_url, "--config", str(cfg), "--quiet", *basic_resolves(basic_site),
                       "--previous", str(tmp_path / "night1"), out=tmp_path / "night2")
    assert second.exit_code in (0, 1), second.stderr
    assert started == [parse_pool.default_workers()]  # not again
    assert second.doc["pages_crawled"] == first.doc["pages_crawled"]
