"""touchpoint-auditor: audit an organisation's online touchpoints as a prospect meets them.

The public API for plugin authors is listed in ``__all__`` and pinned by a test; anything
else in the package is private and may change.
"""

from __future__ import annotations

__version__ = "0.1.0"

from auditor.check import PLUGIN_API_VERSION, Check, CheckContext, LinkRef, LinkTarget, PageCheck, SiteCheck, SiteView
from auditor.errors import NotApplicable, Unverifiable
from auditor.model import AuditRun, CheckResult, Finding, Hop, Link, LinkResult, Location, Touchpoint
from auditor.page import Page

__all__ = [
    "PLUGIN_API_VERSION",
    "AuditRun",
    "Check",
    "CheckContext",
    "CheckResult",
    "Finding",
    "Hop",
    "Link",
    "LinkRef",
    "LinkResult",
    "LinkTarget",
    "Location",
    "NotApplicable",
    "Page",
    "PageCheck",
    "SiteCheck",
    "SiteView",
    "Touchpoint",
    "Unverifiable",
    "__version__",
]
