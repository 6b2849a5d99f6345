"""touchpoint-auditor: audit an organisation's online touchpoints as a prospect meets them.

The public API for plugin authors is listed in ``__all__`` and pinned by a test that
compares it with every public name the package exposes (tests/test_public_api.py); anything
else in the package is private and may change.

The collector API (``Collector`` …) is imported on first use: it brings pydantic, and the
command line starts its parse workers before that import would finish.
"""

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
    "CollectContext",
    "Collector",
    "CollectorSettings",
    "CollectorUnavailable",
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

_LAZY = {"CollectContext": "auditor.collector", "Collector": "auditor.collector",
         "CollectorSettings": "auditor.collector", "CollectorUnavailable": "auditor.collector"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'auditor' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
