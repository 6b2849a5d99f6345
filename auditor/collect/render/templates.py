"""Which pages to render: pages grouped by layout template, a few of each group.

Rendering costs about a second of browser time per page and profile; most sites are a
handful of templates (home, overview, article, form) filled with different text. Pages
that share a layout skeleton share their mobile problems, so rendering a few of each
template finds those problems at a fraction of the cost. The signature itself
(``skeleton``) is computed where the page is parsed: ``auditor/html/layout.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from auditor.html.layout import renderable, skeleton
from auditor.page import Page


@dataclass
class Group:
    """One template: how many pages use it and the best few to render."""

    template: str
    pages: int = 0
    best: list[tuple[int, int, str]] = field(default_factory=list)  # (depth, len(url), url)

    def offer(self, candidate: tuple[int, int, str], keep: int) -> None:
        self.best.append(candidate)
        if len(self.best) >= 2 * keep:  # trim now and then: memory stays O(keep)
            self.best = sorted(self.best)[:keep]

    def chosen(self, keep: int) -> list[str]:
        return [url for _, _, url in sorted(self.best)[:keep]]


@dataclass(frozen=True)
class RenderJob:
    """One page to render, with the template it stands for."""

    url: str
    template: str
    template_pages: int
    template_rendered: int = 1
    stands_for: int = 1  # pages this rendering speaks for: itself and its share of the unrendered ones


@dataclass(frozen=True)
class Plan:
    jobs: list[RenderJob]
    eligible: int
    templates: int


def plan(pages: Iterable[Page], per_template: int, max_pages: int) -> Plan:
    """``plan_candidates`` over pages (their skeletons computed here)."""
    return plan_candidates(((p.url, p.depth, skeleton(p)) for p in pages if renderable(p)), per_template, max_pages)


def plan_candidates(candidates: Iterable[tuple[str, int, str]], per_template: int, max_pages: int) -> Plan:
    """The pages to render from ``(url, depth, template)`` of every renderable page:
    ``per_template`` of each template (0 = all), at most ``max_pages``. The run store keeps
    each page's template (computed where it was parsed), so planning reads no page again.

    Within a template, shallow pages with short URLs come first (the ones prospects
    meet); when ``max_pages`` cuts, every template gets its first page before any gets
    a second, largest templates first. Memory grows with the number of templates and
    ``per_template``, not with the site.
    """
    groups: dict[str, Group] = {}
    eligible = 0
    keep = per_template or max_pages
    for url, depth, template in candidates:
        eligible += 1
        group = groups.setdefault(template, Group(template))
        group.pages += 1
        group.offer((depth, len(url), url), keep)
    ordered = sorted(groups.values(), key=lambda g: (-g.pages, g.template))
    chosen = [g.chosen(keep) for g in ordered]
    picked: list[tuple[str, Group]] = []
    for rank in range(keep):
        for group, urls in zip(ordered, chosen, strict=True):
            if rank < len(urls) and len(picked) < max_pages:
                picked.append((urls[rank], group))
        if len(picked) >= max_pages:
            break
    per_group: dict[str, int] = {}
    for _, group in picked:
        per_group[group.template] = per_group.get(group.template, 0) + 1
    jobs, rank_in = [], dict.fromkeys(per_group, 0)
    for url, g in picked:
        rendered = per_group[g.template]
        rank = rank_in[g.template]
        rank_in[g.template] += 1
        share = g.pages // rendered + (1 if rank < g.pages % rendered else 0)
        jobs.append(RenderJob(url, g.template, g.pages, rendered, share))
    return Plan(jobs, eligible, len(groups))
