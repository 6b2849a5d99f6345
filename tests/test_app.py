"""The audit service (``auditor/app.py``) that the command line and the nightly runs share."""

from __future__ import annotations

import pytest

from auditor import app
from auditor.config import load_config
from auditor.errors import ConfigError, InputError, UnreachableTarget


class Recorder:
    """A progress sink that remembers what it was told."""

    def __init__(self) -> None:
        self.updates = 0
        self.finished = 0

    def __call__(self, stats) -> None:
        self.updates += 1

    def done(self) -> None:
        self.finished += 1


def _config(target, **crawl):
    return load_config(None, {"target": target, "checks": {"enabled": ["links"]},
                              "crawl": {"rate_limit": 0, "parse_workers": 0, **crawl}})


def test_audit_stores_a_run_and_refuses_to_overwrite_it(basic_site, tmp_path):
    progress = Recorder()
    out = tmp_path / "run"
    run = app.audit(_config(basic_site.base_url), out, progress=progress)
    assert run.pages_crawled == 8 and run.findings
    assert progress.updates >= 1 and progress.finished == 1
    written = app.write_reports(run, out, app.prepare(_config(basic_site.base_url)))
    assert set(written) == {"html", "json"} and all(path.is_file() for path in written.values())
    with pytest.raises(InputError, match="already holds an audit"):
        app.audit(_config(basic_site.base_url), out)
    again = app.recheck(_config(basic_site.base_url), out)
    assert {f.fingerprint for f in again.findings} == {f.fingerprint for f in run.findings}


def test_a_failed_audit_clears_the_progress_line_and_the_folder_it_created(tmp_path):
    progress = Recorder()
    created = tmp_path / "new"
    with pytest.raises(UnreachableTarget):
        app.audit(_config("http://127.0.0.1:1/"), created, progress=progress)
    assert progress.finished == 1 and not created.exists()
    given = tmp_path / "given"  # a folder that was there before (a nightly run folder) is the caller's
    given.mkdir()
    with pytest.raises(UnreachableTarget):
        app.audit(_config("http://127.0.0.1:1/"), given)
    assert given.is_dir()


def test_prepare_checks_formats_and_ads_before_any_work(tmp_path):
    with pytest.raises(ConfigError, match="unknown report format 'htm'"):
        app.prepare(load_config(None, {"report": {"formats": ["htm"]}}))
    ads = tmp_path / "ads.csv"
    ads.write_text("nothing,useful\n1,2\n", "utf-8")
    with pytest.raises(InputError):
        app.prepare(load_config(None, {"ads": str(ads)}))
    assert set(app.prepare(load_config(None, {"ads": str(ads)}), ads=False)) == {"html", "json"}


@pytest.mark.parametrize(("worst", "fail_on", "fails"), [
    (None, "info", False), ("critical", "never", False), ("warning", "warning", True),
    ("warning", "error", False), ("critical", "error", True),
])
def test_fails_on(worst, fail_on, fails):
    assert app.fails_on(worst, fail_on) is fails
