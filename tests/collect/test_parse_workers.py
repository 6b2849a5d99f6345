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
