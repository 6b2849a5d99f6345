"""PDF plumbing that needs no browser: the footer in the report's language, a missing
browser as one clear error, joining the cover and the numbered pages."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from auditor.errors import AuditorError
from auditor.report.i18n import load_catalogue
from auditor.report.pdf import PdfReporter, footer_template, join_pdfs
from tests.report.fixtures import finding, make_run


def test_footer_numbers_pages_in_the_reports_language():
    footer = footer_template(load_catalogue("nl"), "Bureau <Zuid>")
    assert 'Pagina <span class="pageNumber"></span> van <span class="totalPages"></span>' in footer
    assert "Bureau &lt;Zuid&gt;" in footer


def test_no_browser_is_one_clear_error(tmp_path):
    run = replace(make_run((finding(),)), config={"collectors": {"render": {"executable": str(tmp_path / "nope")}}})
    with pytest.raises(AuditorError, match=r"cannot write report\.pdf"):
        PdfReporter().write(run, tmp_path)
    assert not (tmp_path / "report.pdf").exists()


def test_join_keeps_every_page_in_order():
    from pypdf import PdfReader, PdfWriter

    def blank(width: int) -> bytes:
        writer = PdfWriter()
        writer.add_blank_page(width=width, height=842)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    joined = PdfReader(io.BytesIO(join_pdfs(blank(100), blank(200), blank(300))))
    assert [round(float(p.mediabox.width)) for p in joined.pages] == [100, 200, 300]
