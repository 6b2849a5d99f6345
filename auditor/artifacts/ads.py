"""Artifacts of the ad landing visitor: the ads, and what each landing page showed.

Judging is left to the ads checks (``checks/ads/``), so ``recheck`` re-judges without
fetching again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from auditor.artifacts import Artifact, ListArtifact

__all__ = ["Ad", "AdLanding", "Ads", "FormField", "LandingForm"]


@dataclass(frozen=True)
class Ad:
    """One ad as the prospect saw it, and where it sends them.

    ``ad_id`` is the file's id, or a made-up ``row N`` when the export has none;
    ``identity`` is what keeps a finding's fingerprint stable across runs.
    """

    ad_id: str
    headlines: tuple[str, ...]
    descriptions: tuple[str, ...]
    final_url: str
    row: int = 0
    source_format: str = "native"
    extra: dict[str, str] = field(default_factory=dict)
    id_given: bool = True

    @property
    def headline(self) -> str:
        return " | ".join(self.headlines)

    @property
    def description(self) -> str:
        return " ".join(self.descriptions)

    @property
    def text(self) -> str:
        """All the ad's words, headlines first."""
        return " ".join([*self.headlines, *self.descriptions])

    @property
    def identity(self) -> str:
        first = self.headlines[0] if self.headlines else ""
        return self.ad_id if self.id_given else f"{self.ad_id}|{first}|{self.final_url}"

    def to_dict(self) -> dict[str, Any]:
        return {"ad_id": self.ad_id, "headlines": list(self.headlines), "descriptions": list(self.descriptions),
                "final_url": self.final_url, "row": self.row, "source_format": self.source_format,
                "extra": dict(self.extra), "id_given": self.id_given}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Ad:
        return cls(ad_id=data["ad_id"], headlines=tuple(data.get("headlines", ())),
                   descriptions=tuple(data.get("descriptions", ())), final_url=data["final_url"],
                   row=int(data.get("row", 0)), source_format=data.get("source_format", "native"),
                   extra=dict(data.get("extra") or {}), id_given=bool(data.get("id_given", True)))



@dataclass(frozen=True)
class Ads(ListArtifact):
    """Run-level ``ads``: the ads of ``--ads FILE`` (and the site's own banners when
    ``internal_ads`` is on), stored as a JSON list. Empty: the ads checks are not applicable."""

    NAME = "ads"

    items: tuple[Ad, ...] = ()

    def to_json(self) -> Any:
        return [ad.to_dict() for ad in self.items]

    @classmethod
    def from_json(cls, data: Any) -> Ads:
        if isinstance(data, Ads):
            return data
        return cls(tuple(Ad.from_dict(d) for d in data or [] if isinstance(d, dict)))


@dataclass(frozen=True)
class FormField:
    """A visible field of a form; ``required`` as ``auditor.html.forms`` decides it."""

    name: str = ""
    type: str = "text"
    required: bool = False
    label: str = ""


@dataclass(frozen=True)
class LandingForm:
    """A form on a landing page: where it is (``in_main``: in the main content), what it asks."""

    in_main: bool = False
    action: str = ""
    method: str = ""
    id: str = ""
    submit: str = ""
    heading: str = ""
    words: int = 0
    loose: bool = False  # fields outside any <form>, counted as one form
    fields: tuple[FormField, ...] = ()
    visible_fields: int = 0
    required_fields: int = 0
    password: bool = False
    search: bool = False


@dataclass(frozen=True)
class AdLanding(Artifact):
    """Page-level ``ad_landing``: one visit of a landing URL (query string kept): the fetch
    facts, every redirect hop ``(url, status, location)`` and, for HTML, the page's facts
    (title, headings, main text, forms)."""

    NAME = "ad_landing"

    url: str = ""
    final_url: str = ""
    status: int | None = None
    error: str | None = None
    error_detail: str | None = None
    hops: tuple[tuple[str, int, str], ...] = ()
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    truncated: bool = False
    fetched_at: str | None = None
    is_html: bool = False
    title: str = ""
    language: str = ""
    description: str = ""
    h1: tuple[str, ...] = ()
    headings: tuple[str, ...] = ()
    main_found_by: str = ""
    main_text: str = ""
    main_words: int = 0
    main_words_outside_forms: int = 0
    text: str = ""
    forms: tuple[LandingForm, ...] = ()
    snippet: str = ""
