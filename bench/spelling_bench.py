"""Spelling benchmark: words per second checked on a multi-page Dutch site, with
LanguageTool and with the Hunspell fallback, and what template de-duplication and the
cache save on a second run.

    .venv/bin/python bench/spelling_bench.py                  # 300 pages, both engines
    .venv/bin/python bench/spelling_bench.py --pages 50 --engines hunspell
    .venv/bin/python bench/spelling_bench.py --pages 60 --engines languagetool --workers 1,2,4 --before a75cb46

The site is generated (seeded, deterministic): every page carries the demo site's header,
menu and footer (the template), and six paragraphs of three sentences drawn from the demo
site's own Dutch text, so each paragraph is new text in real Dutch. Pages are built in
memory and fed to the collector's pipeline (``TextChecker``) directly: this measures
checking, not crawling. LanguageTool runs from the Maven cache (scripts/setup-languagetool.sh),
started here; its start-up and the loading of the Dutch rules are reported apart.

Figures: ``words/s`` = words on the pages (every occurrence, template included) per second
of checking; ``sent`` = words the engine actually received. Results go to
``bench/results/spelling-<time>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.collect.language.cache import MatchCache  # noqa: E402
from auditor.collect.language.collector import LanguageSettings  # noqa: E402
from auditor.collect.language.engines import Engine, HunspellEngine, LanguageToolEngine, Lexicon  # noqa: E402
from auditor.collect.language.pipeline import TextChecker  # noqa: E402
from auditor.collect.language.server import LocalServer, find_jars, jar_version  # noqa: E402
from auditor.collect.language.text import page_blocks  # noqa: E402
from auditor.page import Page  # noqa: E402
from auditor.testing import make_page  # noqa: E402

DEMO = ROOT / "examples" / "demo-site"
DEFAULT_WORKERS = LanguageSettings().workers
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def dutch_sentences() -> list[str]:
    """Distinct sentences of the demo site's main content (not its template)."""
    seen: dict[str, None] = {}
    for path in sorted(DEMO.rglob("*.html")):
        if "intern" in path.parts:
            continue
        for block in page_blocks(make_page("https://demo.test/", path.read_bytes())):
            if block.element.startswith("main") and block.where == "text":
                for sentence in _SENTENCE.split(block.text):
                    if len(sentence.split()) >= 5:
                        seen.setdefault(sentence, None)
    return list(seen)


def template() -> tuple[str, str]:
    html = (DEMO / "index.html").read_text("utf-8")
    header = re.search(r"<header.*?</header>", html, re.S)
    footer = re.search(r"<footer.*?</footer>", html, re.S)
    return (header.group(0) if header else ""), (footer.group(0) if footer else "")


def site(pages: int, seed: int = 7) -> list[Page]:
    rng = random.Random(seed)
    sentences = dutch_sentences()
    header, footer = template()
    out = []
    for i in range(pages):
        paragraphs = "".join(f"<p>{' '.join(rng.sample(sentences, 3))}</p>" for _ in range(6))
        html = (f'<html lang="nl"><head><title>Pagina {i} | Groenhuis</title></head><body>{header}'
                f"<main><h1>Onderwerp {i}</h1>{paragraphs}</main>{footer}</body></html>")
        out.append(make_page(f"https://bench.test/p{i}.html", html))
    return out


def run(engine: Engine, pages: list[Page], cache_file: Path) -> dict[str, Any]:
    checker = TextChecker(engine, MatchCache(cache_file), lexicon=getattr(engine, "lexicon", None))
    started = time.perf_counter()
    for page in pages:
        checker.add_page(page)
    result = checker.finish()
    seconds = time.perf_counter() - started
    stats = result["stats"]
    return {"seconds": round(seconds, 2), "words": stats["words"], "words_unique": stats["words_unique"],
            "words_sent": stats.get("words_sent", 0), "words_cached": stats.get("words_cached", 0),
            "words_per_s": round(stats["words"] / seconds), "issues": len(result["issues"])}


def measure(name: str, make_engine: Any, pages: list[Page], workdir: Path) -> dict[str, Any]:
    cache_file = workdir / f"{name}.sqlite"
    engine, setup = make_engine()
    try:
        first = run(engine, pages, cache_file)
        second = run(engine, pages, cache_file)
    finally:
        engine.close()
    dedupe = 1 - first["words_unique"] / first["words"]
    sent_rate = first["words_sent"] / first["seconds"] if first["seconds"] else 0
    return {"engine": name, **setup, "first_run": first, "second_run": second,
            "dedupe_saves_words": round(dedupe, 3),
            "dedupe_saves_seconds_est": round((first["words"] - first["words_unique"]) / sent_rate, 1)
            if sent_rate else None,
            "cache_speedup": round(first["seconds"] / max(second["seconds"], 1e-3), 1)}


def languagetool(url: str, version: str, workers: int) -> Any:
    """An engine on the bench's one server, sending ``workers`` requests at a time."""
    def make() -> tuple[Engine, dict[str, Any]]:
        engine = LanguageToolEngine(url, version, workers=workers)
        t0 = time.perf_counter()
        engine.check_many("nl", ["Dit is een korte zin om de Nederlandse regels te laden."])
        return engine, {"workers": workers, "rules_load_s": round(time.perf_counter() - t0, 2)}
    return make


def start_server(workdir: Path) -> tuple[LocalServer, str, str, float]:
    jars = find_jars()
    if jars is None:
        raise SystemExit("LanguageTool is not set up: run scripts/setup-languagetool.sh")
    server = LocalServer(jars, log_path=workdir / "languagetool.log")
    t0 = time.perf_counter()
    url = server.start()
    return server, url, jar_version(jars), round(time.perf_counter() - t0, 2)


def before(rev: str, pages: int, workdir: Path) -> dict[str, Any]:
    """The same benchmark with the code of ``rev`` (git), run now: a same-run comparison."""
    tree = workdir / f"before-{rev}"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    cache = ROOT / ".cache"
    if cache.exists():
        (tree / ".cache").symlink_to(cache.resolve())
    subprocess.run([sys.executable, str(tree / "bench" / "spelling_bench.py"), "--pages", str(pages),
                    "--engines", "languagetool"], cwd=tree, check=True, capture_output=True)
    [result] = sorted((tree / "bench" / "results").glob("spelling-*.json"))[-1:]
    found = json.loads(result.read_text("utf-8"))["results"][0]
    return {"rev": rev, **found}


def hunspell() -> tuple[Engine, dict[str, Any]]:
    t0 = time.perf_counter()
    lexicon = Lexicon.load(["nl", "nl-BE", "en-US", "en-GB"])
    return HunspellEngine(lexicon), {"dictionaries_load_s": round(time.perf_counter() - t0, 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--engines", default="languagetool,hunspell")
    parser.add_argument("--workers", default="", help="LanguageTool: concurrent requests to compare, e.g. 1,2,4 "
                                                      "(default: the collector's default)")
    parser.add_argument("--before", default="", help="also run this git revision's benchmark now (same-run ratio)")
    args = parser.parse_args()
    pages = site(args.pages)
    results = []
    report: dict[str, Any] = {"pages": args.pages}
    with tempfile.TemporaryDirectory(prefix="spelling-bench-") as tmp:
        workdir = Path(tmp)
        if args.before:
            report["before"] = before(args.before, args.pages, workdir)
        for name in args.engines.split(","):
            if name == "languagetool":
                server, url, version, started = start_server(workdir)
                try:
                    for workers in [int(w) for w in args.workers.split(",") if w] or [DEFAULT_WORKERS]:
                        found = measure(f"languagetool-{workers}w", languagetool(url, version, workers), pages,
                                        workdir)
                        results.append({**found, "server_start_s": started})
                finally:
                    server.stop()
            else:
                results.append(measure(name, hunspell, pages, workdir))
    print(f"{args.pages} Dutch pages")
    print(f"{'engine':<17}{'words':>8}{'unique':>8}{'1st s':>8}{'words/s':>9}{'2nd s':>8}{'sent 2nd':>9}"
          f"{'dedupe':>8}{'cache x':>8}")
    rows = ([{**report["before"], "engine": f"before {args.before[:10]}"}] if args.before else []) + results
    for r in rows:
        a, b = r["first_run"], r["second_run"]
        print(f"{r['engine']:<17}{a['words']:>8}{a['words_unique']:>8}{a['seconds']:>8}{a['words_per_s']:>9}"
              f"{b['seconds']:>8}{b['words_sent']:>9}{r['dedupe_saves_words']:>8.0%}{r['cache_speedup']:>8}")
    if args.before:
        now = next((r for r in results if r["engine"] == f"languagetool-{DEFAULT_WORKERS}w"), None)
        if now:
            old = report["before"]
            ratio = now["first_run"]["words_per_s"] / max(old["first_run"]["words_per_s"], 1)
            # The language phase of an audit: before, the server started in it; now it starts with the crawl.
            phase_old = old["first_run"]["seconds"] + old.get("server_start_s", 0) + old.get("rules_load_s", 0)
            phase_now = now["first_run"]["seconds"] + now.get("rules_load_s", 0)
            report["ratio"] = {"checking_words_per_s": round(ratio, 2),
                               "language_phase_words_per_s": round(phase_old / max(phase_now, 1e-3), 2)}
            print(f"same run: checking {ratio:.2f}x the words/s of {args.before}; language phase (server started "
                  f"with the crawl) {report['ratio']['language_phase_words_per_s']:.2f}x")
    report["results"] = results
    out = ROOT / "bench" / "results" / f"spelling-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2), "utf-8")
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
