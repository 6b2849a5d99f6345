"""The language collector: the text of every page checked by LanguageTool (or Hunspell).

Where LanguageTool comes from, in this order:

1. ``languagetool_url`` in ``[collectors.language]``: the user's own server;
2. the jars ``scripts/setup-languagetool.sh`` fetched from Maven Central (or
   ``languagetool_dir``): started here on 127.0.0.1 for this audit and stopped after it;
3. ``languagetool_download = true``: language-tool-python downloads LanguageTool itself
   (needs internet) and starts it.

Where none of these works (no Java, nothing set up, the server does not answer) the
text is still spell-checked with Hunspell, and the run says plainly that grammar was not
checked and why: TP302 ends *unverifiable* with that reason.

Artifact ``language_issues`` (``auditor.artifacts.language.LanguageIssues``): the engine,
whether grammar was checked, the site's own names (facts for the checks), statistics, and
the issues, each with every page its text appears on. The checks (``checks/spelling.py``) judge them.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import time
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from auditor import __version__
from auditor.artifacts import read_pages, write, write_page
from auditor.artifacts.language import LanguageIssues, PageText
from auditor.collect.language.cache import MatchCache, default_path
from auditor.collect.language.engines import Engine, HunspellEngine, LanguageToolEngine, Lexicon
from auditor.collect.language.names import SiteNames
from auditor.collect.language.pipeline import TextChecker, detect_languages
from auditor.collect.language.server import (
    DEFAULT_VERSION,
    LocalServer,
    ServerError,
    answers,
    find_jars,
    jar_version,
    java_command,
    server_version,
)
from auditor.collect.language.text import Block, page_blocks
from auditor.collector import CollectContext, Collector, CollectorSettings, CollectorUnavailable
from auditor.config import validate_table
from auditor.deflate import deflate, inflate
from auditor.page import Page

ARTIFACT = LanguageIssues.NAME
SUPPORTED = ("nl", "en")
log = logging.getLogger(__name__)


class LanguageSettings(CollectorSettings):
    """``[collectors.language]`` in the config."""

    languagetool_url: str | None = None
    languagetool_dir: str | None = None
    languagetool_version: str = DEFAULT_VERSION
    languagetool_download: bool = False
    engine: str = "auto"  # auto | languagetool | hunspell
    java: str | None = None
    java_memory: str = "1g"
    startup_timeout: float = 180.0
    picky: bool = False
    disabled_rules: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=lambda: list(SUPPORTED))
    default_language: str | None = None
    workers: int = 2
    cache: bool = True
    cache_file: str | None = None

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> LanguageSettings:
        return validate_table("config: [collectors.language]", cls, raw)

    @field_validator("engine")
    @classmethod
    def _engine(cls, value: str) -> str:
        if value not in ("auto", "languagetool", "hunspell"):
            raise ValueError("must be auto, languagetool or hunspell")
        return value

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        bad = sorted(set(value) - set(SUPPORTED))
        if bad:
            raise ValueError(f"{bad[0]!r} is not supported (supported: {', '.join(SUPPORTED)})")
        return value


class LanguageCollector(Collector):
    """Checks the text of the crawled pages; provides ``language_issues``."""

    name = "language"
    provides = (ARTIFACT,)
    carry_over = ("page_text",)  # PAGE_TEXT: a page's text blocks and name facts

    Settings = LanguageSettings
    settings: LanguageSettings
    _server: LocalServer | None = None  # ours to stop; launched as the crawl started (``prepare``)
    _closing = False

    def prepare(self, run_dir: Path, *, incremental: bool = False) -> None:
        """Launch the local LanguageTool server now, so that its start-up (10-20 s of loading
        the language modules) overlaps the crawl. Not on an incremental re-crawl, whose text
        mostly comes from the cache (the JVM then starts only when some text is new)."""
        opts = self.settings
        if incremental or opts.engine == "hunspell" or opts.languagetool_url or self._server is not None:
            return
        jars = find_jars(opts.languagetool_dir, opts.languagetool_version)
        java = opts.java or java_command()
        if jars is None or not java or not Path(java).exists():
            return  # ``collect`` says why
        server = LocalServer(jars, memory=opts.java_memory, log_path=run_dir / "languagetool.log",
                             startup_timeout=opts.startup_timeout, java=java)
        try:
            server.launch()
        except (ServerError, OSError) as exc:
            log.info("LanguageTool not started ahead: %s", exc)
            return
        self._server = server

    async def collect(self, ctx: CollectContext) -> None:
        try:
            await asyncio.to_thread(self.run, ctx)
        finally:
            # Also when the audit is interrupted (Ctrl-C cancels this task while the thread
            # still checks): the JVM goes now, and the thread's next request fails and ends it.
            self._closing = True
            if self._server is not None:
                self._server.close()
                self._server = None

    def run(self, ctx: CollectContext) -> dict[str, Any]:
        """The whole collection, synchronously (it runs in a worker thread)."""
        opts = self.settings
        started = time.perf_counter()
        lexicon, lexicon_problem = _lexicon(opts.languages)
        engine, grammar_reason = self._engine(ctx, lexicon, lexicon_problem)
        try:
            result = self._check_pages(ctx, engine, lexicon)
        except ServerError as exc:  # LanguageTool started lazily, and failed: Hunspell for the whole run
            if self._closing:
                raise
            if opts.engine == "languagetool" or lexicon is None:
                raise CollectorUnavailable(f"{exc}{'' if lexicon else f'; no Hunspell ({lexicon_problem})'}") from None
            engine, grammar_reason = HunspellEngine(lexicon), str(exc)
            result = self._check_pages(ctx, engine, lexicon)
        if grammar_reason:
            ctx.notes.append(f"grammar not checked (TP302): {grammar_reason}; spelling was checked with Hunspell only")
        result["stats"]["seconds"] = round(time.perf_counter() - started, 3)
        artifact = {"engine": engine.name, "engine_identity": engine.identity, "grammar": engine.grammar,
                    "grammar_reason": grammar_reason, "languages": list(opts.languages),
                    "service": {"url": getattr(engine, "url", None), "started_here": getattr(engine, "started", False)},
                    **result}
        write(ctx.store, LanguageIssues.from_json(artifact))
        return artifact

    def _check_pages(self, ctx: CollectContext, engine: Engine, lexicon: Lexicon | None) -> dict[str, Any]:
        opts = self.settings
        cache = MatchCache((Path(opts.cache_file).expanduser() if opts.cache_file else default_path())
                           if opts.cache else None)
        try:
            checker = TextChecker(engine, cache, languages=tuple(opts.languages),
                                  max_locations=ctx.config.report.max_locations,
                                  default_language=opts.default_language, lexicon=lexicon,
                                  host=urlsplit(ctx.scope.start_url).hostname or "")
            checker.on_progress = ctx.progress
            names = SiteNames(ctx.scope.start_url)
            kept = 0
            stored = _stored_records(ctx)  # URL order, like page_heads
            for done, (url, status, ctype, _language) in enumerate(ctx.store.page_heads(), 1):
                if not (status is not None and 200 <= status < 300 and "html" in (ctype or "")):  # ``textual``
                    continue
                record = stored.get(url) if url in ctx.unchanged else None
                if record is None:
                    page = ctx.store.page(url, with_links=False)
                    if page is None:
                        continue
                    record = page_record(page)
                    write_page(ctx.store, url, pack(record))
                else:
                    kept += 1
                if record["names"] is not None:
                    names.add_facts(record["names"])
                checker.add_blocks(url, record["language"], [Block.from_list(b) for b in record["blocks"]],
                                   (record["detected"], record["block_detected"]))
                if done % 200 == 0:
                    ctx.store.flush(wait=False)
            if kept:
                ctx.notes.append(f"spelling: the text of {kept} unchanged pages kept from the previous run")
            return {"site_names": names.result(), **checker.finish(), "pages_kept": kept}
        finally:
            cache.close()
            engine.close()

    # -- which engine ------------------------------------------------------------------
    def _engine(self, ctx: CollectContext, lexicon: Lexicon | None, lexicon_problem: str) -> tuple[Engine, str]:
        """LanguageTool when it can be had; else Hunspell with the reason grammar is skipped."""
        opts = self.settings
        reason = "Hunspell chosen in the configuration (engine = \"hunspell\")"
        if opts.engine != "hunspell":
            try:
                return self._languagetool(ctx), ""
            except ServerError as exc:
                reason = str(exc)
                if opts.engine == "languagetool":
                    raise CollectorUnavailable(reason) from None
        if lexicon is None:
            raise CollectorUnavailable(f"no LanguageTool ({reason}) and no Hunspell ({lexicon_problem})")
        return HunspellEngine(lexicon), reason

    def _languagetool(self, ctx: CollectContext) -> LanguageToolEngine:
        """The engine for the first LanguageTool that can be had; a server we start is
        started only when a text is not in the cache."""
        opts = self.settings
        common: dict[str, Any] = {"picky": opts.picky, "disabled_rules": opts.disabled_rules, "workers": opts.workers}
        if opts.languagetool_url:
            url = opts.languagetool_url.rstrip("/") + "/"
            deadline = time.monotonic() + 30
            while not answers(url):
                if time.monotonic() > deadline:
                    raise ServerError(f"the LanguageTool server at {url} does not answer")
                time.sleep(0.5)
            return LanguageToolEngine(url, server_version(url), **common)
        jars = find_jars(opts.languagetool_dir, opts.languagetool_version)
        java = opts.java or java_command()
        if jars is not None:
            if not java or not Path(java).exists():
                raise ServerError(f"no Java runtime to run LanguageTool{f' ({java})' if java else ''}; "
                                  "install openjdk-17-jre-headless or set languagetool_url")
            if self._server is None:  # started on the first text not in the cache
                self._server = LocalServer(jars, memory=opts.java_memory, log_path=ctx.run_dir / "languagetool.log",
                                           startup_timeout=opts.startup_timeout, java=java)
            server = self._server
            return LanguageToolEngine(None, jar_version(jars), start=server.start, on_close=server.stop, **common)
        if opts.languagetool_download:
            return _downloaded(common)
        raise ServerError("LanguageTool is not set up (run `make setup` or scripts/setup-languagetool.sh, "
                          "or set languagetool_url)")


def _downloaded(common: dict[str, Any]) -> LanguageToolEngine:
    """language-tool-python's own download and server (a machine with internet access)."""
    import language_tool_python

    version = getattr(getattr(language_tool_python, "download_lt", None), "LTP_DOWNLOAD_VERSION", "latest")
    tools: list[Any] = []

    def start() -> str:
        try:
            tools.append(language_tool_python.LanguageTool("en-US"))
        except Exception as exc:
            raise ServerError(f"language-tool-python could not download or start LanguageTool: {exc}") from None
        return str(tools[0].url).rsplit("v2/", 1)[0]

    def close() -> None:
        for tool in tools:
            with contextlib.suppress(Exception):
                tool.close()

    return LanguageToolEngine(None, f"download-{version}", start=start, on_close=close, **common)


def _lexicon(langs: list[str]) -> tuple[Lexicon | None, str]:
    tags = [t for lang in langs for t in (("nl", "nl-BE") if lang == "nl" else ("en-US", "en-GB"))]
    try:
        return Lexicon.load(tags), ""
    except RuntimeError as exc:
        return None, str(exc)


# -- per-page text records (incremental re-crawl) ------------------------------------------
PAGE_TEXT = PageText.NAME


def page_record(page: Page) -> dict[str, Any]:
    """What the collector reads of one page: its text blocks and name facts, as plain data.
    Kept in the run store so that an unchanged page is not parsed again on the next run."""
    blocks = page_blocks(page)
    detected, block_detected = detect_languages(blocks)
    return {"v": __version__, "language": page.language,
            "blocks": [b.as_list() for b in blocks],
            "detected": detected, "block_detected": block_detected,
            "names": SiteNames.page_facts(page) if page.status == 200 else None}


def pack(record: dict[str, Any]) -> PageText:
    """A page's record compressed: the text of every page would otherwise double the store."""
    raw = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return PageText(z=base64.b64encode(deflate(raw, 6)).decode("ascii"))


def unpack(data: PageText) -> dict[str, Any]:
    return json.loads(inflate(base64.b64decode(data.z)))


class _Records:
    """This version's page records the engine carried over from the previous run for the
    pages taken over unchanged, read in URL order alongside the pages (memory stays flat)."""

    def __init__(self, rows: Any) -> None:
        self._rows = iter(rows)
        self._next: tuple[str, Any] | None = next(self._rows, None)

    def get(self, url: str) -> dict[str, Any] | None:
        while self._next is not None and self._next[0] < url:
            self._next = next(self._rows, None)
        if self._next is None or self._next[0] != url:
            return None
        try:
            record = unpack(self._next[1])
        except (KeyError, TypeError, ValueError, zlib.error):
            return None
        return record if record.get("v") == __version__ else None


def _stored_records(ctx: CollectContext) -> _Records:
    return _Records(read_pages(ctx.store, PageText) if ctx.unchanged else ())
