"""Accuracy of the ads checks (TP501–TP505) on the labelled ad / landing-page pairs.

    .venv/bin/python bench/ads_accuracy.py [tests/data/ads/labelled.yaml] [--json OUT] [-v]

Reads the labelled set (fictional sites and ads with the codes a reviewer expects, Dutch
and English), builds each site's pages with the crawler's own extractor, makes each ad's
landing record the way the landing visitor does (``describe_landing`` on the page, plus
the status and redirect hops the pair describes), runs the five checks as the runner
would, and prints precision and recall per code, the false TP504s on pairs whose offer is
on the page in another number or date format, and every disagreement. No network.

tests/checks/test_ads_labelled.py imports ``evaluate`` and holds the targets.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from auditor.collect.ads.csv_file import Ad  # noqa: E402
from auditor.collect.ads.landing_page import describe_landing  # noqa: E402
from auditor.page import Page  # noqa: E402
from auditor.testing import make_page, run_check  # noqa: E402
from checks.ads import AdLandsOnForm, AdLandsOnHomepage, AdOfferMissing, BrokenAdLanding, OffTopicLandingPage  # noqa: E402

DEFAULT_SET = ROOT / "tests" / "data" / "ads" / "labelled.yaml"
CODES = ("TP501", "TP502", "TP503", "TP504", "TP505")
CHECKS = (OffTopicLandingPage, AdLandsOnHomepage, AdLandsOnForm, AdOfferMissing, BrokenAdLanding)
NOT_FOUND_HTML = "<html><head><title>Niet gevonden</title></head><body><h1>404</h1></body></html>"


def render(site: dict[str, Any], path: str, page: dict[str, Any]) -> str:
    """A page of the site: its template (header, menu of every page, footer) around the content."""
    lang = page.get("lang") or site["lang"]
    menu = "".join(f'<li><a href="{p}">{html.escape(site["pages"][p]["title"].split("|")[0].strip())}</a></li>'
                   for p in site["pages"])
    content = page["main"]
    body = f"<main>{content}</main>" if site.get("main", True) else f'<div id="content">{content}</div>'
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(page["title"])}'
            f'</title><meta property="og:site_name" content="{html.escape(site["brand"])}"></head><body>'
            f'<header><a href="/">{html.escape(site["brand"])}</a><nav><ul>{menu}</ul></nav></header>{body}'
            f'<footer><p>{html.escape(site["footer"])}</p></footer></body></html>')


@dataclass
class Outcome:
    """Per-code counts over the pairs, the disagreements, and the time taken."""

    counts: dict[str, dict[str, int]] = field(default_factory=lambda: {c: {"tp": 0, "fp": 0, "fn": 0} for c in CODES})
    wrong: list[tuple[str, list[str], list[str]]] = field(default_factory=list)
    pairs: int = 0
    format_pairs: int = 0
    format_false_tp504: int = 0
    seconds: float = 0.0

    def precision(self, code: str) -> float:
        c = self.counts[code]
        return c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0

    def recall(self, code: str) -> float:
        c = self.counts[code]
        return c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {"pairs": self.pairs, "seconds": round(self.seconds, 3),
                "format_pairs": self.format_pairs, "format_false_tp504": self.format_false_tp504,
                "codes": {c: {**self.counts[c], "precision": round(self.precision(c), 3),
                              "recall": round(self.recall(c), 3)} for c in CODES},
                "disagreements": [{"id": i, "expected": e, "got": g} for i, e, g in self.wrong]}


def _landing(site: dict[str, Any], pages: dict[str, Page], pair: dict[str, Any], url: str) -> dict[str, Any]:
    """The landing record the visitor would have stored for this pair."""
    base = site["base"]
    record: dict[str, Any] = {"url": url, "final_url": url, "status": 200, "error": None, "error_detail": None,
                              "hops": [], "content_type": "text/html; charset=utf-8", "headers": {},
                              "truncated": False, "fetched_at": "", "is_html": True}
    target_path = pair["url"].split("?")[0]
    if "status" in pair:
        record["status"] = int(pair["status"])
        html_text = NOT_FOUND_HTML
    else:
        if "redirect" in pair:
            final = pair["redirect"] if pair["redirect"].startswith("http") else base + pair["redirect"]
            record["hops"] = [[url, 301, final]]
            record["final_url"] = final
            target_path = pair["redirect"].split("?")[0] if not pair["redirect"].startswith("http") else None
        page = pages.get(base + target_path) if target_path else None
        html_text = page.html if page is not None else "<html><body><main><h1>Partner</h1>" \
                                                       "<p>Welcome to our booking partner.</p></main></body></html>"
    facts = describe_landing(make_page(record["final_url"], html_text).tree)
    record.update(facts)
    record["snippet"] = facts["text"][:500]
    return record


def evaluate(path: Path = DEFAULT_SET) -> Outcome:
    """Run the checks over every labelled pair; count agreements per code."""
    import yaml

    data = yaml.safe_load(Path(path).read_text("utf-8"))
    outcome = Outcome()
    started = time.perf_counter()
    for name, site in data["sites"].items():
        pairs = [p for p in data["pairs"] if p["site"] == name]
        pages = {site["base"] + path: make_page(site["base"] + path, render(site, path, page))
                 for path, page in site["pages"].items()}
        ads, landings = [], {}
        for pair in pairs:
            url = site["base"] + pair["url"]
            ad = Ad(ad_id=pair["id"], headlines=(pair["headline"],), descriptions=(pair["description"],),
                    final_url=url)
            ads.append(ad.to_dict())
            landings[url] = _landing(site, pages, pair, url)
        got: dict[str, set[str]] = {p["id"]: set() for p in pairs}
        for check in CHECKS:
            run = run_check(check, list(pages.values()), artifacts={"ads": ads},
                            page_artifacts={"ad_landing": landings}, start_url=site["base"] + "/")
            for finding in run.findings:
                got[finding.target or ""].add(finding.code)
        for pair in pairs:
            expected, found = set(pair["expect"]), got[pair["id"]]
            outcome.pairs += 1
            for code in CODES:
                if code in expected and code in found:
                    outcome.counts[code]["tp"] += 1
                elif code in found:
                    outcome.counts[code]["fp"] += 1
                elif code in expected:
                    outcome.counts[code]["fn"] += 1
            if "format" in pair.get("tags", []):
                outcome.format_pairs += 1
                outcome.format_false_tp504 += "TP504" in found and "TP504" not in expected
            if expected != found:
                outcome.wrong.append((pair["id"], sorted(expected), sorted(found)))
    outcome.seconds = time.perf_counter() - started
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("labelled", nargs="?", type=Path, default=DEFAULT_SET)
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args(argv)
    out = evaluate(args.labelled)
    print(f"{out.pairs} labelled pairs, judged in {out.seconds:.2f} s\n")
    print("code   precision  recall   tp  fp  fn")
    for code in CODES:
        c = out.counts[code]
        print(f"{code}  {out.precision(code):9.3f}  {out.recall(code):6.3f}  {c['tp']:3d} {c['fp']:3d} {c['fn']:3d}")
    print(f"\nfalse TP504 where the offer is on the page in another format: "
          f"{out.format_false_tp504} of {out.format_pairs} pairs")
    for pair_id, expected, found in out.wrong:
        print(f"  {pair_id}: expected {expected or '[]'}, got {found or '[]'}")
    if args.json:
        args.json.write_text(json.dumps(out.as_dict(), indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
