"""``report.html``: the report an agency sends its client, one self-contained file.

``view.build_view`` turns the ``AuditRun`` into plain view-model dataclasses; the Jinja2
templates (``report_templates/``) only render them, with autoescape on and undefined
names failing loudly: everything from a crawled page or a plugin is untrusted text.

Its stylesheet and its one small script are inline, the agency's logo is a ``data:`` URI,
and the phone screenshots are the files the renderer wrote next to it
(``screenshots/…``, relative addresses: inlined as base64 they made reports of 13-17 MB).
A Content-Security-Policy allows exactly that: the script and the stylesheet by their
SHA-256 hashes, images as ``data:`` or from the report's own folder (``'self'``), nothing
else (no ``'unsafe-inline'``, no network). The PDF edition embeds its screenshots.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from auditor.model import AuditRun
from auditor.report.files import replaced_atomically
from auditor.report.safety import clip
from auditor.report.view import CheckInfo, ReportView, build_view, no_gc

__all__ = ["HtmlReporter", "build_view", "csp_for", "environment", "installed_checks", "render_html"]

_RST = re.compile(r"``([^`]*)``")


def _templates() -> Path:
    return Path(str(resources.files("report_templates")))


def paragraphs(text: str) -> list[str]:
    """Docstring text as paragraphs of plain text (``literal`` markup removed)."""
    text = _RST.sub(r"\1", text or "")
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment: autoescape always on, StrictUndefined."""
    env = Environment(
        loader=FileSystemLoader(_templates()),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["clip"] = clip
    env.filters["paragraphs"] = paragraphs
    return env


@lru_cache(maxsize=4)  # report.css, report.js, dashboard.css
def _asset(name: str) -> str:
    return (_templates() / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


# Shown only without scripting: every finding, including those the script would page through.
NOSCRIPT_CSS = ".finding[hidden]{display:block!important}"


def csp_for(css: str, js: str | None, *more_css: str, files: bool = False) -> str:
    """The report's Content-Security-Policy: its own styles and script by hash, data: images
    and, with ``files``, images from the report's own folder (its screenshots)."""
    script = _sha256(js) if js else "'none'"
    styles = " ".join(_sha256(text) for text in (css, *more_css))
    images = "'self' data:" if files else "data:"
    return (f"default-src 'none'; img-src {images}; style-src {styles}; script-src {script}; "
            "base-uri 'none'; form-action 'none'")


def installed_checks() -> dict[str, CheckInfo]:
    """The installed checks as the report needs them (family, docstring sections, class)."""
    from auditor.registry import load_checks

    return {code: CheckInfo(info.cls, info.cls.family, info.cls.doc_sections()) for code, info in load_checks().items()}


def render_view(view: ReportView) -> str:
    """The HTML of a view model."""
    css = view.brand.css() + _asset("report.css")
    js = None if view.pdf else _asset("report.js")
    with no_gc():
        return environment().get_template("report.html").render(
            view=view, cat=view.cat, t=view.cat.t, num=view.cat.number, css=Markup(css),
            noscript_css=Markup(NOSCRIPT_CSS), js=Markup(js or ""),
            csp=csp_for(css, js, NOSCRIPT_CSS, files=not view.pdf))


def render_html(run: AuditRun, assets: Path | None = None, *, pdf: bool = False,
                checks: Mapping[str, CheckInfo] | None = None) -> str:
    """The report of ``run``; ``assets`` is the run directory (evidence screenshots)."""
    view = build_view(run, installed_checks() if checks is None else checks, assets=assets, pdf=pdf)
    return render_view(view)


class HtmlReporter:
    """Writes ``report.html``."""

    format = "html"
    filename = "report.html"

    def write(self, run: AuditRun, out_dir: Path) -> Path:
        html = render_html(run, Path(out_dir))
        path = Path(out_dir) / self.filename
        with replaced_atomically(path) as tmp:
            tmp.write_text(html, encoding="utf-8")
        return path
