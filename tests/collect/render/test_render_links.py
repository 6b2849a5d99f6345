"""Link discovery from the rendered DOM (``[crawl] render_links``): a club site whose menu is
written by a script (``tests/sites/links-script-menu``), crawled through the CLI with real
Chromium. Without the rendered DOM the crawler sees only the start page."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from auditor.collect.render.discover import clearly_more, discover
from auditor.devserver import FixtureSite, serve
from tests.conftest import SITES

pytestmark = pytest.mark.slow

MENU = {"/leden.html", "/teams.html", "/agenda.html"}  # contact.html is disallowed by robots.txt


@pytest.fixture(scope="module")
def site() -> Iterator[FixtureSite]:
    with serve(SITES / "links-script-menu") as served:
        yield served


def _pages(out, base: str) -> set[str]:
    db = sqlite3.connect(out / "run.sqlite")
    try:
        return {row[0].removeprefix(base.rstrip("/")) for row in db.execute("select url from pages")}
    finally:
        db.close()


def _audit(run_audit, site, tmp_path, mode: str | None, checks: str):
    args = ["audit", site.base_url, "--checks", checks, "--quiet"]
    if mode is not None:
        config = tmp_path / f"{mode}.toml"
        config.write_text(f'[crawl]\nrender_links = "{mode}"\n[collectors.render]\nper_template = 1\n', "utf-8")
        args += ["--config", str(config)]
    result = run_audit(*args, out=tmp_path / f"out-{mode}-{checks}")
    assert result.exit_code in (0, 1), result.stderr
    return result


def _note(result) -> list[str]:
    return [n for n in result.doc["notes"] if n.startswith("menus built by scripts")]


def test_never_keeps_the_html_only_crawl(run_audit, site, tmp_path):
    result = _audit(run_audit, site, tmp_path, "never", "links")
    assert _pages(result.out, site.base_url) == {"/"}
    assert not _note(result)


def test_auto_renders_the_start_page_when_its_html_has_no_menu(run_audit, site, tmp_path):
    # No enabled check needs the renderer: the start page alone is rendered, for its links.
    result = _audit(run_audit, site, tmp_path, None, "links")
    pages = _pages(result.out, site.base_url)
    assert MENU | {"/"} == pages  # robots.txt still applies to what the DOM adds
    assert site.base_url + "programma-oud.html" in result.by_code("TP101")  # the new pages are judged
    assert _note(result) == ["menus built by scripts: 3 pages were found only through the rendered DOM of 1 "
                             'pages, whose HTML lacks those links (render_links = "auto")']


def test_auto_uses_the_renderers_own_pages_when_mobile_checks_run(run_audit, site, tmp_path):
    result = _audit(run_audit, site, tmp_path, "auto", "links,TP402")
    assert MENU | {"/"} == _pages(result.out, site.base_url)
    assert _note(result)


# -- the rule, without a browser --------------------------------------------------------

def test_clearly_more_needs_three_more_and_half_again():
    assert clearly_more(4, 0) and clearly_more(3, 0) and clearly_more(15, 10)
    assert not clearly_more(2, 0)  # a script adding a "back to top" and a logo link is not a menu
    assert not clearly_more(14, 10)  # 1.4x
    assert not clearly_more(12, 9)  # 3 more, but 1.33x


def _html(links: dict[str, set[str]]):
    return lambda url: links.get(url, set())


def _internal(href: str) -> str | None:
    return href if href.startswith("https://club.test/") else None


def test_discover_follows_only_pages_with_clearly_more_links_in_auto():
    rendered = [("https://club.test/", ["https://club.test/a", "https://club.test/b", "https://club.test/c",
                                        "https://elders.test/x"]),
                ("https://club.test/d", ["https://club.test/a", "https://club.test/e"])]
    html = {"https://club.test/d": {"https://club.test/a"}}
    auto = discover(rendered, _html(html), _internal, "auto")
    assert auto.pages == ["https://club.test/"]
    assert set(auto.found) == {"https://club.test/a", "https://club.test/b", "https://club.test/c"}
    always = discover(rendered, _html(html), _internal, "always")
    assert set(always.found) == {"https://club.test/a", "https://club.test/b", "https://club.test/c",
                                 "https://club.test/e"}
    assert not discover(rendered, _html(html), _internal, "never").found
