"""Read a CSV of ads: our own columns, or a Google Ads or Meta export as it comes.

Agencies export ads from the platforms and hand the file over unchanged, so the format is
detected from the header, not asked for: ``ad_id, headline, description, final_url``
(ours), ``Final URL, Headline 1 … 15, Description 1 … 4`` (Google Ads) or
``Link, Title, Body, Ad name`` (Meta). Dutch Excel saves with semicolons; exports may
carry a BOM, report-title lines above the header and ``Total:`` rows below the ads.

A malformed file is the user's to fix, before an hour of crawling: ``load_ads`` raises
``InputError`` with one line naming the row and the column (rows count as a spreadsheet
shows them, the header being row 1 of the table).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from auditor.artifacts.ads import Ad
from auditor.errors import InputError
from auditor.urls import InvalidURL, normalise

__all__ = ["Ad", "load_ads", "parse_ads"]

MAX_FILE_BYTES = 20_000_000
MAX_ADS = 20_000
MAX_CELL = 2_000
# Lines above the header that exports add ("Ad report", "1 May 2025 - 31 May 2025").
MAX_PREAMBLE = 5


@dataclass(frozen=True)
class _Format:
    """How one export names the fields we need (lower-cased header names)."""

    name: str
    url: tuple[str, ...]
    headlines: tuple[str, ...]
    descriptions: tuple[str, ...]
    ad_id: tuple[str, ...]
    url_suffix: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    context: tuple[str, ...] = ()  # used to name an ad that has no id


_NUMBERED = re.compile(r"^(headline|description)\s*(\d{1,2})$")
FORMATS = (
    _Format("native", url=("final_url",), headlines=("headline",), descriptions=("description",),
            ad_id=("ad_id",)),
    _Format("google-ads", url=("final url", "final urls"), headlines=("headline",), descriptions=("description",),
            ad_id=("ad id",), url_suffix=("final url suffix",), status=("ad status", "status"),
            context=("campaign", "ad group")),
    _Format("meta", url=("link", "website url"), headlines=("title", "headline"),
            descriptions=("body", "text", "primary text"), ad_id=("ad id",), url_suffix=("url tags",),
            status=("ad delivery", "delivery status"), context=("ad name",)),
)
_REMOVED = {"removed", "deleted", "verwijderd"}
_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Google Ads Editor writes UTF-16
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{name}: line {line}: not UTF-8 text (save the file as CSV UTF-8)") from None


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _detect(header: list[str]) -> _Format | None:
    names = {h.strip().lower() for h in header}
    for fmt in FORMATS:
        has_text = any(_header_matches(n, fmt.headlines + fmt.descriptions) for n in names)
        if any(u in names for u in fmt.url) and has_text:
            return fmt
    return None


def _header_matches(name: str, bases: tuple[str, ...]) -> bool:
    match = _NUMBERED.match(name)
    return name in bases or bool(match and match.group(1) in bases)


def _columns(header: list[str], bases: tuple[str, ...]) -> list[int]:
    """Indexes of the columns named ``base`` or ``base N``, in the order N (Headline 1, 2, … 15)."""
    found: list[tuple[int, int]] = []
    for i, h in enumerate(header):
        name = h.strip().lower()
        match = _NUMBERED.match(name)
        if name in bases:
            found.append((0, i))
        elif match and match.group(1) in bases:
            found.append((int(match.group(2)), i))
    return [i for _, i in sorted(found)]


def _first(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    return next((lowered.index(n) for n in names if n in lowered), None)


def load_ads(path: str | Path) -> list[Ad]:
    """Read and validate an ads CSV; ``InputError`` names the row and column of the first problem.

    The CLI calls this before the crawl, so a bad file fails in a second, not after it.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"{path.name}: {size:,} bytes is larger than the {MAX_FILE_BYTES:,} bytes accepted")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"--ads {str(path)!r}: cannot read the file: {exc.strerror or exc}") from None
    return parse_ads(_decode(raw, path.name), path.name)


def parse_ads(text: str, name: str = "ads.csv") -> list[Ad]:
    """Parse the text of an ads CSV (see ``load_ads``)."""
    lines = text.splitlines()
    start, fmt = 0, None
    for start in range(min(MAX_PREAMBLE + 1, len(lines))):
        header = next(csv.reader([lines[start]], delimiter=_delimiter(lines[start])), [])
        fmt = _detect(header)
        if fmt:
            break
    if fmt is None:
        first = lines[0][:120] if lines else ""
        raise InputError(f"{name}: row 1: the header {first!r} names no known ads format: expected the columns "
                         "ad_id, headline, description, final_url (or a Google Ads or Meta export)")
    delimiter = _delimiter(lines[start])
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=delimiter, strict=True)
    try:
        rows = list(_rows(reader, name))
    except csv.Error as exc:
        raise InputError(f"{name}: line {start + reader.line_num}: {exc}") from None
    header = rows[0]
    ads = list(_ads(rows[1:], header, fmt, name, delimiter, first_row=start + 2))
    if not ads:
        raise InputError(f"{name}: no ads in the file (only a header)")
    return ads


def _rows(reader: Iterable[list[str]], name: str) -> Iterable[list[str]]:
    for n, row in enumerate(reader):
        if n > MAX_ADS:
            raise InputError(f"{name}: more than {MAX_ADS:,} ads; split the file")
        yield row


def _ads(rows: list[list[str]], header: list[str], fmt: _Format, name: str, delimiter: str,
         first_row: int) -> Iterable[Ad]:
    url_col = _first(header, fmt.url)
    assert url_col is not None
    head_cols = _columns(header, fmt.headlines)
    desc_cols = _columns(header, fmt.descriptions)
    id_col = _first(header, fmt.ad_id)
    suffix_col = _first(header, fmt.url_suffix)
    status_col = _first(header, fmt.status)
    context_cols = [c for c in (_first(header, (n,)) for n in fmt.context) if c is not None]
    used = {url_col, *head_cols, *desc_cols, *([id_col] if id_col is not None else [])}
    seen: dict[str, int] = {}
    for n, row in enumerate(rows, start=first_row):
        if not any(cell.strip() for cell in row):
            continue
        if row[0].strip().lower().startswith(("total:", "totaal:")):
            continue  # the summary rows of a Google Ads report
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            raise InputError(f"{name}: row {n}: {len(row)} fields but the header has {len(header)} "
                             f"(a {_SEPARATOR_NAMES[delimiter]} inside a text that is not in quotes?)")
        cells = [c.strip() for c in row] + [""] * (len(header) - len(row))
        for i, cell in enumerate(cells[: len(header)]):
            if len(cell) > MAX_CELL:
                raise InputError(f"{name}: row {n}, column {header[i].strip()!r}: longer than {MAX_CELL} characters")
        if status_col is not None and cells[status_col].lower() in _REMOVED:
            continue
        url = cells[url_col]
        if suffix_col is not None and cells[suffix_col]:
            url += ("&" if "?" in url else "?") + cells[suffix_col].lstrip("?&")
        column = header[url_col].strip()
        if not url:
            raise InputError(f"{name}: row {n}, column {column!r}: empty; every ad needs the URL it links to")
        try:
            url, _ = normalise(url, strip_params=False)
        except InvalidURL as exc:
            raise InputError(f"{name}: row {n}, column {column!r}: {exc}") from None
        headlines = tuple(cells[i] for i in head_cols if cells[i])
        descriptions = tuple(cells[i] for i in desc_cols if cells[i])
        if not headlines and not descriptions:
            col = header[head_cols[0]].strip() if head_cols else header[desc_cols[0]].strip()
            raise InputError(f"{name}: row {n}, column {col!r}: the ad has no headline and no description")
        ad_id = cells[id_col] if id_col is not None else ""
        id_name = header[id_col].strip() if id_col is not None else ""
        if id_col is not None and not ad_id and fmt.name == "native":
            raise InputError(f"{name}: row {n}, column {id_name!r}: empty; give every ad an id")
        if ad_id and ad_id in seen:
            raise InputError(f"{name}: row {n}, column {id_name!r}: id {ad_id!r} is used for row {seen[ad_id]} too")
        if ad_id:
            seen[ad_id] = n
        label = " / ".join(cells[c] for c in context_cols if cells[c])
        extra = {header[i].strip(): cells[i] for i in range(len(header)) if i not in used and cells[i]}
        yield Ad(ad_id=ad_id or label or f"row {n}", headlines=headlines,
                 descriptions=descriptions, final_url=url, row=n, source_format=fmt.name, extra=extra,
                 id_given=bool(ad_id))
