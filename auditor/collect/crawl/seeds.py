"""Start URLs besides the audited address: ``--seed URL`` (repeatable) and ``--urls FILE``.

A seed is a page of the audited site that no link reaches (a landing page for a campaign,
a page of a menu built by a script); list mode (``--urls``, as Screaming Frog's) audits
exactly the listed pages and follows none of their links, though it checks them all.
"""

from __future__ import annotations

from auditor.errors import InputError
from auditor.urls import InvalidURL, Scope, normalise


def seed_url(seed: str, scope: Scope, strip_params: bool) -> str:
    """The normalised seed, or one clear line when it is not a page of the audited site."""
    try:
        url, _ = normalise(seed, strip_params)
    except InvalidURL as exc:
        raise InputError(f"seed {seed!r}: {exc}") from None
    if not scope.is_internal(url):
        raise InputError(f"seed {seed!r} is not on the audited site ({scope.start_url})")
    return url
