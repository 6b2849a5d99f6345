"""The plugin-facing API is exactly ``auditor.__all__`` (pinned, as httpx does)."""

import auditor


def test_exported_members():
    assert sorted(auditor.__all__) == sorted([
        "PLUGIN_API_VERSION", "AuditRun", "Check", "CheckContext", "CheckResult", "Finding", "Hop", "Link",
        "LinkRef", "LinkResult", "LinkTarget", "Location", "NotApplicable", "Page", "PageCheck", "SiteCheck",
        "SiteView",
        "Touchpoint", "Unverifiable", "__version__",
    ])
    for name in auditor.__all__:
        assert hasattr(auditor, name)
