"""The portfolio dashboard: one static page listing every client of a portfolio, its last
run, status, score per family with a 30-night trend, new findings and a link to its report.

    write_dashboard(portfolio, history_db=None, out_dir=None)   write DIR/index.html; returns its path

A reporter: it reads the history database and renders; it audits and fetches nothing.
``overview.py`` reads history into plain data, ``page.py`` renders it with the report's
template environment, stylesheet, catalogue and Content-Security-Policy. The nightly
``run`` calls ``write_dashboard`` at its end when the portfolio names ``[dashboard] out``;
a fleet worker calls it after each task (docs/dashboard.md).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from auditor.dashboard.overview import ClientEntry, Overview, read_overview
from auditor.errors import InputError

if TYPE_CHECKING:
    from auditor.nightly.portfolio import Portfolio

__all__ = ["INDEX", "write_dashboard"]

INDEX = "index.html"


def write_dashboard(portfolio: Portfolio | str | os.PathLike[str], history_db: str | None = None,
                    out_dir: str | os.PathLike[str] | None = None, *, language: str | None = None,
                    end: dt.date | None = None, now: dt.datetime | None = None) -> Path:
    """Write the dashboard of ``portfolio`` (a loaded ``Portfolio`` or the path of its file)
    to ``out_dir/index.html`` and return that path. The file is replaced atomically (a
    temporary file beside it, then a rename), so a web server or a browser never reads
    half a page, and several workers may call this at once: the last one wins whole.

    ``history_db``: the history database URL (default: the portfolio's); ``out_dir``:
    default ``[dashboard] out``; ``language``: ``nl`` or ``en`` (default ``[dashboard]
    language``, else the language most clients' reports are configured in, else English);
    ``end``: the last night of the 30-night trend (default: the newest night recorded).
    Raises ``AuditorError`` subclasses only (one line each): bad input, history trouble,
    a folder that cannot be written."""
    from auditor.history import History
    from auditor.nightly.portfolio import Portfolio, load_portfolio

    loaded = portfolio if isinstance(portfolio, Portfolio) else load_portfolio(Path(portfolio))
    folder = out_dir if out_dir is not None else loaded.dashboard_dir
    if folder is None:
        raise InputError(f"portfolio {str(loaded.path)!r} names no [dashboard] out folder: give --out DIR")
    entries = [_entry(name, client) for name, client in loaded.clients.items()]
    history = History(history_db or loaded.history_url)
    try:
        overview = read_overview(history, entries, end=end)
    finally:
        history.close()
    html = render_page(overview, Path(folder), loaded.report_defaults,
                       language or loaded.dashboard_language, now=now)
    return _write(Path(folder), html)


def render_page(overview: Overview, out_dir: Path, report_defaults: Any, language: str | None, *,
                now: dt.datetime | None = None) -> str:
    """The HTML of the dashboard of ``overview`` as it will lie in ``out_dir``."""
    from auditor.dashboard.page import build_view, render
    from auditor.report.brand import brand_view
    from auditor.report.i18n import choose_language, load_catalogue

    lang = choose_language(language, (s.client.language for s in overview.clients))
    cat = load_catalogue(lang)
    view = build_view(overview, cat, brand_view(report_defaults), out_dir, now=now)
    return render(view, cat)


def _entry(name: str, client: Any) -> ClientEntry:
    config = client.config
    target = config.target or ""
    display = config.report.brand.client.strip() or urlsplit(target).hostname or name
    return ClientEntry(name=name, target=target, display=display, language=config.report.language)


def _write(folder: Path, html: str) -> Path:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{INDEX}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(html)
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the page from a web server
            os.replace(tmp, folder / INDEX)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputError(f"cannot write the dashboard to {folder}: {exc.strerror or exc}") from None
    return folder / INDEX
