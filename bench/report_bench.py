"""Benchmark of the HTML report: 10,000 findings over 5,000 pages (the issue's target:
rendered in under 10 s, and usable in the browser).

    .venv/bin/python bench/report_bench.py [--findings 10000] [--pages 5000] [--browser] [--pdf]

The run is synthetic and seeded (same parameters, same run): findings of every built-in
family with the evidence their checks write (status codes, redirect chains, misspelt
words in their sentences, ads beside their landing pages, form fields, tables of
offenders), 1 to 6 locations each and some site-wide ones with 200; a touchpoint for
every page, plus forms and contact channels. Measured, median of ``--repeat`` runs:

* ``build_view`` and ``render`` seconds (HTML, then the PDF edition's HTML), and the size;
* with ``--browser``, in headless Chromium: time to the load event with the script done,
  and how long applying a filter, a search and "show more" take in the page;
* with ``--pdf``: seconds to print the PDF and its page count.

Results are printed and written to ``bench/results/report-<UTC time>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.model import AuditRun, CheckResult, Finding, Location  # noqa: E402
from auditor.report.html import installed_checks, render_view  # noqa: E402
from auditor.report.view import build_view  # noqa: E402
from auditor.touchpoint_pages import DetailedTouchpoint  # noqa: E402

SITE = "https://www.voorbeeld.nl"
CODES = [("TP101", "links", "error"), ("TP102", "links", "warning"), ("TP103", "links", "warning"),
         ("TP105", "links", "warning"), ("TP106", "links", "error"), ("TP107", "links", "info"),
         ("TP202", "freshness", "warning"), ("TP301", "spelling", "warning"), ("TP302", "spelling", "warning"),
         ("TP402", "mobile", "warning"), ("TP404", "mobile", "warning"), ("TP501", "ads", "warning"),
         ("TP603", "profiles", "warning"), ("TP701", "forms", "warning")]
SECTIONS = ["diensten", "producten", "nieuws", "over-ons", "kennisbank", "vacatures", "projecten", "blog"]


def _page(rng: random.Random, pages: int) -> str:
    i = rng.randrange(pages)
    return f"{SITE}/{SECTIONS[i % len(SECTIONS)]}/pagina-{i}.html"


def _evidence(code: str, rng: random.Random, i: int, target: str) -> dict:
    if code in ("TP101", "TP102", "TP106", "TP107"):
        return {"status": rng.choice([404, 410, 500, 403]), "reason": "HTTP 404 Not Found", "pages": rng.randint(1, 6)}
    if code == "TP103":
        hops = [{"url": f"{target}?h={k}", "status": 301, "location": f"{target}?h={k + 1}"} for k in range(3)]
        return {"status": 200, "redirects": hops, "final_url": f"{target}?h=3", "hops": [h["url"] for h in hops]}
    if code == "TP105":
        return {"fragment": f"anker-{i}", "ids_on_page": 12, "similar_ids": [f"anker{i}"]}
    if code in ("TP301", "TP302"):
        word = f"woordd{i}"
        return {"word": word, "sentence": f"Dit is een zin met het {word} erin, en nog wat tekst erachter.",
                "suggestions": [f"woord{i}"], "language": "nl", "page_count": rng.randint(1, 4)}
    if code == "TP202":
        return {"year": 2019, "notice": "© 2019 Voorbeeld B.V.", "current_year": 2026}
    if code in ("TP402", "TP404"):
        return {"screen_width": 375, "document_width": 1220, "count": 6, "min_size_px": 48,
                "targets": [{"selector": f"a.icon-{k}", "text": "", "rect": [10 * k, 40, 16, 16]} for k in range(8)]}
    if code == "TP501":
        return {"ad_id": f"AD-{i}", "ad": "Zonnepanelen 20% korting | Vraag nu aan",
                "landing_page": "title: Vacatures · heading: Werken bij · text: " + "lorem ipsum " * 20,
                "ad_url": f"{SITE}/vacatures.html?utm_source=google"}
    if code == "TP603":
        return {"field": "telephone", "on_profile": "+31 30 000 0000", "on_site": "+31 30 123 4567"}
    return {"form": f"Brochure {i}", "purpose": "brochure", "form_key": f"k{i}", "required_count": 9,
            "max_required": 5, "required_fields": [{"label": f"Veld {k}", "kind": None, "required": True}
                                                   for k in range(9)], "unneeded_fields": []}


def synthetic_run(n_findings: int, n_pages: int, seed: int = 7) -> AuditRun:
    """A deterministic run shaped like a big real audit (see the module docstring)."""
    rng = random.Random(seed)
    findings = []
    for i in range(n_findings):
        code, _family, severity = CODES[i % len(CODES)]
        target = f"{SITE}/ontbreekt/{i}.html"
        many = i % 500 == 0  # a few site-wide problems (a footer typo)
        pages = sorted({_page(rng, n_pages) for _ in range(200 if many else rng.randint(1, 6))})
        findings.append(Finding(
            code=code, name=code.lower(), severity=severity, url=pages[0], target=target,
            message=f"Problem {i} of code {code} on {pages[0]}.", evidence=_evidence(code, rng, i, target),
            locations=tuple(Location(p, f"link tekst {i}", "a") for p in pages), occurrences=len(pages),
            fingerprint=f"{i:08x}"))
    touchpoints = [DetailedTouchpoint("web_page", f"{SITE}/{SECTIONS[i % len(SECTIONS)]}/pagina-{i}.html",
                                      f"Pagina {i} | Voorbeeld", "", {"section": SECTIONS[i % len(SECTIONS)],
                                                                    "language": "nl"}) for i in range(n_pages)]
    touchpoints += [DetailedTouchpoint("contact_channel", f"mailto:info{i}@voorbeeld.nl", f"info{i}@voorbeeld.nl",
                                       SITE + "/", {"channel": "email", "pages": 3}) for i in range(20)]
    checks = tuple(CheckResult(code, code.lower(), "failed", None, family) for code, family, _ in CODES)
    return AuditRun(target=SITE + "/", started_at="2026-11-22T10:00:00+00:00", finished_at="2026-11-22T10:30:00+00:00",
                    pages_crawled=n_pages, touchpoints=tuple(touchpoints), checks=checks, findings=tuple(findings),
                    config={"report": {"language": "nl"}}, tool_version="bench")


def _timed(fn):
    """(wall seconds, CPU seconds of this process, value): on a shared machine the CPU time
    says what the work costs, the wall time what a user waits."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def measure_render(run: AuditRun, repeat: int) -> tuple[dict, str]:
    checks = installed_checks()
    figures: dict[str, list[float]] = {}
    html = ""

    def note(name: str, wall: float, cpu: float) -> None:
        figures.setdefault(f"{name}_s", []).append(wall)
        figures.setdefault(f"{name}_cpu_s", []).append(cpu)

    for _ in range(repeat):
        wall, cpu, view = _timed(lambda: build_view(run, checks))
        note("build_view", wall, cpu)
        wall, cpu, html = _timed(lambda view=view: render_view(view))
        note("render", wall, cpu)
        wall, cpu, _ = _timed(lambda: render_view(build_view(run, checks, pdf=True)))
        note("pdf_edition_html", wall, cpu)
    out = {name: round(statistics.median(values), 3) for name, values in figures.items()}
    out["total_s"] = round(out["build_view_s"] + out["render_s"], 3)
    out["total_cpu_s"] = round(out["build_view_cpu_s"] + out["render_cpu_s"], 3)
    out["html_mb"] = round(len(html.encode("utf-8")) / 1e6, 2)
    return out, html


def measure_browser(path: Path) -> dict:
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        start = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load", timeout=120_000)
        page.locator("#filter-status").wait_for()
        loaded = time.perf_counter() - start
        timings = page.evaluate("""() => {
            const time = (fn) => { const t = performance.now(); fn(); return performance.now() - t; };
            const fire = (el, type) => el.dispatchEvent(new Event(type, {bubbles: true}));
            const family = document.getElementById('filter-family');
            const search = document.getElementById('filter-search');
            const out = {};
            out.filter_ms = time(() => { family.value = 'links'; fire(family, 'change'); });
            out.filter_reset_ms = time(() => { family.value = ''; fire(family, 'change'); });
            search.value = 'woordd1';
            out.search_ms = time(() => document.getElementById('filters').dispatchEvent(new Event('submit')));
            search.value = '';
            document.getElementById('filters').dispatchEvent(new Event('submit'));
            out.show_more_ms = time(() => document.querySelector('button.more:not([hidden])').click());
            out.visible = document.querySelectorAll('details.finding:not([hidden])').length;
            out.dom_nodes = document.getElementsByTagName('*').length;
            return out;
        }""")
        browser.close()
    return {"load_s": round(loaded, 2), **{k: round(v, 1) if isinstance(v, float) else v for k, v in timings.items()}}


def measure_pdf(run: AuditRun, folder: Path) -> dict:
    from pypdf import PdfReader

    from auditor.report.pdf import PdfReporter

    seconds, _cpu, path = _timed(lambda: PdfReporter().write(run, folder))
    return {"pdf_s": round(seconds, 2), "pdf_pages": len(PdfReader(str(path)).pages),
            "pdf_mb": round(path.stat().st_size / 1e6, 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--browser", action="store_true", help="also measure the report in headless Chromium")
    parser.add_argument("--pdf", action="store_true", help="also print the PDF")
    options = parser.parse_args()
    run = synthetic_run(options.findings, options.pages)
    result: dict = {"findings": options.findings, "pages": options.pages, "repeat": options.repeat}
    figures, html = measure_render(run, options.repeat)
    result.update(figures)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.html"
        path.write_text(html, "utf-8")
        if options.browser:
            result["browser"] = measure_browser(path)
        if options.pdf:
            result["pdf"] = measure_pdf(run, Path(tmp))
    result["load_average"] = [round(x, 1) for x in os.getloadavg()]
    result["cpus"] = os.cpu_count()
    result["target_met"] = result["total_s"] < 10
    print(json.dumps(result, indent=2))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = ROOT / "bench" / "results" / f"report-{stamp}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(f"written: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
