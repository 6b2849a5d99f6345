"""The portfolio file: layering of settings, paths relative to the file naming them, and a
one-line error naming the file and the key for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.errors import ConfigError
from auditor.nightly.portfolio import load_portfolio

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def test_settings_layer_defaults_config_file_client_and_flags(tmp_path):
    write(tmp_path / "clients" / "bakery.toml", """
as_of = 2020-01-01          # ignored: the night's date comes from the clock or --as-of
[crawl]
max_pages = 300
max_depth = 4
[checks.TP301]
dictionary = "bakery-words.txt"   # relative to this file's folder
""")
    write(tmp_path / "clients" / "bakery-words.txt", "Zoetelief\n")
    write(tmp_path / "ads" / "bakery.csv", "ad_id,headline,description,final_url\n")
    write(tmp_path / "brand" / "logo.png", "")
    (tmp_path / "brand" / "logo.png").write_bytes(PNG)
    portfolio = write(tmp_path / "portfolio.toml", """
[portfolio]
data_dir = "var"
parallel = 3
time_budget = 7200

[defaults]
damping = 2
[defaults.crawl]
max_pages = 1000
rate_limit = 2.0
resolve = ["www.bakery.test:443:10.0.0.1"]
[defaults.report]
formats = ["html", "json"]
brand = { agency = "Bureau Noord", logo = "brand/logo.png" }
[defaults.notify]
min_severity = "warning"
[defaults.notify.email]
host = "smtp.bureau.test"
sender = "audits@bureau.test"
recipients = ["team@bureau.test"]

[clients.bakery]
target = "https://www.bakery.test/"
config = "clients/bakery.toml"
ads = "ads/bakery.csv"
crawl.max_depth = 6
notify.email.recipients = ["owner@bakery.test"]

[clients.garage]
target = "https://garage.test/"
enabled = false
damping = 3
keep_runs = 5
report.formats = ["json"]
""")
    loaded = load_portfolio(portfolio, {"crawl": {"resolve": ["garage.test:443:127.0.0.1"]},
                                        "report": {"fail_on": "error", "formats": None}})
    assert loaded.data_dir == tmp_path / "var" and loaded.parallel == 3 and loaded.time_budget == 7200
    assert loaded.history_url == f"sqlite:///{tmp_path / 'var' / 'history.db'}"
    bakery, garage = loaded.clients["bakery"], loaded.clients["garage"]
    crawl = bakery.config.crawl
    # defaults < config file < client table < flags; tables merge key by key, lists are replaced
    assert (crawl.max_pages, crawl.max_depth, crawl.rate_limit) == (300, 6, 2.0)
    assert crawl.resolve == ["www.bakery.test:443:10.0.0.1", "garage.test:443:127.0.0.1"]  # --resolve adds
    assert bakery.config.as_of is None and bakery.config.report.fail_on == "error"
    assert bakery.config.checks.settings_for("TP301") == {"dictionary": str(tmp_path / "clients" / "bakery-words.txt")}
    assert bakery.config.ads == tmp_path / "ads" / "bakery.csv"
    assert bakery.config.report.brand.logo == tmp_path / "brand" / "logo.png"
    assert bakery.config.report.brand.agency == "Bureau Noord"
    assert (bakery.damping, bakery.keep_runs, bakery.enabled) == (2, 30, True)
    assert bakery.notify.email.host == "smtp.bureau.test" and bakery.notify.email.recipients == ["owner@bakery.test"]
    assert bakery.notify.min_severity == "warning"
    assert garage.config.report.formats == ["json"] and (garage.damping, garage.keep_runs) == (3, 5)
    assert garage.config.crawl.max_pages == 1000 and not garage.enabled
    assert [c.name for c in loaded.select([], everyone=True)] == ["bakery"]  # disabled clients sit out --all
    assert [c.name for c in loaded.select(["garage", "bakery"], everyone=False)] == ["garage", "bakery"]
    assert loaded.lock_path("bakery") == tmp_path / "var" / "locks" / "bakery.lock"


def test_data_dir_and_history_default_to_the_users_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    loaded = load_portfolio(write(tmp_path / "p.toml", '[clients.a]\ntarget = "https://a.test/"\n'))
    assert loaded.data_dir == tmp_path / "xdg" / "touchpoint-auditor"
    assert loaded.history_url == f"sqlite:///{tmp_path / 'xdg' / 'touchpoint-auditor' / 'history.db'}"
    assert loaded.clients["a"].notify is None and loaded.clients["a"].damping == 1


def test_unknown_client_name_lists_the_clients(tmp_path):
    loaded = load_portfolio(write(tmp_path / "p.toml", '[clients.a]\ntarget = "https://a.test/"\n'
                                                       '[clients.b]\ntarget = "https://b.test/"\n'))
    with pytest.raises(ConfigError, match=r"^portfolio '.*p\.toml': no client 'c' \(clients: a, b\)$"):
        loaded.select(["c"], everyone=False)


OK_CLIENT = '[clients.a]\ntarget = "https://a.test/"\n'


@pytest.mark.parametrize(("text", "expected"), [
    ("[clients\n", "is not valid TOML"),
    ("", "clients: Field required"),
    ("[clients]\n", "clients: no clients: add a [clients.NAME] table with a target"),
    ("[portfolio]\nparalel = 2\n" + OK_CLIENT, "portfolio.paralel: unknown key"),
    ("[portfolio]\nparallel = 0\n" + OK_CLIENT, "portfolio.parallel: Input should be greater than or equal to 1"),
    ("[sites.a]\ntarget = 'https://a.test/'\n" + OK_CLIENT, "sites: unknown key"),
    ("[clients.A-Shop]\ntarget = 'https://a.test/'\n", "clients: client name 'A-Shop'"),
    ("[clients.a]\nurl = 'https://a.test/'\n", "clients.a.target: Field required"),
    ("[clients.a]\ntarget = 'www.a.test'\n", "clients.a.target: target 'www.a.test' is not an http(s) URL"),
    (OK_CLIENT + "crawll = {}\n", "clients.a.crawll: unknown key"),
    (OK_CLIENT + "damping = 0\n", "clients.a.damping: Input should be greater than or equal to 1"),
    (OK_CLIENT + "crawl.max_pagez = 3\n", "clients.a: crawl.max_pagez: unknown key"),
    (OK_CLIENT + "report.fail_on = 'sometimes'\n", "clients.a: report.fail_on: Input should be"),
    ("[defaults.crawl]\nmax_pagez = 3\n" + OK_CLIENT, "defaults: crawl.max_pagez: unknown key"),
    ("[defaults]\ntarget = 'https://x.test/'\n" + OK_CLIENT, "defaults.target: unknown key"),
    (OK_CLIENT + "config = 'missing.toml'\n", "clients.a: config file '{dir}/missing.toml' not found"),
    (OK_CLIENT + "report.brand.logo = 'logo.png'\n", "clients.a: report.brand.logo: logo '{dir}/logo.png' does not"),
    (OK_CLIENT + "notify.min_severity = 'loud'\n", "clients.a.notify: min_severity: Input should be"),
    (OK_CLIENT + "notify.email = { host = 'smtp.test' }\n", "clients.a.notify: email.sender: Field required"),
])
def test_every_mistake_is_one_line_naming_file_and_key(tmp_path, cli, text, expected):
    path = write(tmp_path / "portfolio.toml", text)
    result = cli("run", "--all", "--check", "--portfolio", str(path))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"touchpoint-auditor: error: portfolio '{path}'")
    assert expected.format(dir=tmp_path) in line
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_check_validates_check_options_and_lists_the_clients(tmp_path, cli):
    path = write(tmp_path / "portfolio.toml", '[portfolio]\ndata_dir = "d"\n' + OK_CLIENT +
                 "notify.webhooks = [{ url = 'https://hooks.test/x' }]\n"
                 '[clients.b]\ntarget = "https://b.test/"\ndamping = 2\nreport.formats = ["json"]\n')
    result = cli("run", "--all", "--check", "--portfolio", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "a: https://a.test/ (html, json; damping 1; notify)",
        "b: https://b.test/ (json; damping 2; no notifications)",
        f"portfolio OK: 2 clients; data in {tmp_path / 'd'}"]
    assert not (tmp_path / "d").exists()  # --check audits and creates nothing

    write(path, OK_CLIENT + "[clients.a.checks.TP301]\ndictionary = 'words.txt'\n")
    bad = cli("run", "a", "--check", "--portfolio", str(path))
    assert bad.exit_code == 2
    assert bad.stderr.startswith(f"touchpoint-auditor: error: portfolio '{path}': clients.a: ")
    assert f"dictionary file '{tmp_path / 'words.txt'}' does not exist" in bad.stderr


@pytest.mark.parametrize(("args", "words"), [
    (["run", "--portfolio", "p.toml"], "run: name the clients to audit, or --all"),
    (["run", "--all", "a", "--portfolio", "p.toml"], "run: give --all or client names, not both"),
    (["run", "--all"], "run: give --portfolio FILE (or set TOUCHPOINT_PORTFOLIO, or run it where portfolio.toml is)"),
    (["run", "--all", "--portfolio", "p.toml", "--time-budget", "-1"], "--time-budget -1: must be 0"),
    (["run", "--all", "--portfolio", "p.toml", "--parallel", "0"], "--parallel 0: must be between 1 and 64"),
    (["run", "--all", "--portfolio", "/nonexistent/p.toml"], "portfolio '/nonexistent/p.toml' not found"),
    (["run", "a", "--portfolio", "{p}", "--as-of", "tomorrow"], "--as-of 'tomorrow': expected a date"),
    (["run", "zz", "--portfolio", "{p}"], "no client 'zz' (clients: a)"),
    (["run", "a", "--portfolio", "{p}", "--format", "html,docx"], "a: failed: unknown report format 'docx'"),
])
def test_bad_run_usage_is_one_line_and_exit_2(tmp_path, cli, args, words):
    path = write(tmp_path / "p.toml", f'[portfolio]\ndata_dir = "d"\nhistory = "sqlite:///{tmp_path}/h.db"\n'
                 + OK_CLIENT)
    result = cli(*[a.format(p=path) for a in args])
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("touchpoint-auditor: error: ") and words in line


def test_the_documented_example_portfolio_is_valid(cli):
    example = Path(__file__).parents[2] / "examples" / "portfolio.toml"
    result = cli("run", "--all", "--check", "--portfolio", str(example))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "bakkerij-zoetelief: https://www.zoetelief-bakkerij.nl/ (html, json; damping 2; notify)",
        "groenhuis: https://groenhuis-installatie.nl/ (html, json; damping 2; notify)",
        "harbour-inn: https://www.harbour-inn.co.uk/ (html, json; damping 2; notify)",
        "portfolio OK: 3 clients; data in /var/lib/touchpoint-auditor"]
