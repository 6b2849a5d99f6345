"""The plugin-facing API is exactly ``auditor.__all__``, pinned as httpx pins its own
(``tests/test_exported_members.py``): every public name the package exposes is in
``__all__``, and every name in ``__all__`` is exposed, so nothing becomes public by accident."""

import inspect
import subprocess
import sys

import auditor

PUBLIC_API = [
    "PLUGIN_API_VERSION", "AuditRun", "Check", "CheckContext", "CheckResult", "CollectContext", "Collector",
    "CollectorSettings", "CollectorUnavailable", "Finding", "Hop", "Link", "LinkRef", "LinkResult", "LinkTarget",
    "Location", "NotApplicable", "Page", "PageCheck", "SiteCheck", "SiteView", "Touchpoint", "Unverifiable",
    "__version__",
]


def _exposed(package) -> set[str]:
    """Public names of ``package``: its own globals that are not modules (submodules become
    attributes once imported anywhere), plus what it imports on first use (``__getattr__``)."""
    names = {name for name, value in vars(package).items()
             if (not name.startswith("_") or name == "__version__") and not inspect.ismodule(value)}
    return names | set(getattr(package, "_LAZY", {}))


def test_exported_members():
    assert sorted(auditor.__all__) == sorted(PUBLIC_API)
    assert len(auditor.__all__) == len(set(auditor.__all__))


def test_all_public_names_are_exported():
    assert _exposed(auditor) == set(auditor.__all__)
    for name in auditor.__all__:
        assert getattr(auditor, name) is not None
    assert set(auditor.__all__) <= set(dir(auditor))


def test_the_collector_api_is_the_one_plugins_subclass():
    from auditor.collector import CollectContext, Collector, CollectorSettings, CollectorUnavailable

    assert (auditor.Collector, auditor.CollectContext, auditor.CollectorSettings, auditor.CollectorUnavailable) == (
        Collector, CollectContext, CollectorSettings, CollectorUnavailable)


def test_importing_auditor_does_not_import_pydantic():
    """The command line starts its parse workers while it imports; the collector API (and
    pydantic with it) loads on first use, not with ``import auditor``."""
    code = "import sys, auditor; print('pydantic' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
