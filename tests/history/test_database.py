"""Where the history lives and what goes wrong opening it: one line each, no password."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from auditor.history import History, HistoryError, default_data_dir, default_history_url
from auditor.history.database import mask, parse_url


def test_default_location_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "touchpoint-auditor"
    assert default_history_url() == f"sqlite:///{tmp_path}/xdg/touchpoint-auditor/history.db"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/dir")  # invalid per the XDG spec: ignored
    assert default_data_dir() == tmp_path / "home" / ".local" / "share" / "touchpoint-auditor"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert default_data_dir() == tmp_path / "home" / ".local" / "share" / "touchpoint-auditor"


def test_no_url_opens_the_default_file_creating_its_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    History().close()
    assert (tmp_path / "data" / "touchpoint-auditor" / "history.db").is_file()


@pytest.mark.parametrize(("url", "driver", "database"), [
    ("postgresql://u:pw@db.example:5433/hist", "postgresql+psycopg", "hist"),
    ("postgres://u@db.example/hist", "postgresql+psycopg", "hist"),
    ("postgresql+psycopg://u@db.example/hist", "postgresql+psycopg", "hist"),
    ("sqlite:////var/lib/h.db", "sqlite", "/var/lib/h.db"),
    ("/var/lib/h.db", "sqlite", "/var/lib/h.db"),
])
def test_url_forms(url, driver, database):
    parsed = parse_url(url)
    assert (parsed.drivername, parsed.database) == (driver, database)


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://u:hunter2@db/h", "unsupported history URL mysql://u:***@db/h: use sqlite:///PATH or postgresql://…"),
    ("postgresql+psycopg2://u@db/h", "unsupported history URL postgresql+psycopg2://u@db/h: use sqlite:///PATH or "
                                     "postgresql://…"),
    ("postgresql://u:hunter2@db:notaport/h", "bad history URL postgresql://***@db:notaport/h: expected "
                                             "sqlite:///PATH or postgresql://…"),
    ("  ", "history URL is empty"),
])
def test_bad_urls_are_one_line_without_password(url, message):
    with pytest.raises(HistoryError) as raised:
        History(url)
    assert str(raised.value) == message


def test_unreachable_server_is_one_line_without_password():
    with socket.socket() as sock:  # a port nobody listens on: bound, never listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        with pytest.raises(HistoryError) as raised:
            History(f"postgresql://auditor:s3cret@127.0.0.1:{port}/history")
    message = str(raised.value)
    assert message.startswith(f"history database postgresql+psycopg://auditor:***@127.0.0.1:{port}/history: "
                              "cannot open: ")
    assert "refused" in message.lower()
    assert "s3cret" not in message and "\n" not in message


def test_unknown_database_on_a_real_server(postgres_url):
    url = postgres_url.rsplit("/", 1)[0] + "/no_such_db"
    with pytest.raises(HistoryError, match=r'cannot open: .*database "no_such_db" does not exist'):
        History(url)


def test_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "history.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(HistoryError) as raised:
        History(str(path))
    assert str(raised.value) == f"history database sqlite:///{path}: cannot open: file is not a database"


def test_a_directory_that_cannot_be_created(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(HistoryError, match="cannot create the directory of history database"):
        History(f"sqlite:///{tmp_path / 'file' / 'sub' / 'h.db'}")


def test_mask_hides_passwords_even_in_unparseable_urls():
    assert mask("postgresql://u:pw@h/db") == "postgresql://u:***@h/db"
    assert mask("postgresql://u:pw@h:bad/db") == "postgresql://***@h:bad/db"
    assert mask(Path("/x").as_posix()) == "/x"


def test_connections_that_switch_a_fresh_database_to_wal_at_once_all_succeed(tmp_path):
    """Several processes opening a new history database at the same moment all switch it to
    WAL; SQLite answers one of two such switches "database is locked" at once, busy timeout
    or not (before the fix: 17 of 300 rounds of four threads here). Each round is a fresh
    database and four connections released together, as the nightly ``--parallel`` does."""
    import threading

    from auditor.history.database import open_engine

    failures: list[str] = []
    for round_ in range(120):
        url = parse_url(f"sqlite:///{tmp_path}/h{round_}.db")
        engines = [open_engine(url) for _ in range(4)]  # one each, as separate processes have
        start = threading.Barrier(len(engines))

        def connect(engine, start=start):
            start.wait()
            try:
                with engine.connect() as conn:
                    assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            except Exception as exc:
                failures.append(f"{type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=connect, args=(engine,)) for engine in engines]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for engine in engines:
            engine.dispose()
    assert failures == []
