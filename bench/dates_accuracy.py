"""Date-extraction accuracy on the labelled pages in ``tests/data/dates``.

Each page is one we wrote ourselves in the shape of a real Dutch or English news item,
blog post or press release, labelled with the date the page itself shows (empty when it
shows none). A page counts as right when the extractor returns exactly that day (or
nothing for an unlabelled page). ``--baseline`` also scores htmldate alone, as it is
commonly used (``find_date(tree, original_date=True)``), to show what the fallbacks add.

    .venv/bin/python bench/dates_accuracy.py [--baseline] [--verbose] [--json]

"No date in the future": every date returned is compared with the labelled set's "today"
(``AS_OF``); one after it is counted, whatever the label.

``tests/data/dates/issue19`` is a second set (German, French, two-digit years, event dates,
URL slugs, time zones, dates outside the main content, pages without a date of their own),
split into a ``tune`` part and a ``holdout`` part that was written at the same time and
never looked at while the extractor was changed. For it the bench gives precision (right
dates among the dates returned: a date for an undated page counts against it) and recall
(right dates among the dated pages).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "data" / "dates"
ISSUE19 = DATA / "issue19"
AS_OF = dt.date(2026, 11, 22)  # "today" for the labelled set: relative dates count from here


@dataclass
class Score:
    dated: int = 0
    dated_right: int = 0
    undated: int = 0
    undated_right: int = 0
    future: int = 0
    returned: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.dated_right / self.returned if self.returned else 1.0

    @property
    def recall(self) -> float:
        return self.dated_right / self.dated if self.dated else 1.0

    @property
    def accuracy(self) -> float:
        return self.dated_right / self.dated if self.dated else 0.0

    def as_dict(self) -> dict[str, object]:
        return {"dated_pages": self.dated, "exact_day": self.dated_right, "accuracy": round(self.accuracy, 4),
                "undated_pages": self.undated, "undated_none": self.undated_right, "future_dates": self.future,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "misses": self.misses}


def labelled(folder: Path = DATA) -> list[dict[str, str]]:
    with (folder / "labels.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    pages = folder / "pages" if (folder / "pages").is_dir() else folder
    for row in rows:
        row["path"] = str(pages / row["file"])
    return rows


def ours(path: Path) -> tuple[dt.date | None, str]:
    from auditor.dates.page import page_date
    from auditor.html.extract import parse_html

    tree = parse_html(path.read_bytes(), "utf-8")
    found = page_date(tree, url=f"https://example.test/{path.name}", max_date=AS_OF,
                      fetched=dt.datetime.combine(AS_OF, dt.time(12)))
    return (found.date, found.method) if found else (None, "")


def htmldate_alone(path: Path) -> tuple[dt.date | None, str]:
    from htmldate import find_date
    from lxml import html

    value = find_date(html.fromstring(path.read_bytes()), original_date=True, max_date=AS_OF.isoformat())
    return (dt.date.fromisoformat(value), "htmldate") if value else (None, "")


def score(extract: Callable[[Path], tuple[dt.date | None, str]], verbose: bool = False,
          rows: list[dict[str, str]] | None = None, key: str = "lang") -> dict[str, Score]:
    scores: dict[str, Score] = {}
    for row in rows if rows is not None else labelled():
        s = scores.setdefault(row[key], Score())
        want = dt.date.fromisoformat(row["date"]) if row["date"] else None
        got, how = extract(Path(row["path"]))
        s.returned += got is not None
        if got is not None and got > AS_OF:
            s.future += 1
        if want is None:
            s.undated += 1
            s.undated_right += got is None
        else:
            s.dated += 1
            s.dated_right += got == want
        if got != want and (verbose or row.get("part") != "holdout"):  # the held-out part is not for tuning
            s.misses.append(f"{row['file']}: want {want}, got {got} ({how})")
        if verbose:
            print(f"{'ok ' if got == want else 'BAD'} {row['file']:45} want {want} got {got} via {how}")
    return scores


def report(name: str, scores: dict[str, Score]) -> None:
    print(f"\n{name}")
    for lang in sorted(scores):
        s = scores[lang]
        print(f"  {lang}: {s.dated_right}/{s.dated} dated pages exact day ({s.accuracy:.1%}); "
              f"{s.undated_right}/{s.undated} undated pages give no date; {s.future} date(s) in the future; "
              f"precision {s.precision:.1%}, recall {s.recall:.1%}")
        for miss in s.misses:
            print(f"      {miss}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", action="store_true", help="also score htmldate alone")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    results = {"ours": score(ours, args.verbose)}
    issue19 = labelled(ISSUE19)
    results["ours, issue 19 set"] = score(ours, args.verbose, issue19, key="part")
    if args.baseline:
        results["htmldate alone"] = score(htmldate_alone)
        results["htmldate alone, issue 19 set"] = score(htmldate_alone, rows=issue19, key="part")
    if args.json:
        print(json.dumps({k: {lang: s.as_dict() for lang, s in v.items()} for k, v in results.items()}, indent=2))
    else:
        print(f"labelled pages: {len(labelled())}, today = {AS_OF}")
        for name, scores in results.items():
            report(name, scores)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
