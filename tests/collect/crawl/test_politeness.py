"""Politeness and retry decisions, as units (no clocks asserted)."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

import pytest

from auditor.collect.crawl.politeness import HostGate
from auditor.collect.crawl.retry import RetryPolicy, parse_retry_after


def test_rate_limit_and_crawl_delay_set_the_interval():
    gate = HostGate(per_host=4, rate_limit=8)
    assert gate.interval_for("ex.nl") == pytest.approx(0.125)
    gate.set_crawl_delay("ex.nl", 2)
    assert gate.interval_for("ex.nl") == 2 and gate.interval_for("other.nl") == pytest.approx(0.125)
    gate.set_crawl_delay("slow.nl", 3600)
    assert gate.interval_for("slow.nl") == 60  # capped: a day-long delay would never finish


def test_unlimited_rate():
    assert HostGate(per_host=4, rate_limit=0).interval_for("ex.nl") == 0


def test_retry_after_forms():
    assert parse_retry_after("3") == 3
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    assert 25 <= parse_retry_after(format_datetime(when, usegmt=True)) <= 31
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_retry_policy():
    policy = RetryPolicy(retries=2, max_retry_after=10)
    assert policy.delay_after_status(429, "4", 1) == 4
    assert policy.delay_after_status(429, "600", 1) is None  # asks too long: leave it, report unverifiable
    assert policy.delay_after_status(503, None, 1) > 0
    assert policy.delay_after_status(503, None, 3) is None  # retries used up
    assert policy.delay_after_status(404, None, 1) is None  # not transient
    assert policy.delay_after_error("timeout", 1) > 0
    assert policy.delay_after_error("dns", 1) is None and policy.delay_after_error("refused", 1) is None
