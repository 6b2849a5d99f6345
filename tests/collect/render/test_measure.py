"""What the renderer measures, in real Chromium on fixture pages (``tests/data/mobile``): tap
targets as Lighthouse 11's gatherer found them, and hidden content left out of TP403/TP404.
Each page is laid out in a 360 px phone tab and measured with the renderer's own script."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from auditor.artifacts.render import RenderedPage, TapTarget
from auditor.collect.render.browser import find_browser
from auditor.collect.render.measure import MEASURE_JS, measure_options, sanitize
from checks.mobile import cramped_targets

pytestmark = pytest.mark.slow
DATA = Path(__file__).parents[2] / "data" / "mobile"


@pytest.fixture(scope="module")
def phone() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_browser(), args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True,
                                      device_scale_factor=2)
        page = context.new_page()
        page.route("**/*", lambda route: route.abort())  # nothing leaves the machine
        yield page
        browser.close()


def _typed(data: dict) -> tuple[TapTarget, ...]:
    """The measured tap targets as the checks read them (the stored artifact's type)."""
    return RenderedPage.from_json({"profiles": {"small": data}}).profiles["small"].tap_targets


def measure(phone: Any, name: str) -> dict[str, Any]:
    phone.set_content((DATA / name).read_text("utf-8"))
    return sanitize(phone.evaluate(MEASURE_JS, measure_options()))


def _labels(targets: list[dict[str, Any]]) -> set[str]:
    return {t["text"] for t in targets}


def test_targets_are_what_lighthouse_counted_plus_clickables(phone):
    labels = _labels(measure(phone, "lighthouse-targets.html")["tap_targets"])
    assert {"Zonder href", "Rol", "Onclick", "Tabindex", "Label", "Veld"} <= labels


def test_sticky_and_fixed_targets_are_left_out(phone):
    labels = _labels(measure(phone, "lighthouse-targets.html")["tap_targets"])
    assert not labels & {"Sticky A", "Sticky B"}


def test_hidden_behind_and_clipped_targets_are_not_targets_nor_neighbours(phone):
    data = measure(phone, "lighthouse-targets.html")
    labels = _labels(data["tap_targets"])
    assert not labels & {"Achter", "In box", "In zijbalk"}
    failing = _labels(cramped_targets(_typed(data), 48, 0.25))
    assert not failing & {"Voor", "Naast box"}


def test_links_to_the_same_resolved_address_do_not_crowd_each_other(phone):
    data = measure(phone, "lighthouse-targets.html")
    same = [t for t in data["tap_targets"] if t["text"] in ("Hier", "Ook hier")]
    assert [t["href"] for t in same] == ["https://ex.nl/seo/tips/"] * 2
    assert not _labels(cramped_targets(_typed(data), 48, 0.25)) & {"Hier", "Ook hier"}


def test_a_zero_width_link_is_measured_by_its_visible_child(phone):
    data = measure(phone, "lighthouse-targets.html")
    [zero] = [t for t in data["tap_targets"] if t["text"] == "Nul breed"]
    assert zero["rects"] == [[0, zero["rect"][1], 20, 20]]
    assert {"Nul breed", "Buur"} <= _labels(cramped_targets(_typed(data), 48, 0.25))


def test_a_collapsed_menu_clipped_inert_and_offscreen_content_is_hidden(phone):
    data = measure(phone, "hidden-menu.html")
    assert set(data["text"]["sizes"]) <= {"16", "18", "32"}  # no 9 px text of the hidden parts
    assert [t["text"] for t in data["tap_targets"]] == ["Neem contact op"]


def test_labelled_tap_target_pages(phone):
    """tests/data/mobile/taps: TP404 reports exactly the crowded targets on the tune and the
    held-out pages (bench/tap_targets_accuracy.py gives precision and recall, and the old code's)."""
    import csv

    with (DATA / "taps" / "labels.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["part"] for r in rows} == {"tune", "holdout"}
    for row in rows:
        phone.set_content((DATA / "taps" / row["file"]).read_text("utf-8"))
        data = sanitize(phone.evaluate(MEASURE_JS, measure_options()))
        got = _labels(cramped_targets(_typed(data), 48, 0.25))
        assert got == {x for x in row["crowded"].split(";") if x}, row["file"]
