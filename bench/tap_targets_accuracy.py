"""TP404 precision and recall on the labelled pages in ``tests/data/mobile/taps``.

Each page is one we wrote in the shape of a real mobile layout (social icons in a footer, a
collapsed phone menu, links to one page written two ways, a sticky header, pagination, form
controls, links in running text, breadcrumbs, clickable spans, carousel dots, a tag cloud,
a card with a button inside), labelled with the tap targets a visitor would find crowded
(by their ``aria-label``). ``labels.csv`` splits them into a ``tune`` and a ``holdout``
part. Each page is laid out in Chromium at 360 × 640 CSS px and measured with the
renderer's script; the failing targets are TP404's (48 px, 25 %).

    .venv/bin/python bench/tap_targets_accuracy.py [--before REV] [--verbose]

``--before REV`` also scores the measuring script and check of git revision ``REV`` (e.g.
``a75cb46``, the code before issue 19), loaded from git without checking it out.

Precision: crowded targets among the targets reported; recall: reported among the crowded.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data" / "mobile" / "taps"


def labelled() -> list[dict[str, str]]:
    with (DATA / "labels.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _module(rev: str, path: str, name: str) -> types.ModuleType:
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{path}"], check=True, capture_output=True,
                            text=True).stdout
    module = types.ModuleType(name)
    sys.modules[name] = module  # dataclasses look their module up
    exec(compile(source, f"{rev}:{path}", "exec"), module.__dict__)  # our own code, from git
    return module


def judge_with(measure: Any, check: Any, typed: bool) -> Callable[[Any], set[str]]:
    def judge(page: Any) -> set[str]:
        data = measure.sanitize(page.evaluate(measure.MEASURE_JS, measure.measure_options()))
        targets = data["tap_targets"]
        if typed:  # the checks read the stored artifact's type
            from auditor.artifacts.render import RenderedPage

            targets = RenderedPage.from_json({"profiles": {"small": data}}).profiles["small"].tap_targets
        return {t["text"] for t in check.cramped_targets(targets, 48, 0.25)}
    return judge


def score(page: Any, judge: Callable[[Any], set[str]], verbose: bool) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for row in labelled():
        want = {x for x in row["crowded"].split(";") if x}
        page.set_content((DATA / row["file"]).read_text("utf-8"))
        got = judge(page)
        s = out.setdefault(row["part"], {"reported": 0, "crowded": 0, "right": 0})
        s["reported"] += len(got)
        s["crowded"] += len(want)
        s["right"] += len(got & want)
        if verbose and got != want:
            print(f"  {row['file']}: missed {sorted(want - got)}, false {sorted(got - want)}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", metavar="REV")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from auditor.collect.render import measure
    from auditor.collect.render.browser import find_browser
    from checks import mobile

    judges = {"now": judge_with(measure, mobile, typed=True)}
    if args.before:
        judges[f"at {args.before}"] = judge_with(
            _module(args.before, "auditor/collect/render/measure.py", "old_measure"),
            _module(args.before, "checks/mobile.py", "old_mobile"), typed=False)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_browser(), args=["--no-sandbox"])
        page = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True,
                                   device_scale_factor=2).new_page()
        page.route("**/*", lambda route: route.abort())
        for name, judge in judges.items():
            print(name)
            for part, s in score(page, judge, args.verbose).items():
                precision = s["right"] / s["reported"] if s["reported"] else 1.0
                recall = s["right"] / s["crowded"] if s["crowded"] else 1.0
                print(f"  {part}: {s['right']} right of {s['reported']} reported, {s['crowded']} crowded: "
                      f"precision {precision:.1%}, recall {recall:.1%}")
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
