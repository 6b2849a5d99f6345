"""Finding, launching and relaunching the Chromium the renderer drives through Playwright.

Playwright's own browser download does not work everywhere (closed networks, CI), so the
system Chromium (Debian's ``chromium``) comes first, then a browser ``playwright install``
put in place. Neither: ``CollectorUnavailable`` naming both ways to get one.

The browser reaches test servers and staging hosts exactly as the crawler does:
``--resolve`` rules become ``--host-resolver-rules``; a ``--ca-bundle`` is trusted through a
throw-away NSS database (Chromium on Linux reads ``$HOME/.pki/nssdb``) when ``certutil``
is installed, and otherwise certificate errors are ignored (the renderer only ever loads
the audited site's own hosts, see ``render.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.collector import CollectorUnavailable

if TYPE_CHECKING:
    from playwright.async_api import Browser, Playwright

    from auditor.collect.render.settings import RenderSettings
    from auditor.config import Resolve

SYSTEM_CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
NO_BROWSER = ("no Chromium found: install Debian's chromium package (apt-get install chromium) "
              "or Playwright's browser (python -m playwright install chromium)")
# Without the background-networking flags Chromium phones home (updates, sync, field
# trials); on a closed network those connections fail and slow every launch.
BASE_ARGS = ("--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
             "--mute-audio", "--no-default-browser-check",
             # Back/forward cache: would keep every page a tab left alive in memory.
             "--disable-features=Translate,MediaRouter,BackForwardCache")


def find_browser(configured: str = "", system: Iterable[str] = SYSTEM_CHROMIUM,
                 playwright_path: str | None = None) -> str:
    """The Chromium binary to launch: the configured one, the system one, Playwright's own."""
    if configured:
        if not Path(configured).is_file() or not os.access(configured, os.X_OK):
            raise CollectorUnavailable(f"the configured browser {configured} does not exist or is not executable; "
                                       + NO_BROWSER.removeprefix("no Chromium found: "))
        return configured
    for candidate in system:
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    if playwright_path and Path(playwright_path).is_file():
        return playwright_path
    raise CollectorUnavailable(NO_BROWSER)


def resolver_rules(resolves: Iterable[Resolve]) -> str:
    """``--resolve HOST:PORT:ADDRESS[:PORT]`` as Chromium host-resolver rules."""
    rules = []
    for r in resolves:
        address = f"[{r.address}]" if ":" in r.address else r.address
        rules.append(f"MAP {r.host}:{r.port} {address}:{r.address_port or r.port}")
    return ", ".join(rules)


def trust_store(ca_bundle: Path) -> Path | None:
    """A temporary HOME whose NSS database trusts the certificates of ``ca_bundle``;
    None when ``certutil`` (Debian: libnss3-tools) is missing or refuses the file."""
    certutil = shutil.which("certutil")
    if certutil is None:
        return None
    home = Path(tempfile.mkdtemp(prefix="auditor-browser-home-"))
    db = home / ".pki" / "nssdb"
    db.mkdir(parents=True)
    pems = _split_pem(ca_bundle.read_text("utf-8", errors="replace"))
    try:
        subprocess.run([certutil, "-d", f"sql:{db}", "-N", "--empty-password"], check=True,
                       capture_output=True, timeout=30)
        for i, pem in enumerate(pems):
            subprocess.run([certutil, "-d", f"sql:{db}", "-A", "-n", f"auditor-ca-{i}", "-t", "C,,"],
                           input=pem.encode(), check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        shutil.rmtree(home, ignore_errors=True)
        return None
    return home if pems else None


def _split_pem(text: str) -> list[str]:
    end = "-----END CERTIFICATE-----"
    return [block.strip() + "\n" + end + "\n" for block in text.split(end) if "-----BEGIN CERTIFICATE-----" in block]


class BrowserPool:
    """One headless Chromium shared by the render workers, relaunched if it dies.

    Each render gets its own browser context (cookies, cache and consent state do not
    leak between pages); Chromium gives every context its own renderer process, so a
    tab stuck in a JavaScript loop or crashed does not stall the others.
    """

    def __init__(self, settings: RenderSettings, resolves: Iterable[Resolve], ca_bundle: Path | None,
                 proxy: str = "") -> None:
        self.settings = settings
        self.proxy = proxy  # the private-address guard's proxy (render/proxy.py): all traffic goes through it
        self.rules = resolver_rules(resolves)
        self.ca_bundle = ca_bundle
        self.executable = ""
        self.version = ""
        self.ignore_https_errors = False
        self.notes: list[str] = []
        self.launches = 0
        self._home: Path | None = None
        self._pw_manager: Any = None
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> BrowserPool:
        try:
            from playwright.async_api import async_playwright
        except ImportError:
            raise CollectorUnavailable("the Python package playwright is not installed (pip install playwright)") \
                from None
        self._pw_manager = async_playwright()
        self._pw = await self._pw_manager.__aenter__()
        try:
            own = self._pw.chromium.executable_path
        except Exception:  # Playwright without a browser registry entry
            own = None
        self.executable = find_browser(self.settings.executable, playwright_path=own)
        if self.ca_bundle is not None:
            self._home = trust_store(self.ca_bundle)
            if self._home is None:
                self.ignore_https_errors = True
                self.notes.append("browser: certutil (libnss3-tools) is missing, so certificate errors are "
                                  "ignored instead of trusting only the --ca-bundle")
        await self.browser()
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self._browser is not None:
                await asyncio.wait_for(self._browser.close(), 30)
        except Exception:  # already gone; the Playwright driver stops it below
            pass
        finally:
            if self._pw_manager is not None:
                await self._pw_manager.__aexit__(None, None, None)
            if self._home is not None:
                shutil.rmtree(self._home, ignore_errors=True)

    def args(self, sandbox: bool) -> list[str]:
        args = [*BASE_ARGS, f"--js-flags=--max-old-space-size={self.settings.js_heap_mb}"]
        if not sandbox:
            args.append("--no-sandbox")
        if self.rules:
            args.append(f"--host-resolver-rules={self.rules}")
        if self.proxy:  # "<-loopback>": loopback too goes through the proxy (Chromium bypasses it by default)
            args += [f"--proxy-server={self.proxy}", "--proxy-bypass-list=<-loopback>"]
        return args

    async def browser(self) -> Browser:
        """The running browser; launched again when the previous one died."""
        async with self._lock:
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            self._browser = await self._launch()
            self.launches += 1
            self.version = self._browser.version
            return self._browser

    async def discard(self, browser: Browser) -> None:
        """Give up a browser that stopped answering; the next render launches a new one."""
        async with self._lock:
            if self._browser is browser:
                self._browser = None
        with contextlib.suppress(Exception):  # if it will not close, the Playwright driver kills it at the end
            await asyncio.wait_for(browser.close(), 10)

    async def _launch(self) -> Browser:
        assert self._pw is not None
        mode = self.settings.sandbox
        # Chromium refuses its sandbox as root; elsewhere use it, and fall back only in auto mode.
        sandbox = mode == "on" or (mode == "auto" and os.geteuid() != 0)
        env: dict[str, str | float | bool] | None = {**os.environ, "HOME": str(self._home)} if self._home else None
        try:
            return await self._pw.chromium.launch(executable_path=self.executable, headless=True,
                                                  args=self.args(sandbox), env=env, timeout=60_000)
        except Exception as exc:
            if sandbox and mode == "auto":
                self.notes.append("browser: Chromium's sandbox is not available here; it runs without it")
                return await self._pw.chromium.launch(executable_path=self.executable, headless=True,
                                                      args=self.args(False), env=env, timeout=60_000)
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
            raise CollectorUnavailable(f"{self.executable} does not start: {first_line[:200]}") from None
