"""One JSON POST to a webhook, with a time limit and one retry of a transient failure.

Transient: a connection error or time-out, a 5xx answer, or 429 (then after its
``Retry-After``, capped). A 4xx answer is the receiver saying no (a revoked Slack URL, a bad
payload): retrying cannot help. Redirects are not followed: a POST that a 30x turns into a
GET would deliver nothing while looking fine.

The URL of a Slack or Teams webhook is itself the secret, so results name only its scheme
and host (``redact``).
"""

from __future__ import annotations

import json
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Delivery", "post_json", "redact"]

RETRY_DELAY = 1.0
MAX_RETRY_AFTER = 10.0
MAX_ERROR_BODY = 200


@dataclass(frozen=True)
class Delivery:
    """How a delivery ended: ``ok``, a short reason when not, and why the first attempt
    failed when there was a retry."""

    ok: bool
    reason: str = ""
    attempts: int = 1
    first_failure: str = ""


def redact(url: str) -> str:
    """``https://hooks.slack.com/…``: enough to tell webhooks apart, not enough to post to them."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}/…"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the 30x is reported as a failure by the caller


def tls_context(ca_bundle: Path | None) -> ssl.SSLContext:
    """The system's CAs plus ``ca_bundle``: for webhooks and for SMTP (``email.py``)."""
    context = ssl.create_default_context()
    if ca_bundle is not None:
        context.load_verify_locations(cafile=str(ca_bundle))  # in addition to the system's CAs
    return context


def _opener(ca_bundle: Path | None) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_NoRedirect(), urllib.request.HTTPSHandler(context=tls_context(ca_bundle)))


def _one_line(text: str) -> str:
    return " ".join(text.split())[:MAX_ERROR_BODY]


def _attempt(opener: urllib.request.OpenerDirector, request: urllib.request.Request,
             timeout: float) -> tuple[bool, bool, str, float]:
    """(ok, transient, reason, wait before retrying) of one POST."""
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read(65536)
            return True, False, "", 0.0
    except urllib.error.HTTPError as exc:
        body = _one_line(exc.read(MAX_ERROR_BODY * 4).decode("utf-8", "replace")) if exc.fp else ""
        reason = f"HTTP {exc.code}" + (f": {body}" if body else "")
        if exc.code == 429:
            try:
                wait = float(exc.headers.get("Retry-After", RETRY_DELAY))
            except ValueError:
                wait = RETRY_DELAY
            return False, True, reason, min(max(wait, 0.0), MAX_RETRY_AFTER)
        return False, exc.code >= 500, reason, RETRY_DELAY
    except urllib.error.URLError as exc:
        # An untrusted certificate stays untrusted a second later; anything else may pass.
        transient = not isinstance(exc.reason, ssl.SSLCertVerificationError)
        return False, transient, _one_line(str(exc.reason)), RETRY_DELAY
    except (TimeoutError, ConnectionError, OSError) as exc:
        return False, True, _one_line(f"{exc.__class__.__name__}: {exc}"), RETRY_DELAY


def post_json(url: str, payload: Any, *, timeout: float = 10, headers: dict[str, str] | None = None,
              ca_bundle: Path | None = None, retry_delay: float | None = None) -> Delivery:
    """POST ``payload`` as JSON; never raises for a delivery failure."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request_headers = {"Content-Type": "application/json; charset=utf-8",
                       "User-Agent": "touchpoint-auditor-notify/1", **(headers or {})}
    opener = _opener(ca_bundle)
    first = ""
    for attempt in (1, 2):
        request = urllib.request.Request(url, data=data, headers=request_headers, method="POST")
        ok, transient, reason, wait = _attempt(opener, request, timeout)
        if ok:
            return Delivery(True, attempts=attempt, first_failure=first)
        if not transient or attempt == 2:
            return Delivery(False, reason, attempt, first)
        first = reason
        time.sleep(wait if retry_delay is None else retry_delay)
    raise AssertionError("unreachable: the second attempt returns")
