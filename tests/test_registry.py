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
