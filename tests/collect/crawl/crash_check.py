"""A page check that ends the process it runs in when that is a parse worker: how a worker
killed by the kernel (out of memory) looks to the crawler. Imported by the worker, which is
why it is a module of its own."""

from __future__ import annotations

import os
from collections.abc import Iterator

from auditor.check import CheckContext, PageCheck
from auditor.collect.crawl.parse_worker import in_worker
from auditor.model import Finding
from auditor.page import Page

KILL_SWITCH = "TOUCHPOINT_AUDITOR_TEST_KILL_WORKER"  # set in the test's environment, inherited by workers


class WorkerKiller(PageCheck):
    """Ends a parse worker process on the first page it judges there while KILL_SWITCH is set."""

    code = "TP990"
    name = "worker-killer"
    family = "links"
    requires = ("pages",)
    default_severity = "info"

    def check_page(self, page: Page, ctx: CheckContext) -> Iterator[Finding]:
        if in_worker() and os.environ.get(KILL_SWITCH):
            os._exit(9)
        yield from ()


class WhereParsed(PageCheck):
    """Says, for every page, whether a parse worker judged it (evidence ``in_worker``)."""

    code = "TP991"
    name = "where-parsed"
    family = "links"
    requires = ("pages",)
    default_severity = "info"

    def check_page(self, page: Page, ctx: CheckContext) -> Iterator[Finding]:
        yield self.finding(url=page.url, message="parsed", evidence={
            "in_worker": in_worker()})
