"""Plugin registration: built-ins load through entry points; bad plugins fail loudly."""

from __future__ import annotations

import pytest

from auditor.check import SiteCheck
from auditor.errors import PluginError
from auditor.registry import load_checks, select_checks, validate_check_class


def _check(**attrs):
    base = {"code": "ACM101", "name": "acme-thing", "family": "acme"}
    return type("C", (SiteCheck,), {**base, **attrs})


def test_builtins_register_through_entry_points():
    checks = load_checks()
    assert {f"TP10{i}" for i in range(1, 8)} <= set(checks)
    assert all(info.plugin == "touchpoint-auditor" for code, info in checks.items() if code.startswith("TP"))


@pytest.mark.parametrize(("attrs", "entry", "words"), [
    ({"code": "acm101"}, "acm101", "invalid rule code"),
    ({"code": "A101"}, "A101", "invalid rule code"),
    ({}, "ACM102", "does not match its code"),
    ({"name": ""}, "ACM101", "must set 'name'"),
    ({"api_version": 99}, "ACM101", "plugin API version 99"),
])
def test_bad_checks_refused(attrs, entry, words):
    with pytest.raises(PluginError, match=words):
        validate_check_class(entry, _check(**attrs), "acme-plugin")


def test_not_a_check_refused():
    with pytest.raises(PluginError, match="not a PageCheck or SiteCheck"):
        validate_check_class("ACM101", object, "acme-plugin")


def test_select_by_family_code_and_all():
    checks = load_checks()
    selected = [i.code for i in select_checks(checks, ["links"], ["TP107"])]
    assert selected == [f"TP10{i}" for i in (1, 2, 3, 4, 5, 6, 8, 9)]
    assert [i.code for i in select_checks(checks, ["tp103"], [])] == ["TP103"]
    assert len(select_checks(checks, ["all"], [])) == len(checks)


def test_a_check_that_cannot_be_imported_is_errored_not_fatal(monkeypatch, run_audit, basic_site):
    from importlib.metadata import EntryPoint

    import auditor.registry as registry

    real = registry.entry_points
    broken = EntryPoint("ACM999", "acme_missing_module:Check", registry.CHECK_GROUP)
    monkeypatch.setattr(registry, "entry_points",
                        lambda group: [*real(group=group), *([broken] if group == registry.CHECK_GROUP else [])])
    assert "ACM999" in registry.load_failures() and "ACM999" not in registry.load_checks()
    result = run_audit("audit", basic_site.base_url, "--checks", "TP105,ACM999", "--quiet", "--format", "json")
    assert result.exit_code == 0
    status = {c["code"]: (c["status"], c["reason"]) for c in result.doc["checks"]}
    assert status["ACM999"][0] == "errored" and "acme_missing_module" in status["ACM999"][1]
    assert status["TP105"][0] == "failed"


# -- one loader, one policy: collectors and reporters are validated like checks ------------

def _collector(**attrs):
    from auditor.collector import Collector

    return type("K", (Collector,), {"name": "acme", "provides": ("acme_facts",), **attrs})


@pytest.mark.parametrize(("attrs", "entry", "words"), [
    ({}, "other", "does not match its name 'acme'"),
    ({"provides": ()}, "acme", "must name the artifacts it provides"),
    ({"Settings": dict}, "acme", "Settings must be a CollectorSettings model"),
    ({"api_version": 99}, "acme", "plugin API version 99"),
])
def test_bad_collectors_refused(attrs, entry, words):
    from auditor.registry import validate_collector_class

    with pytest.raises(PluginError, match=words):
        validate_collector_class(entry, _collector(**attrs), "acme-plugin")
    validate_collector_class("acme", _collector(), "acme-plugin")  # the same class, declared properly, loads


def test_not_a_collector_refused():
    from auditor.registry import validate_collector_class

    with pytest.raises(PluginError, match="collector acme from acme-plugin: is not a Collector subclass"):
        validate_collector_class("acme", object, "acme-plugin")


class _Reporter:
    format = "acme"

    def write(self, run, out_dir):
        return out_dir / "acme.txt"


def test_bad_reporters_refused():
    from auditor.registry import validate_reporter_class

    assert validate_reporter_class("acme", _Reporter, "acme-plugin") is _Reporter
    with pytest.raises(PluginError, match="does not match its format 'acme'"):
        validate_reporter_class("other", _Reporter, "acme-plugin")
    with pytest.raises(PluginError, match="write"):
        validate_reporter_class("acme", type("R", (), {"format": "acme"}), "acme-plugin")


def _with_entry(monkeypatch, group, *extra):
    import auditor.registry as registry

    real = registry.entry_points
    monkeypatch.setattr(registry, "entry_points",
                        lambda group: [*real(group=group), *(ep for ep in extra if ep.group == group)])
    return registry


def test_a_collector_that_cannot_be_imported_is_named_not_fatal(monkeypatch):
    from importlib.metadata import EntryPoint

    from auditor.collector import collector_failures, load_collectors
    from auditor.registry import COLLECTOR_GROUP

    _with_entry(monkeypatch, COLLECTOR_GROUP, EntryPoint("acme", "acme_missing_module:Acme", COLLECTOR_GROUP))
    assert "acme" not in load_collectors() and "render" in load_collectors()
    assert "acme_missing_module" in collector_failures()["acme"]


def test_a_name_claimed_twice_refuses_to_load_for_every_kind(monkeypatch):
    from importlib.metadata import EntryPoint

    from auditor.collector import load_collectors
    from auditor.registry import COLLECTOR_GROUP, REPORTER_GROUP, load_reporters

    _with_entry(monkeypatch, COLLECTOR_GROUP,
                EntryPoint("render", "auditor.collect.crawl.feeds:FeedCollector", COLLECTOR_GROUP))
    with pytest.raises(PluginError, match="collector render is claimed twice"):
        load_collectors()
    monkeypatch.undo()
    _with_entry(monkeypatch, REPORTER_GROUP, EntryPoint("json", "auditor.report.csv:CsvReporter", REPORTER_GROUP))
    with pytest.raises(PluginError, match="reporter json is claimed twice"):
        load_reporters(["json"])


def test_a_broken_reporter_fails_only_when_asked_for(monkeypatch):
    from importlib.metadata import EntryPoint

    from auditor.registry import REPORTER_GROUP, load_reporters

    _with_entry(monkeypatch, REPORTER_GROUP, EntryPoint("acme", "acme_missing_module:Acme", REPORTER_GROUP))
    assert set(load_reporters(["html", "json"])) == {"html", "json"}
    with pytest.raises(PluginError, match=r"reporter acme from .* cannot be loaded: .*acme_missing_module"):
        load_reporters(["acme"])


def test_builtin_collectors_and_reporters_pass_the_same_validation():
    from auditor.collector import load_collectors
    from auditor.registry import load_reporters

    assert set(load_collectors()) == {"ads", "domain", "feeds", "language", "profiles", "render"}
    assert set(load_reporters()) >= {"html", "json", "pdf", "junit", "sarif", "csv"}
