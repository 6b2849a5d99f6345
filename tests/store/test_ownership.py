"""The store owns its schema (issue 16): no module outside ``auditor/store/`` opens the run
store with ``sqlite3`` or writes SQL naming its tables; they go through the store's API."""

from __future__ import annotations

import re
from pathlib import Path

from auditor.store.schema import metadata

ROOT = Path(__file__).parents[2]
# Databases of their own, not the run store: the nightly history and the spelling cache.
OWN_DATABASES = {"auditor/history", "auditor/collect/language/cache.py"}
TABLES = "|".join(sorted(metadata.tables))
SQL_ON_STORE = re.compile(rf"\b(?:FROM|INTO|UPDATE|JOIN|TABLE)\s+(?:{TABLES})\b")  # SQL keywords are upper case here


def _sources() -> list[Path]:
    files = [*ROOT.joinpath("auditor").rglob("*.py"), *ROOT.joinpath("checks").rglob("*.py")]
    return [f for f in files if not f.relative_to(ROOT).as_posix().startswith(("auditor/store/", *OWN_DATABASES))]


def test_no_module_outside_the_store_reads_or_writes_its_tables():
    offenders = []
    for path in _sources():
        text = path.read_text("utf-8")
        rel = path.relative_to(ROOT).as_posix()
        if re.search(r"^\s*import sqlite3\b|^\s*from sqlite3\b", text, re.M):
            offenders.append(f"{rel}: imports sqlite3")
        offenders += [f"{rel}: {m.group(0)!r}" for m in SQL_ON_STORE.finditer(text)]
    assert offenders == []


def test_the_guard_sees_what_it_forbids():
    assert SQL_ON_STORE.search('db.execute("SELECT count(*) FROM pages")')
    assert SQL_ON_STORE.search("INSERT INTO links VALUES (?)")
    assert not SQL_ON_STORE.search("a page's links, from pages the crawl stored")
    assert len(_sources()) > 50
