"""The link checkers the benchmark runs, each as a command and an output parser.

Every tool is asked the same question (which internal URLs on this site are
broken?) with its throttles lifted, because the benchmark measures how fast
a tool can check a site, not how polite its defaults are. Each adapter turns
the tool's own output into a set of normalised URLs (see ``normalise``) that
can be compared with the generator's ground truth.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from procmon import RunResult

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PEERS_BIN = BENCH / ".venv-peers" / "bin"
AUDITOR_BIN = REPO / ".venv" / "bin"


@dataclass(frozen=True)
class Context:
    """Everything a tool needs to know about this run."""

    base_url: str  # http://127.0.0.1:PORT/
    site: Path  # generator output: www/, pages.txt, expected_broken.txt, site.json
    work: Path  # this tool's private, empty working directory
    concurrency: int


@dataclass
class Outcome:
    """A tool's answer, parsed."""

    broken: set[str] | None = None  # None: the output could not be parsed
    pages: int | None = None  # HTML pages the tool says it fetched, when it says
    notes: list[str] = field(default_factory=list)


def normalise(url: str, base: str) -> str:
    """Reduce a URL to what the comparison cares about.

    URLs on the benchmark server become their absolute path (plus query), so
    that runs on different ports compare equal; fragments are dropped (a
    fragment is not fetched). Anything on another host is kept whole, and so
    stands out in a diff.
    """
    parts = urlsplit(urljoin(base, url.strip()))
    origin = urlsplit(base)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    same = parts.scheme.lower() == origin.scheme and parts.hostname == origin.hostname
    if same and (parts.port or 80) == (origin.port or 80):
        return path
    return f"{parts.scheme}://{parts.netloc}{path}"


def first_line(argv: list[str]) -> str:
    """First non-empty output line of a version command, or why there is none."""
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except OSError as exc:
        return f"unavailable ({exc.strerror})"
    for line in (out.stdout + out.stderr).splitlines():
        if line.strip() and not line.startswith("WARNING"):
            return line.strip()
    return "unknown"


class Tool:
    """One link checker. Subclasses fill in the command and the parser."""

    name: str = ""
    ok_exits: frozenset[int] = frozenset({0})  # exit codes that mean "finished"

    def missing(self) -> str | None:
        """Why the tool cannot run here, or None if it can."""
        return None

    def version(self) -> str:
        """The tool's version, for the results file."""
        return "unknown"

    def command(self, ctx: Context) -> list[str]:
        """The command line; may write config files into ``ctx.work``."""
        raise NotImplementedError

    def parse(self, ctx: Context, result: RunResult) -> Outcome:
        """Turn the finished run's output into an ``Outcome``."""
        raise NotImplementedError


class TouchpointAuditor(Tool):
    """Our tool: crawls from the root, writes ``findings.json``."""

    name = "touchpoint-auditor"
    ok_exits = frozenset({0, 1})  # 1 = finished with findings at or above --fail-on
    config = BENCH / "links.toml"

    def __init__(self, exe: Path = AUDITOR_BIN / "touchpoint-auditor") -> None:
        self.exe = exe

    def missing(self) -> str | None:
        if not self.exe.exists():
            return f"{self.exe} not found (engine not installed: pip install -e . in the project venv)"
        return None

    def version(self) -> str:
        code = "import importlib.metadata as m; print(m.version('touchpoint-auditor'))"
        return first_line([str(self.exe.parent / "python"), "-c", code])

    def command(self, ctx: Context) -> list[str]:
        return [
            str(self.exe), "audit", ctx.base_url,
            "--checks", "links",
            "--max-pages", "100000",
            "--out", str(ctx.work / "out"),
            "--format", "json",
            "--config", str(self.config),
        ]  # fmt: skip

    def parse(self, ctx: Context, result: RunResult) -> Outcome:
        path = ctx.work / "out" / "findings.json"
        if not path.exists():
            return Outcome(notes=["no findings.json written"])
        try:
            doc = json.loads(path.read_text())
        except json.JSONDecodeError as exc:
            return Outcome(notes=[f"findings.json is not JSON: {exc}"])
        tp101 = [f for f in doc.get("findings", []) if f.get("code") == "TP101"]
        broken = {normalise(f["target"], ctx.base_url) for f in tp101 if f.get("target")}
        notes = occurrence_notes(tp101, ctx)
        return Outcome(broken=broken, pages=doc.get("pages_crawled"), notes=notes)


def occurrence_notes(findings: list[dict], ctx: Context) -> list[str]:
    """Compare TP101 ``occurrences`` with how many pages really link to each target.

    Informational only: the set comparison is the pass/fail criterion.
    """
    truth = json.loads((ctx.site / "site.json").read_text())["broken_occurrences"]
    seen: dict[str, int] = {}
    for f in findings:
        if f.get("target") and isinstance(f.get("occurrences"), int):
            key = normalise(f["target"], ctx.base_url)
            seen[key] = seen.get(key, 0) + f["occurrences"]
    wrong = sum(1 for url, n in truth.items() if url in seen and seen[url] != n)
    return [f"occurrences differ from the linking-page count for {wrong} targets"] if wrong else []


class LinkChecker(Tool):
    """LinkChecker: recursive, threaded Python; throttle lifted by config + server header."""

    name = "linkchecker"
    ok_exits = frozenset({0, 1})  # 1 = invalid links found
    exe = PEERS_BIN / "linkchecker"

    def missing(self) -> str | None:
        return None if self.exe.exists() else f"{self.exe} not found (run bench/run.sh to install peers)"

    def version(self) -> str:
        return first_line([str(self.exe), "--version"])

    def command(self, ctx: Context) -> list[str]:
        # maxrequestspersecond above 10 only takes effect when the server sends a
        # "LinkChecker" header, which the benchmark's nginx does.
        rc = ctx.work / "linkcheckerrc"
        rc.write_text(
            "[checking]\n"
            f"threads={ctx.concurrency}\n"
            "maxrequestspersecond=100000\n"
            "recursionlevel=-1\n"
            "[output]\n"
            "status=0\n"
        )
        rc.chmod(0o644)  # LinkChecker drops root privileges to nobody before reading it
        return [
            str(self.exe), "--config", str(rc), "--no-status", "--no-warnings",
            "--output", "csv", "--recursion-level", "-1", "--threads", str(ctx.concurrency),
            ctx.base_url,
        ]  # fmt: skip

    def parse(self, ctx: Context, result: RunResult) -> Outcome:
        text = result.stdout.read_text(errors="replace")
        lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
        if not lines or not lines[0].startswith("urlname;"):
            return Outcome(notes=["no CSV header in LinkChecker output"])
        rows = csv.DictReader(lines, delimiter=";")
        broken = {normalise(r["url"], ctx.base_url) for r in rows if r.get("valid") == "False"}
        return Outcome(broken=broken)


class Lychee(Tool):
    """lychee: async Rust; does not recurse, so it is handed every page URL."""

    name = "lychee"
    ok_exits = frozenset({0, 2})  # 2 = link errors found
    exe = PEERS_BIN / "lychee"

    def missing(self) -> str | None:
        return None if self.exe.exists() else f"{self.exe} not found (run bench/run.sh to install peers)"

    def version(self) -> str:
        return first_line([str(self.exe), "--version"])

    def command(self, ctx: Context) -> list[str]:
        urls = ctx.work / "urls.txt"
        pages = (ctx.site / "pages.txt").read_text().split()
        urls.write_text("".join(urljoin(ctx.base_url, p) + "\n" for p in pages))
        # Defaults are 128 requests in total, 10 per host and 50 ms between
        # requests to one host: lift the per-host limits, keep its total.
        return [
            str(self.exe), "--files-from", str(urls),
            "--format", "json", "--output", str(ctx.work / "out.json"),
            "--max-concurrency", "128", "--host-concurrency", "128",
            "--host-request-interval", "0s", "--max-retries", "0",
            "--timeout", "30", "--no-progress",
        ]  # fmt: skip

    def parse(self, ctx: Context, result: RunResult) -> Outcome:
        path = ctx.work / "out.json"
        if not path.exists():
            return Outcome(notes=["no JSON report written"])
        doc = json.loads(path.read_text())
        errors = [e for entries in doc.get("error_map", {}).values() for e in entries]
        broken = {normalise(e["url"], ctx.base_url) for e in errors}
        pages = len((ctx.site / "pages.txt").read_text().split())
        notes = [f"{doc['timeouts']} timeouts"] if doc.get("timeouts") else []
        notes.append(f"given the {pages}-page list (does not recurse)")
        return Outcome(broken=broken, pages=pages, notes=notes)


class Wget(Tool):
    """GNU wget in spider mode: single-threaded, recursive, keep-alive."""

    name = "wget"
    ok_exits = frozenset({0, 8})  # 8 = the server answered with an error (the broken links)
    exe = Path("/usr/bin/wget")
    html_fetch = re.compile(r' URL:(\S+) \[\d+(?:/\d+)?\] -> "[^"]*\.tmp\.tmp"')

    def missing(self) -> str | None:
        return None if self.exe.exists() else f"{self.exe} not found (apt-get install -y wget)"

    def version(self) -> str:
        return first_line([str(self.exe), "--version"])

    def command(self, ctx: Context) -> list[str]:
        log = ctx.work / "wget.log"
        return [str(self.exe), "--spider", "-r", "-l", "inf", "-nd", "-nv", "-o", str(log), ctx.base_url]

    def parse(self, ctx: Context, result: RunResult) -> Outcome:
        log = ctx.work / "wget.log"
        if not log.exists():
            return Outcome(notes=["no log written"])
        lines = log.read_text(errors="replace").splitlines()
        pages = sum(1 for ln in lines if (m := self.html_fetch.search(ln)) and is_page(m.group(1)))
        broken = wget_broken(lines, ctx.base_url)
        if broken is None:
            return Outcome(pages=pages, notes=["no broken-link summary in the log"])
        return Outcome(broken=broken, pages=pages)


def is_page(url: str) -> bool:
    """The generated site's HTML pages end in ``.html`` or ``/``."""
    path = urlsplit(url).path
    return path.endswith((".html", "/"))


def wget_broken(lines: list[str], base: str) -> set[str] | None:
    """The URLs listed after wget's "Found N broken links." line (None if absent)."""
    for i, line in enumerate(lines):
        if line.startswith("Found no broken links"):
            return set()
        if re.match(r"Found \d+ broken links?\.", line):
            broken: set[str] = set()
            for url in lines[i + 1 :]:
                if url.startswith("FINISHED"):
                    break
                if url.strip():
                    broken.add(normalise(url, base))
            return broken
    return None


TOOL_NAMES = ["touchpoint-auditor", "linkchecker", "lychee", "wget"]


def make_tools(auditor: Path | None = None) -> list[Tool]:
    """Every tool, in the order they run; ``auditor`` overrides our executable."""
    ours = TouchpointAuditor(auditor) if auditor else TouchpointAuditor()
    return [ours, LinkChecker(), Lychee(), Wget()]
