"""Links resolve to the address a browser uses: the web-platform-tests URL test data.

Every case of ``tests/data/wpt/urltestdata.json`` whose result is an http(s) URL must
resolve (``resolve`` with the base, or ``normalise`` without one) to exactly the href the
URL Standard gives, fragment split off; every case the standard rejects must not resolve
to anything fetchable.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.urls import InvalidURL, normalise, resolve

_DATA = Path(__file__).parent / "data" / "wpt" / "urltestdata.json"
_CASES = [c for c in json.loads(_DATA.read_text(encoding="utf-8")) if isinstance(c, dict)]


def _web(url: str | None) -> bool:
    return url is not None and url.startswith(("http:", "https:"))


def _ours(case: dict) -> tuple[str, str | None] | None:
    if case["base"] is None:
        try:
            return normalise(case["input"], strip_params=False)
        except InvalidURL:
            return None
    return resolve(case["base"], case["input"], strip_params=False)


_HTTP = [c for c in _CASES if not c.get("failure") and _web(c["href"])]
_FAILURES = [c for c in _CASES if c.get("failure") and (c["base"] is None or _web(c["base"]))]


def test_the_data_is_there():
    assert len(_HTTP) > 200 and len(_FAILURES) > 200


@pytest.mark.parametrize("case", _HTTP, ids=lambda c: repr(c["input"])[:60])
def test_http_result_is_the_browsers(case):
    url, _, fragment = case["href"].partition("#")
    assert _ours(case) == (url, fragment or None)


@pytest.mark.parametrize("case", _FAILURES, ids=lambda c: repr(c["input"])[:60])
def test_failure_resolves_to_nothing(case):
    assert _ours(case) is None
