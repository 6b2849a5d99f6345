"""Collectors beyond the crawler: the browser renderer, the language service, ad and profile visits.

A collector gathers facts into artifacts; it never judges. It declares the artifact names
it ``provides``; the runner runs it (after the crawl, in registration order) only when an
enabled check ``requires`` one of them, as Lighthouse runs only the gatherers its audits
need. Collectors register through the entry-point group ``touchpoint_auditor.collectors``
(entry name = collector name), built-in ones like any plugin.

A collector that cannot work here (no browser, no Java) raises ``CollectorUnavailable``
with a one-line reason: the checks that needed it end ``unverifiable`` with that reason,
and the rest of the audit goes on.

Settings come from ``[collectors.NAME]`` in the config. A collector declares them as a
pydantic model (``Settings``, a subclass of ``CollectorSettings``); the table is validated
when the audit is set up, before anything is fetched, and a mistake is one line naming the
key. Loading and validating the class itself is ``auditor.registry``'s, the same for
checks, collectors and reporters.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from auditor.check import PLUGIN_API_VERSION
from auditor.config import PluginSettings, validate_table

if TYPE_CHECKING:
    from auditor.collect.http import Fetcher
    from auditor.config import Config
    from auditor.store import RunStore
    from auditor.urls import Scope

COLLECTOR_GROUP = "touchpoint_auditor.collectors"


class CollectorSettings(PluginSettings):
    """Base of a collector's ``Settings``: strict, closed to unknown keys, frozen.

    ``max_pages: Annotated[int, between(1, 1000)] = 100`` (``auditor.config.between``)
    gives the house message for a value out of range."""


class CollectorUnavailable(Exception):
    """The collector cannot run on this machine; ``reason`` says why and what to install."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class CollectContext:
    """What a collector may use: the run's store, its HTTP fetcher (politeness included),
    the scope, the configuration and the run directory (for screenshots and the like)."""

    config: Config
    store: RunStore
    fetcher: Fetcher
    scope: Scope
    run_dir: Path
    as_of: dt.date
    notes: list[str] = field(default_factory=list)
    # The site's previous run (``auditor.collect.crawl.incremental.PreviousRun``) on an incremental
    # re-crawl, with the pages taken over unchanged: a collector may reuse its results for them.
    previous: Any = None
    unchanged: frozenset[str] = frozenset()
    # Where ``progress`` goes: the runner points it at the progress view for each collector
    # in turn ("render: 12/40 pages"). None: nobody follows.
    on_progress: Callable[[int, int | None, str], None] | None = None

    def settings(self, name: str) -> dict[str, Any]:
        return dict(self.config.collectors.get(name) or {})

    def progress(self, done: int, total: int | None, unit: str) -> None:
        """How far the collector is: ``done`` of ``total`` (None: not known yet) ``unit``
        ("pages", "texts", "profiles"). Cheap, safe from any thread, never raises: a long
        phase (a browser rendering, LanguageTool checking) shows it moves."""
        if self.on_progress is not None:
            with contextlib.suppress(Exception):
                self.on_progress(done, total, unit)


class Collector:
    """Base class of collectors. Set ``name`` and ``provides``; implement ``collect``.

    ``collect`` writes its results with ``ctx.store.set_artifact(name, data)`` (one JSON
    value for the run) or ``ctx.store.add_page_artifact(url, name, data)`` (per page).
    ``Settings``: a ``CollectorSettings`` model of the ``[collectors.NAME]`` table;
    ``self.settings`` is then the validated model. Without one, ``self.settings`` is the
    table as written (a dict), unvalidated.
    """

    name: ClassVar[str] = ""
    provides: ClassVar[tuple[str, ...]] = ()
    # Page artifacts that stay true while the page is unchanged: on an incremental re-crawl
    # the engine copies them from the previous run for every page taken over unchanged.
    carry_over: ClassVar[tuple[str, ...]] = ()
    Settings: ClassVar[type[CollectorSettings] | None] = None
    api_version: ClassVar[int] = PLUGIN_API_VERSION

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        raw = dict(settings or {})
        self.settings: Any = (validate_table(f"config: [collectors.{self.name}]", self.Settings, raw)
                              if self.Settings is not None else raw)

    def prepare(self, run_dir: Path, *, incremental: bool = False) -> None:
        """Called as the crawl starts: begin slow work that needs no crawled page (starting
        a server) so that it overlaps the crawl. Must not raise: ``collect`` reports
        problems. ``incremental``: a re-crawl that will take most pages over unchanged."""

    async def collect(self, ctx: CollectContext) -> None:
        raise NotImplementedError



def load_collectors() -> dict[str, type[Collector]]:
    """Installed collectors by name (``auditor.registry``: validated like checks, loudly).
    One whose module cannot be imported is left out (see ``collector_failures``): the
    checks needing its artifacts end unverifiable, naming it, and the rest of the audit goes on."""
    from auditor.registry import load_collector_classes

    return load_collector_classes()


def collector_failures() -> dict[str, str]:
    """Installed collectors that could not be imported: name → reason."""
    from auditor.registry import COLLECTORS, load_failures

    return load_failures(COLLECTORS)
