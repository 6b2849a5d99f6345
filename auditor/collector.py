"""Collectors beyond the crawler: the browser renderer, the language service, ad and profile visits.

A collector gathers facts into artifacts; it never judges. It declares the artifact names
it ``provides``; the runner runs it (after the crawl, in registration order) only when an
enabled check ``requires`` one of them, as Lighthouse runs only the gatherers its audits
need. Collectors register through the entry-point group ``touchpoint_auditor.collectors``
(entry name = collector name), built-in ones like any plugin.

A collector that cannot work here (no browser, no Java) raises ``CollectorUnavailable``
with a one-line reason: the checks that needed it end ``unverifiable`` with that reason,
and the rest of the audit goes on. Settings come from ``[collectors.NAME]`` in the config.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from auditor.collect.http import Fetcher
    from auditor.config import Config
    from auditor.store import RunStore
    from auditor.urls import Scope

COLLECTOR_GROUP = "touchpoint_auditor.collectors"


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

    def settings(self, name: str) -> dict[str, Any]:
        return dict(self.config.collectors.get(name) or {})


class Collector:
    """Base class of collectors. Set ``name`` and ``provides``; implement ``collect``.

    ``collect`` writes its results with ``ctx.store.set_artifact(name, data)`` (one JSON
    value for the run) or ``ctx.store.add_page_artifact(url, name, data)`` (per page).
    """

    name: ClassVar[str] = ""
    provides: ClassVar[tuple[str, ...]] = ()
    # Page artifacts that stay true while the page is unchanged: on an incremental re-crawl
    # the engine copies them from the previous run for every page taken over unchanged.
    carry_over: ClassVar[tuple[str, ...]] = ()

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        self.settings = dict(settings or {})

    async def collect(self, ctx: CollectContext) -> None:
        raise NotImplementedError


def load_collectors() -> dict[str, type[Collector]]:
    """Installed collectors by name, validated like checks: loudly. One whose module
    cannot be imported is left out (see ``collector_failures``): the checks needing its
    artifacts end unverifiable, naming it, and the rest of the audit goes on."""
    return _load()[0]


def collector_failures() -> dict[str, str]:
    """Installed collectors that could not be imported: name → reason."""
    return _load()[1]


def _load() -> tuple[dict[str, type[Collector]], dict[str, str]]:
    from importlib.metadata import entry_points

    from auditor.errors import PluginError

    found: dict[str, type[Collector]] = {}
    failed: dict[str, str] = {}
    for ep in entry_points(group=COLLECTOR_GROUP):
        try:
            cls = ep.load()
        except Exception as exc:
            failed[ep.name] = f"collector {ep.name} cannot be loaded: {exc.__class__.__name__}: {exc}"
            continue
        if not isinstance(cls, type) or not issubclass(cls, Collector) or cls.name != ep.name or not cls.provides:
            raise PluginError(f"collector {ep.name}: must subclass Collector with name {ep.name!r} and provides")
        if ep.name in found and found[ep.name] is not cls:
            raise PluginError(f"collector name {ep.name} is claimed twice")
        found[ep.name] = cls
    return found, failed
