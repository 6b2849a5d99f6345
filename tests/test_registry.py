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
    assert [i.code for i in select_checks(checks, ["links"], ["TP107"])] == [f"TP10{i}" for i in range(1, 7)]
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
