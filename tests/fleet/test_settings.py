"""``[fleet]`` in the portfolio: validated in one line, time limits from each client's budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.cli import main
from auditor.errors import ConfigError
from auditor.fleet.settings import load_fleet
from auditor.nightly.portfolio import load_portfolio

CLIENTS = """
[clients.quick]
target = "http://127.0.0.1:1/"
[clients.quick.crawl]
time_budget = 600

[clients.open]
target = "http://127.0.0.1:2/"
"""


def portfolio(tmp_path: Path, fleet: str, history: str = "postgresql://u@127.0.0.1:1/db") -> Path:
    path = tmp_path / "portfolio.toml"
    path.write_text(f'[portfolio]\nhistory = "{history}"\n\n[fleet]\n{fleet}\n{CLIENTS}', "utf-8")
    return path


def test_limits_come_from_each_clients_crawl_budget_and_the_visibility_timeout_outlasts_them(tmp_path):
    fleet = load_fleet(load_portfolio(portfolio(tmp_path, 'shared_dir = "shared"\ngrace_seconds = 300\n'
                                                          "task_seconds = 7200\n")))
    assert fleet.limits(fleet.portfolio.clients["quick"]) == (900, 960)  # 600 s crawl + 300 s grace; +60 hard
    assert fleet.limits(fleet.portfolio.clients["open"]) == (7200, 7260)  # no budget: task_seconds
    assert fleet.visibility_timeout == 7260 + 600
    assert fleet.portfolio.run_root("quick") == tmp_path / "shared" / "runs" / "quick"


@pytest.mark.parametrize(("fleet", "history", "message"), [
    ("", "sqlite:///h.db", "fleet: the fleet keeps its state and history in PostgreSQL"),
    ("bogus = 1", None, "fleet: bogus: unknown key"),
    ('broker = "http://x"', None, "fleet: broker 'http://x': expected redis://"),
    ("max_attempts = 0", None, "fleet: max_attempts:"),
])
def test_mistakes_are_one_line_naming_the_key(tmp_path, fleet, history, message):
    path = portfolio(tmp_path, fleet, **({"history": history} if history else {}))
    with pytest.raises(ConfigError) as error:
        load_fleet(load_portfolio(path))
    assert message in str(error.value) and "\n" not in str(error.value)


def test_submit_without_clients_or_with_an_unknown_one_exits_2_with_one_line(tmp_path, capsys):
    path = portfolio(tmp_path, "")
    assert main(["fleet", "submit", "--portfolio", str(path)]) == 2
    assert capsys.readouterr().err == "touchpoint-auditor: error: fleet submit: name the clients to audit, or --all\n"
    assert main(["fleet", "submit", "nobody", "--portfolio", str(path)]) == 2
    assert "no client 'nobody' (clients: open, quick)" in capsys.readouterr().err


def test_an_unreachable_database_is_one_line_without_the_password(tmp_path, capsys):
    path = portfolio(tmp_path, "", history="postgresql://auditor:s3cret@127.0.0.1:1/touchpoint")
    assert main(["fleet", "status", "--portfolio", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("touchpoint-auditor: error: fleet state in postgresql+psycopg://auditor:***@127.0.0.1:1/")
    assert "s3cret" not in err and err.count("\n") == 1


def test_a_broker_that_is_down_fails_the_submit_in_one_line_and_leaves_the_client_unsubmitted(
        tmp_path, capsys, postgres_database):
    from tests.postgres import free_port

    path = portfolio(tmp_path, f'broker = "redis://127.0.0.1:{free_port()}/0"', history=postgres_database)
    assert main(["fleet", "submit", "quick", "--portfolio", str(path), "--as-of", "2026-12-01"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("touchpoint-auditor: error: broker redis://127.0.0.1:") and "did not take quick" in err
    assert main(["fleet", "status", "--portfolio", str(path), "--as-of", "2026-12-01"]) == 0
    out = capsys.readouterr().out
    assert "quick" in out and "2 not submitted" in out  # withdrawn: the next submit sends it
