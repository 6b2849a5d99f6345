"""A site that cannot be audited is a recorded night, not a silent one: every way of being
down (DNS, refused, a 5xx start page, robots.txt allowing nothing) ends as status
``unreachable`` with the reason in words, and the night after it is up again says so.
Local servers only; the DNS case uses ``.invalid``, a name that never resolves (RFC 6761)."""

from __future__ import annotations

import shutil

import pytest
from aiohttp import web

from auditor.devserver import serve, serve_app
from auditor.history import History
from auditor.nightly.client import run_client
from auditor.nightly.outcome import RunOptions
from auditor.nightly.portfolio import load_portfolio
from auditor.notify.notices import reason_text
from tests.conftest import SITES
from tests.nightly.conftest import write_portfolio
from tests.postgres import free_port


def _server_error() -> web.Application:
    async def answer(request: web.Request) -> web.Response:
        if request.path == "/robots.txt":
            return web.Response(text="User-agent: *\nAllow: /\n")
        return web.Response(status=503, text="<p>maintenance</p>", content_type="text/html")
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    return app


def _outcome(tmp_path, target):
    portfolio = load_portfolio(write_portfolio(tmp_path, f'[clients.down]\ntarget = "{target}"\n'))
    options = RunOptions(history_url=f"sqlite:///{tmp_path / 'history.db'}")
    return run_client(portfolio, portfolio.clients["down"], options)


@pytest.mark.parametrize("how", ["refused", "dns", "http-503", "robots"])
def test_every_way_of_being_down_is_a_recorded_unreachable_night(tmp_path, how):
    if how == "refused":
        outcome = _outcome(tmp_path, f"http://127.0.0.1:{free_port()}/")
    elif how == "dns":
        outcome = _outcome(tmp_path, "http://shop.invalid/")
    elif how == "http-503":
        with serve_app(_server_error()) as url:
            outcome = _outcome(tmp_path, url)
    else:
        site = tmp_path / "site"
        shutil.copytree(SITES / "nightly-shop", site)
        (site / "robots.txt").write_text("User-agent: *\nDisallow: /\n", "utf-8")
        with serve(site) as served:
            outcome = _outcome(tmp_path, served.base_url)
    expected = {"refused": "refused", "dns": "dns", "http-503": "http-503", "robots": "robots"}[how]
    assert outcome.status == "unreachable", outcome
    assert outcome.message.endswith(reason_text(expected, "en"))
    assert "Errno" not in outcome.message and "ssl:default" not in outcome.message
    with History(f"sqlite:///{tmp_path / 'history.db'}") as history:
        [row] = history.runs("down")
    assert (row["status"], row["reason"], row["run_dir"]) == ("unreachable", expected, None)
    assert not any((tmp_path / "data" / "runs" / "down").glob("2*"))  # no half run folder left behind


def test_reasons_are_words_in_both_languages():
    assert reason_text("dns", "nl") == "de domeinnaam bestaat niet"
    assert reason_text("dns-failed", "en") == reason_text("dns", "en")
    assert reason_text("http-502", "nl") == "de startpagina gaf een serverfout (HTTP 502)"
    assert reason_text("something-new", "en") == "the server could not be reached"
