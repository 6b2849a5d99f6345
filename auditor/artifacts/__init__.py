"""The artifacts collectors hand to checks, each declared once as a frozen dataclass.

A collector builds one of these types and writes it with ``write`` / ``write_page``; a
check reads it back with ``read`` / ``read_pages``. Both sides import the same class, so
a collector cannot drift from what the checks read (Lighthouse's ``types/artifacts.d.ts``
plays this part there). The run store keeps the JSON (``to_json``); ``from_json`` reads
what any earlier version stored, so ``recheck`` judges old run directories again.

One module per collector family, as in ``auditor/collect/``:

=====================  ===============================  ===========================
artifact name          type                             written by
=====================  ===============================  ===========================
``not_found_probe``    ``crawl.NotFoundProbe``          the runner, before the crawl
``sitemaps``           ``crawl.Sitemaps``               the runner, while seeding
``network``            ``crawl.NetworkHealth``          the crawler, when it ends
``feeds``              ``crawl.Feeds``                  ``collect/crawl/feeds.py``
``sitemap_dates``      ``crawl.SitemapDates``           ``collect/crawl/feeds.py``
``render`` (run)       ``render.RenderSummary``         ``collect/render/renderer.py``
``render`` (page)      ``render.RenderedPage``          ``collect/render/renderer.py``
``language_issues``    ``language.LanguageIssues``      ``collect/language/collector.py``
``page_text`` (page)   ``language.PageText``            ``collect/language/collector.py``
``ads``                ``ads.Ads``                      ``collect/ads/visitor.py``
``ad_landing`` (page)  ``ads.AdLanding``                ``collect/ads/visitor.py``
``profiles``           ``profiles.Profiles``            ``collect/profiles/visitor.py``
``domain``             ``domain.DomainFacts``           ``collect/domain/``
=====================  ===============================  ===========================

Checks read run-level artifacts from the ``CheckContext`` the runner hands them (it holds
exactly what the check ``requires``), page-level ones from the ``SiteView``. Plugins that
keep reading raw JSON with ``ctx.artifact(name)`` still can.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Protocol, TypeVar

from auditor.artifacts._codec import decode, encode

__all__ = ["Artifact", "ListArtifact", "read", "read_pages", "write", "write_page"]

A = TypeVar("A", bound="Artifact")


class Artifact:
    """Base of the artifact dataclasses: ``NAME`` is the name checks ``require``."""

    NAME: ClassVar[str] = ""

    def to_json(self) -> Any:
        """The JSON value the run store keeps."""
        return encode(self)

    @classmethod
    def from_json(cls: type[A], data: Any) -> A:
        """The artifact from what the run store kept (this or an earlier version's shape);
        an artifact already of this type (hand-built in a test) as it is."""
        return data if isinstance(data, cls) else decode(cls, data)


class ListArtifact(Artifact):
    """An artifact stored as a JSON list (its one field, ``items``), as it always was."""

    items: tuple[Any, ...]

    def to_json(self) -> Any:
        return encode(self.items)

    @classmethod
    def from_json(cls: type[A], data: Any) -> A:
        if isinstance(data, cls):
            return data
        return decode(cls, {"items": data if isinstance(data, list) else []})

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class _RunArtifacts(Protocol):
    def artifact(self, name: str) -> Any: ...


class _PageArtifacts(Protocol):
    def page_artifacts(self, name: str) -> Iterator[tuple[str, Any]]: ...


class _Store(Protocol):
    def set_artifact(self, name: str, data: Any) -> None: ...
    def add_page_artifact(self, url: str, name: str, data: Any) -> None: ...


# The last value read of each kind, with the stored JSON it came from: a page check reads
# the same run artifact on every page of a crawl, and decoding it each time would cost more
# than the check.
_last: dict[type, tuple[Any, Any]] = {}


def read(source: _RunArtifacts, kind: type[A]) -> A | None:
    """The run-level artifact ``kind`` from a ``CheckContext`` (checks) or a ``SiteView``
    (site-wide code that is not a check), or None when no collector stored it."""
    data = source.artifact(kind.NAME)
    if data is None:
        return None
    last = _last.get(kind)
    if last is not None and last[0] is data:
        return last[1]
    value = kind.from_json(data)
    _last[kind] = (data, value)
    return value


def read_pages(site: _PageArtifacts, kind: type[A]) -> Iterator[tuple[str, A]]:
    """``(url, artifact)`` of every page that has the page-level artifact ``kind``, in URL order."""
    for url, data in site.page_artifacts(kind.NAME):
        yield url, kind.from_json(data)


def write(store: _Store, artifact: Artifact) -> None:
    """Store a run-level artifact (replacing an earlier one of the same name)."""
    store.set_artifact(artifact.NAME, artifact.to_json())


def write_page(store: _Store, url: str, artifact: Artifact) -> None:
    """Store one page's artifact (written with the store's next flush)."""
    store.add_page_artifact(url, artifact.NAME, artifact.to_json())
