"""What the language service said about a text, kept between runs.

Nightly audits see the same texts again: the footer, the menu, every page that did not
change. A text is sent again only when its hash is new for that engine and dictionary
(``identity``: LanguageTool's version and level, or the Hunspell dictionaries' hash).
The client's own dictionary and ignore lists are applied afterwards by the checks, so
editing them never makes the cache stale.

One SQLite file per user (``~/.cache/touchpoint-auditor/language.sqlite``), shared by all
sites; WAL mode lets two audits use it at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SCHEMA = "CREATE TABLE IF NOT EXISTS checked (key TEXT PRIMARY KEY, matches TEXT NOT NULL, day INTEGER NOT NULL)"
VERSION = 1
KEEP_DAYS = 180  # an entry is checked again after this: the file stays bounded, rules improve


def default_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "touchpoint-auditor" / "language.sqlite"


def _today() -> int:
    return int(time.time() // 86400)


def text_key(identity: str, lang: str, text: str) -> str:
    return hashlib.blake2b(f"{identity}\0{lang}\0{text}".encode(), digest_size=20).hexdigest()


class MatchCache:
    """``get_many(keys)`` → ``{key: matches}``; ``put_many({key: matches})``."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            if self._db.execute("PRAGMA user_version").fetchone()[0] != VERSION:  # another layout: start anew
                self._db.execute("DROP TABLE IF EXISTS checked")
                self._db.execute(f"PRAGMA user_version = {VERSION}")
            self._db.execute(SCHEMA)
            self._db.execute("DELETE FROM checked WHERE day < ?", (_today() - KEEP_DAYS,))
            self._db.commit()

    def get_many(self, keys: Iterable[str]) -> dict[str, list[Any]]:
        if self._db is None:
            return {}
        found: dict[str, list[Any]] = {}
        keys = list(keys)
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for key, data in self._db.execute(f"SELECT key, matches FROM checked WHERE key IN ({marks})", chunk):
                found[key] = json.loads(data)
        return found

    def put_many(self, entries: dict[str, list[Any]]) -> None:
        if self._db is None or not entries:
            return
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO checked (key, matches, day) VALUES (?, ?, ?)",
                                 [(k, json.dumps(v), _today()) for k, v in entries.items()])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
