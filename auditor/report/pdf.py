"""``report.pdf``: the report as an A4 document, printed by the same Chromium the mobile
checks use (Debian's ``chromium`` first, then Playwright's own; ``[collectors.render]
executable`` when set).

It is the print edition of ``report.html`` (``build_view(..., pdf=True)``): a cover page,
every finding open, at most ``PDF_FINDINGS_PER_CODE`` findings per rule code (the rest
are counted and left to the HTML report), no script, page numbers in the footer. The
page is loaded with ``set_content`` and every request it would make is refused, so
printing never touches the network.
"""

from __future__ import annotations

import asyncio
import html as html_escape
import threading
from pathlib import Path
from typing import Any

from auditor.errors import AuditorError
from auditor.model import AuditRun
from auditor.report.files import replaced_atomically
from auditor.report.html import installed_checks, render_view
from auditor.report.i18n import Catalogue
from auditor.report.view import build_view

__all__ = ["PdfReporter", "footer_template", "print_pdf"]

LAUNCH_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-extensions", "--disable-default-apps", "--mute-audio")
TIMEOUT_MS = 120_000


class PdfUnavailable(AuditorError):
    """No browser could print the PDF (one line for the CLI: exit status 2)."""


def footer_template(cat: Catalogue, left: str) -> str:
    """Chromium's footer: ``left`` (the agency or the site) and "Page N of M" in the report's language."""
    page = html_escape.escape(cat.get("pdf.page") or "{page} / {pages}")
    page = page.replace("{page}", '<span class="pageNumber"></span>')
    page = page.replace("{pages}", '<span class="totalPages"></span>')
    return ('<div style="font:8px sans-serif;color:#555;width:100%;padding:0 14mm;display:flex;'
            f'justify-content:space-between"><span>{html_escape.escape(left)}</span><span>{page}</span></div>')


def _executable(run: AuditRun) -> str:
    from auditor.collect.render.browser import find_browser
    from auditor.collector import CollectorUnavailable

    configured = ""
    collectors = run.config.get("collectors") if isinstance(run.config, dict) else None
    if isinstance(collectors, dict):
        configured = str((collectors.get("render") or {}).get("executable") or "")
    try:
        return find_browser(configured)
    except CollectorUnavailable as exc:
        raise PdfUnavailable(f"cannot write report.pdf: {exc.reason}") from None


async def _print(html: str, footer: str, executable: str) -> bytes:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=executable, headless=True, args=list(LAUNCH_ARGS),
                                           timeout=60_000)
        try:
            page = await browser.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            await page.route("**/*", lambda route: route.abort())  # the report needs nothing from anywhere
            await page.set_content(html, wait_until="load", timeout=TIMEOUT_MS)
            await page.emulate_media(media="print")
            # Margins come from the stylesheet's @page rules (none on the cover). The cover is
            # printed without the footer, the rest with it, and the two are joined.
            cover = await page.pdf(format="A4", print_background=True, prefer_css_page_size=True, page_ranges="1")
            try:
                rest = await page.pdf(format="A4", print_background=True, prefer_css_page_size=True, page_ranges="2-",
                                      display_header_footer=True, header_template="<span></span>",
                                      footer_template=footer)
            except Exception:  # a report that fits on the cover page alone
                return cover
            return join_pdfs(cover, rest)
        finally:
            await browser.close()


def join_pdfs(*documents: bytes) -> bytes:
    """One PDF of the pages of ``documents``, in order."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for data in documents:
        writer.append(io.BytesIO(data))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def print_pdf(html: str, footer: str, executable: str) -> bytes:
    """``html`` printed to A4 PDF bytes, also when called from inside a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_print(html, footer, executable))
    result: dict[str, Any] = {}

    def work() -> None:
        try:
            result["pdf"] = asyncio.run(_print(html, footer, executable))
        except BaseException as exc:  # handed to the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=work, name="report-pdf")
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["pdf"]


class PdfReporter:
    """Writes ``report.pdf``."""

    format = "pdf"
    filename = "report.pdf"

    def write(self, run: AuditRun, out_dir: Path) -> Path:
        view = build_view(run, installed_checks(), assets=Path(out_dir), pdf=True)
        left = view.brand.agency or view.client
        data = print_pdf(render_view(view), footer_template(view.cat, left), _executable(run))
        path = Path(out_dir) / self.filename
        with replaced_atomically(path) as tmp:
            tmp.write_bytes(data)
        return path
