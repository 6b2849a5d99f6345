"""The comparison rules as pure functions: no database involved."""

from __future__ import annotations

from datetime import date

import pytest

from auditor.history.diff import (
    PriorState,
    active_suppressions,
    compare,
    family_of,
    summarise,
)
from auditor.model import CheckResult, Finding, fingerprint
from tests.history.helpers import finding


def test_first_run_everything_is_new_with_streak_one():
    result = compare([finding("a"), finding("b")], None, {}, damping=1)
    assert [(f.fingerprint, f.change, f.streak, f.suppressed) for f in result.findings] == [
        ("a", "new", 1, False), ("b", "new", 1, False)]
    assert result.alerts == ("a", "b")
    assert result.fixed == ()
    assert result.new == 2


def test_persisting_new_fixed_against_previous_state():
    prior = {"a": PriorState(streak=3, alerted=True), "gone": PriorState(streak=1, alerted=False)}
    result = compare([finding("a"), finding("b")], prior, {}, damping=1)
    assert [(f.fingerprint, f.change, f.streak) for f in result.findings] == [("a", "persisting", 4), ("b", "new", 1)]
    assert result.alerts == ("b",)  # "a" alerted already during its streak
    assert result.fixed == ("gone",)


def test_incomplete_run_fixes_nothing():
    result = compare([finding("a")], {"a": PriorState(1, True), "gone": PriorState(1, True)}, {},
                     damping=1, complete=False)
    assert result.fixed == ()
    assert result.findings[0].change == "persisting"


def test_damping_alerts_on_reaching_the_threshold_once():
    first = compare([finding("a")], None, {}, damping=2)
    assert first.alerts == () and first.judged[0].alerted is False
    second = compare([finding("a")], {"a": PriorState(1, False)}, {}, damping=2)
    assert second.alerts == ("a",) and second.judged[0].alerted is True
    third = compare([finding("a")], {"a": PriorState(2, True)}, {}, damping=2)
    assert third.alerts == () and third.judged[0].alerted is True


def test_suppressed_finding_never_alerts_and_keeps_its_streak():
    held = {"a": {"until": "2026-12-01", "reason": "accepted"}}
    result = compare([finding("a")], {"a": PriorState(4, False)}, held, damping=2)
    (annotated,) = result.findings
    assert (annotated.change, annotated.streak, annotated.suppressed) == ("persisting", 5, True)
    assert annotated.suppression == {"until": "2026-12-01", "reason": "accepted"}
    assert result.alerts == () and result.judged[0].alerted is False


def test_duplicate_fingerprints_alert_once():
    result = compare([finding("a"), finding("a")], None, {}, damping=1)
    assert result.alerts == ("a",)
    assert len(result.findings) == 2


def test_missing_fingerprint_is_derived_like_checks_do():
    bare = Finding(code="TP101", name="x", severity="error", url="https://e.test/p", target="https://e.test/t",
                   message="m")
    (annotated,) = compare([bare], None, {}, damping=1).findings
    assert annotated.fingerprint == fingerprint("TP101", "https://e.test/p", "https://e.test/t")


def test_damping_below_one_is_refused():
    with pytest.raises(ValueError, match="damping"):
        compare([], None, {}, damping=0)


def test_active_suppressions_hold_through_their_last_day():
    rows = [{"fingerprint": "a", "until": date(2026, 11, 22), "reason": "r1"},
            {"fingerprint": "b", "until": date(2026, 11, 21), "reason": "r2"}]
    assert active_suppressions(rows, date(2026, 11, 22)) == {"a": {"until": "2026-11-22", "reason": "r1"}}
    assert active_suppressions(rows, date(2026, 11, 23)) == {}


def test_family_from_checks_else_code_letters():
    assert family_of("TP101", {"TP101": "links"}) == "links"
    assert family_of("ACME042", {}) == "ACME"


def test_summary_counts_unsuppressed_by_family_and_severity():
    families = {c.code: c.family for c in (CheckResult("TP101", "x", "failed", family="links"),
                                          CheckResult("TP401", "y", "passed", family="mobile"))}
    findings = [finding("a"), finding("b", severity="critical"), finding("typo"),
                finding("c").with_history("new", 1, {"until": "2026-12-01", "reason": "ok"})]
    assert summarise(findings, families) == {
        "families": {"links": 2, "mobile": 0, "TP": 1},  # TP301 did not report a check: code letters
        "severities": {"info": 1, "warning": 0, "error": 1, "critical": 1},
    }
