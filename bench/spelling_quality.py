"""Precision and recall of the spelling checks (TP301 + TP302) on the labelled sites in
``tests/data/spelling``.

Each site is one we wrote in the shape of a real Dutch or Flemish site (a film-news
site, guild federations, children's coding clubs: English and Japanese titles, names,
Flemish words, inline-block labels, ``micro:bit``, paths), with every real error planted
in it listed in its ``labels.json`` (page, word, expected code). ``tune/`` is what the
heuristics were developed on; ``heldout/`` was written at the same time and never looked
at finding by finding: its numbers are the honest ones.

Each site is served on 127.0.0.1 under its own host name (``--resolve``: a ``.be`` host
is a ``.be`` site) and audited through the command line with ``--checks spelling``.

- precision = TP301 + TP302 findings that are a labelled error / all TP301 + TP302 findings
- recall    = labelled errors found by a TP301 or TP302 finding / labelled errors
  (``recall_with_look`` also counts the "worth a look" information findings, TP303)

A finding is a labelled error when one of its pages is the label's page (``*``: any page,
a template text) and its word contains the label's word or is contained in it.

    .venv/bin/python bench/spelling_quality.py [--part heldout|tune|all] [--show]
                                               [--languagetool-url URL]

``--show`` lists the false alarms and misses: use it on ``tune`` only.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "data" / "spelling"
CONFIDENT = ("TP301", "TP302")
LOOK = "TP303"


def sites(part: str) -> list[Path]:
    parts = ("tune", "heldout") if part == "all" else (part,)
    return [d for p in parts for d in sorted((DATA / p).iterdir()) if (d / "labels.json").is_file()]


def audit(site_dir: Path, workdir: Path, lt_url: str | None) -> dict[str, Any]:
    """The findings.json of an audit of ``site_dir`` served under its labelled host name."""
    from auditor.cli import main
    from auditor.devserver import serve

    labels = json.loads((site_dir / "labels.json").read_text("utf-8"))
    host = labels["host"]
    config = workdir / f"{site_dir.name}.toml"
    lines = ["[collectors.language]", f'cache_file = "{workdir / "cache.sqlite"}"']
    if lt_url:
        lines.append(f'languagetool_url = "{lt_url}"')
    config.write_text("\n".join(lines) + "\n", "utf-8")
    out = workdir / site_dir.parent.name / site_dir.name
    with serve(site_dir) as served:
        port = urlsplit(served.base_url).port
        argv = ["audit", f"http://{host}/", "--resolve", f"{host}:80:127.0.0.1:{port}", "--checks", "spelling",
                "--config", str(config), "--format", "json", "--out", str(out)]
        with contextlib.redirect_stderr(io.StringIO()) as err, contextlib.redirect_stdout(io.StringIO()):
            code = main(argv)
    if code not in (0, 1):
        raise SystemExit(f"audit of {site_dir.name} failed ({code}): {err.getvalue()[-2000:]}")
    return {"labels": labels, "doc": json.loads((out / "findings.json").read_text("utf-8"))}


def finding_word(finding: dict[str, Any]) -> str:
    ev = finding.get("evidence") or {}
    return str(ev.get("word") or ev.get("text") or "")


def finding_pages(finding: dict[str, Any]) -> set[str]:
    ev = finding.get("evidence") or {}
    return {urlsplit(u).path or "/" for u in [finding.get("url") or "", *(ev.get("pages") or [])]}


def matches(finding: dict[str, Any], label: dict[str, str]) -> bool:
    word, want = finding_word(finding).lower(), label["word"].lower()
    if not word or not (want in word or word in want):
        return False
    return label["page"] == "*" or label["page"] in finding_pages(finding)


def second_opinion_counts(results: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per rule of ``SECOND_OPINION_RULES``: matches reported (TP302), set aside (TP303),
    and how many of each are labelled errors."""
    from checks.spelling import SECOND_OPINION_CATEGORIES, SECOND_OPINION_RULES

    counts: dict[str, dict[str, int]] = {}
    for r in results:
        for f in r["doc"]["findings"]:
            ev = f.get("evidence") or {}
            if f["code"] not in ("TP302", "TP303") or not (
                    ev.get("rule") in SECOND_OPINION_RULES or ev.get("category") in SECOND_OPINION_CATEGORIES):
                continue
            row = counts.setdefault(str(ev.get("rule")), {"TP302": 0, "TP302_true": 0, "TP303": 0, "TP303_true": 0})
            true = any(matches(f, lab) for lab in r["labels"]["errors"])
            row[f["code"]] += 1
            row[f"{f['code']}_true"] += int(true)
    return counts


def score(results: list[dict[str, Any]]) -> dict[str, Any]:
    confident = look = true_pos = 0
    found = found_with_look = labelled = 0
    false_alarms: list[dict[str, Any]] = []
    misses: list[dict[str, Any]] = []
    per_site = {}
    for r in results:
        labels = r["labels"]["errors"]
        findings = r["doc"]["findings"]
        conf = [f for f in findings if f["code"] in CONFIDENT]
        looks = [f for f in findings if f["code"] == LOOK]
        tp = [f for f in conf if any(matches(f, lab) for lab in labels)]
        hit = [lab for lab in labels if any(matches(f, lab) for f in conf)]
        hit_look = [lab for lab in labels if any(matches(f, lab) for f in conf + looks)]
        site = r["labels"]["host"]
        per_site[site] = {"findings": len(conf), "true": len(tp), "labelled": len(labels), "found": len(hit),
                          "worth_a_look": len(looks)}
        confident += len(conf)
        look += len(looks)
        true_pos += len(tp)
        labelled += len(labels)
        found += len(hit)
        found_with_look += len(hit_look)
        false_alarms += [{"site": site, "code": f["code"], "word": finding_word(f), "rule": f["evidence"].get("rule"),
                          "message": f["message"][:160], "pages": sorted(finding_pages(f))[:3]}
                         for f in conf if f not in tp]
        misses += [{"site": site, **lab, "as_look": lab in hit_look} for lab in labels if lab not in hit]
    second = second_opinion_counts(results)
    return {"second_opinion_rules": second, "findings": confident, "true_findings": true_pos, "worth_a_look": look,
            "precision": round(true_pos / confident, 3) if confident else 1.0,
            "labelled": labelled, "found": found, "recall": round(found / labelled, 3) if labelled else 1.0,
            "recall_with_look": round(found_with_look / labelled, 3) if labelled else 1.0,
            "sites": per_site, "false_alarms": false_alarms, "misses": misses}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", default="heldout", choices=("heldout", "tune", "all"))
    parser.add_argument("--show", action="store_true", help="list false alarms and misses (tune set only!)")
    parser.add_argument("--languagetool-url", default=None, help="an already running server (default: start one)")
    parser.add_argument("--label", default="", help="a name for this measurement (before, after …)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the audits' output in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="spelling-quality-") as tmp_dir:
        tmp = str(args.keep) if args.keep else tmp_dir
        Path(tmp).mkdir(parents=True, exist_ok=True)
        parts = ("tune", "heldout") if args.part == "all" else (args.part,)
        report: dict[str, Any] = {"label": args.label}
        for part in parts:
            results = [audit(d, Path(tmp), args.languagetool_url) for d in sites(part)]
            report[part] = s = score(results)
            print(f"{part:<8} precision {s['precision']:.3f} ({s['true_findings']}/{s['findings']})  "
                  f"recall {s['recall']:.3f} ({s['found']}/{s['labelled']})  "
                  f"worth a look {s['worth_a_look']} (recall with them {s['recall_with_look']:.3f})")
            for rule, row in sorted(s["second_opinion_rules"].items()):
                print(f"  second opinion {rule:<22} TP302 {row['TP302']} ({row['TP302_true']} real)  "
                      f"TP303 {row['TP303']} ({row['TP303_true']} real)")
            if args.show:
                for fa in s["false_alarms"]:
                    print(f"  false alarm  {fa['code']} {fa['word']!r:<28} {fa['rule']:<28} {fa['site']} {fa['pages']}")
                for miss in s["misses"]:
                    print(f"  missed       {miss['code']} {miss['word']!r:<28} {miss['site']} {miss['page']}"
                          f"{' (worth a look)' if miss['as_look'] else ''}")
    out = ROOT / "bench" / "results" / f"spelling-quality-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False), "utf-8")
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
