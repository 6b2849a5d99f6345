"""The mobile checks on hand-made artifacts (YAML cases and geometry), no browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.artifacts.render import TapTarget
from auditor.errors import ConfigError
from auditor.testing import load_cases, make_page, run_check
from checks.mobile import (
    HorizontalOverflow,
    MissingViewport,
    SmallTapTargets,
    SmallText,
    cramped_targets,
    parse_viewport,
    viewport_problem,
)

CHECKS = {c.code: c for c in (MissingViewport, HorizontalOverflow, SmallText, SmallTapTargets)}
CASES = sorted((Path(__file__).parent / "cases").glob("TP4*.yaml"))
ALL = [(case, path.stem) for path in CASES for case in load_cases(path)]


@pytest.mark.parametrize(("case", "code"), ALL, ids=[f"{code}: {c.name}" for c, code in ALL])
def test_case(case, code):
    case.verify(CHECKS[code])


def test_every_mobile_check_has_cases():
    assert set(CHECKS) == {p.stem for p in CASES}


@pytest.mark.parametrize(("content", "kind"), [
    (None, "missing"), ("width=device-width, initial-scale=1", None), ("width=device-width", None),
    ("width=1200", "fixed-width"), ("width=980px", "fixed-width"), ("initial-scale=1", None),
    ("initial-scale=0.5", "initial-scale"),
    ("user-scalable=no", "no-device-width"),
    ("width=device-width, initial-scale=0.5", "initial-scale"),
    ("width=device-width, initial-scale=2", "initial-scale"),
    ("width=device-width, initial-scale=abc", "initial-scale"), ("", "no-device-width"),
])
def test_viewport_problem(content, kind):
    problem = viewport_problem(content)
    assert (problem[0] if problem else None) == kind


def test_parse_viewport_tolerates_spaces_semicolons_and_case():
    assert parse_viewport(" Width = Device-Width ; initial-scale=1.0,user-scalable=no") == {
        "width": "device-width", "initial-scale": "1.0", "user-scalable": "no"}


def test_demo_team_icons_all_fail():
    """Six members with a mail and a phone icon of 16 px, 2 px apart (the demo site's team page)."""
    targets = []
    for member in range(6):
        y = 100 + member * 200
        targets.append(TapTarget(selector="a.mail", text="", href=f"mailto:{member}@ex.nl", rect=(20, y, 16, 16)))
        targets.append(TapTarget(selector="a.tel", text="", href=f"tel:+3130{member}", rect=(38, y, 16, 16)))
    failing = cramped_targets(targets, 48, 0.25)
    assert len(failing) == 12
    assert {f["neighbour"] for f in failing} == {"a.mail", "a.tel"}


def test_finger_zone_and_overlap_share():
    """A 16 px target's 48 px zone reaches 16 px beyond it; a neighbour fails it when more than a
    quarter of the 16×16 px the target covers in the zone (64 px²) lies over the neighbour: 11 px
    away it covers 5×16 = 80 px², 13 px away 3×16 = 48 px²."""
    def pair(gap):
        return [TapTarget(selector="a.x", text="", href="/x", rect=(100, 100, 16, 16)),
                TapTarget(selector="a.y", text="", href="/y", rect=(116 + gap, 100, 16, 16))]
    assert len(cramped_targets(pair(11), 48, 0.25)) == 2
    assert cramped_targets(pair(13), 48, 0.25) == []


def test_messages_name_the_offenders_and_sizes():
    render = {"https://ex.nl/": {"template": "t", "template_pages": 12, "template_rendered": 2, "profiles": {
        "small": {"status": "ok", "width": 360, "layout_width": 360, "document_width": 1220,
                  "overflow": [{"selector": "main > table.tabel", "tag": "table", "kind": "box", "left": 20,
                                "width": 1200, "right": 1220, "text": ""}]}}}}
    [finding] = run_check(HorizontalOverflow, [make_page("https://ex.nl/", "<p>x</p>")],
                          page_artifacts={"render": render}).findings
    assert "1220 px wide" in finding.message and "main > table.tabel (1200 px wide)" in finding.message
    assert "This page stands for 5 more pages with the same layout, which were not rendered" in finding.message
    assert finding.locations[0].element == "table"


def test_options_are_validated():
    with pytest.raises(ConfigError):
        SmallText({"min_font_px": 40})
    with pytest.raises(ConfigError):
        SmallTapTargets({"overlap_share": 2})
    with pytest.raises(ConfigError):
        HorizontalOverflow({"tolerance": 3})


def _icons(y: int, prefix: str = "footer a") -> list[dict]:
    return [{"selector": f"{prefix}.i{n}", "text": f"i{n}", "href": f"https://social{n}.example/", "rect": [10 + 24 * n,
             y, 20, 20]} for n in range(3)]


def test_the_same_crowded_targets_on_many_templates_are_one_finding_with_their_pages():
    ok = {"status": "ok", "width": 360, "layout_width": 360, "document_width": 360}
    render = {
        "https://ex.nl/": {"template": "home", "template_pages": 1, "profiles": {
            "small": {**ok, "tap_targets": _icons(900)}}},
        "https://ex.nl/nieuws/": {"template": "list", "template_pages": 1, "profiles": {
            "small": {**ok, "tap_targets": _icons(900) + _icons(300, "main a")}}},
    }
    pages = [make_page(url, "<p>x</p>") for url in render]
    findings = run_check(SmallTapTargets, pages, page_artifacts={"render": render}).findings
    by_pages = sorted(sorted({loc.url for loc in f.locations}) for f in findings)
    assert by_pages == [["https://ex.nl/", "https://ex.nl/nieuws/"], ["https://ex.nl/nieuws/"]]
    assert all(f.evidence["count"] == 3 for f in findings)
