"""The scheduling files in contrib/ are valid and the command they run works.

The command is taken from the files themselves (``ExecStart=`` of the service, the crontab
line), with only the install locations swapped for this checkout's (the executable in the
virtualenv, a test portfolio, data folders in a temp dir), and run as a real process.
"""

from __future__ import annotations

import configparser
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.nightly.conftest import write_portfolio

CONTRIB = Path(__file__).parents[2] / "contrib"
INSTALLED_EXE = "/opt/touchpoint-auditor/bin/touchpoint-auditor"
INSTALLED_PORTFOLIO = "/etc/touchpoint-auditor/portfolio.toml"
EXE = Path(sys.executable).parent / "touchpoint-auditor"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read(CONTRIB / name, encoding="utf-8")
    return parser


def local(command: str, portfolio: Path) -> str:
    assert INSTALLED_EXE in command and INSTALLED_PORTFOLIO in command, command
    return command.replace(INSTALLED_EXE, str(EXE)).replace(INSTALLED_PORTFOLIO, str(portfolio))


@pytest.fixture
def test_portfolio(sites, tmp_path) -> Path:
    # No data_dir: like the installed portfolio, data goes where XDG_DATA_HOME says.
    folder = tmp_path / "etc"
    folder.mkdir()
    return write_portfolio(folder, f'[clients.shop]\ntarget = "{sites.shop.base_url}"\n'
                                   f'crawl.resolve = ["{sites.resolve}"]\nreport.formats = ["json"]\n'
                           ).rename(folder / "portfolio.toml")


def fix_data_dir(portfolio: Path) -> None:
    text = portfolio.read_text("utf-8").replace('[portfolio]\ndata_dir = "data"\n', "[portfolio]\n")
    portfolio.write_text(text, "utf-8")


def test_unit_files_verify_and_set_what_the_docs_promise(tmp_path):
    service, timer = unit("touchpoint-auditor.service"), unit("touchpoint-auditor.timer")
    assert service["Service"]["Type"] == "oneshot" and service["Service"]["User"] == "touchpoint-auditor"
    assert service["Service"]["StateDirectory"] == "touchpoint-auditor"
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
                       "PrivateTmp": "yes", "CapabilityBoundingSet": ""}.items():
        assert service["Service"][key] == value, key
    assert shlex.split(service["Service"]["ExecStart"])[1:] == ["run", "--all", "--portfolio", INSTALLED_PORTFOLIO]
    assert timer["Timer"]["Persistent"] == "true" and timer["Timer"]["RandomizedDelaySec"] == "45min"
    assert timer["Timer"]["OnCalendar"] == "*-*-* 02:00:00" and timer["Install"]["WantedBy"] == "timers.target"
    analyze = shutil.which("systemd-analyze")
    if analyze is None:  # the configparser checks above are what we can do without systemd
        return
    folder = tmp_path / "units"
    folder.mkdir()
    # verify insists that ExecStart's program exists: point it at this checkout's.
    (folder / "touchpoint-auditor.service").write_text(
        (CONTRIB / "touchpoint-auditor.service").read_text("utf-8").replace(INSTALLED_EXE, str(EXE)), "utf-8")
    shutil.copy(CONTRIB / "touchpoint-auditor.timer", folder)
    checked = subprocess.run([analyze, "verify", "--man=no", "touchpoint-auditor.service",
                              "touchpoint-auditor.timer"], cwd=folder, capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == "", checked.stderr  # unknown keys are only warnings: none allowed


def test_the_services_command_runs(test_portfolio, tmp_path):
    fix_data_dir(test_portfolio)
    service = unit("touchpoint-auditor.service")["Service"]
    root = tmp_path / "root"  # stands in for / : the service's data and cache folders
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "nonexistent-home"), "LANG": "C.UTF-8"}
    # Environment= is repeatable (configparser keeps only the last): read every one.
    assignments = [line.split("=", 1)[1] for line in (CONTRIB / "touchpoint-auditor.service").read_text("utf-8")
                   .splitlines() if line.startswith("Environment=")]
    for line in assignments:
        for pair in shlex.split(line):
            key, value = pair.split("=", 1)
            env[key] = str(root) + value if value.startswith("/") else value
    assert env["XDG_DATA_HOME"] == f"{root}/var/lib"
    command = shlex.split(local(service["ExecStart"], test_portfolio))
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    latest = root / "var" / "lib" / "touchpoint-auditor" / "runs" / "shop" / "latest"
    assert done.stdout.splitlines()[0] == ("shop: 5 pages; 4 new, 0 fixed, 0 persisting, 0 suppressed; 0 alerts; "
                                           f"report {latest.resolve() / 'findings.json'}")
    assert done.stdout.splitlines()[1:] == ['  note: grammar not checked (TP302): Hunspell chosen in the configuration '
                                            '(engine = "hunspell"); spelling was checked with Hunspell only']
    assert len(json.loads((latest / "findings.json").read_text("utf-8"))["findings"]) == 4
    assert (root / "var" / "lib" / "touchpoint-auditor" / "history.db").is_file()


def test_the_crontab_line_runs(test_portfolio, tmp_path):
    fix_data_dir(test_portfolio)
    lines = [line for line in (CONTRIB / "crontab").read_text("utf-8").splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    variables = dict(line.split("=", 1) for line in lines if "=" in line.split()[0])
    [entry] = [line for line in lines if "=" not in line.split()[0]]
    minute, hour, dom, month, dow, command = entry.split(None, 5)
    assert (0 <= int(minute) < 60, 0 <= int(hour) < 24, dom, month, dow) == (True, True, "*", "*", "*")
    assert variables["SHELL"] == "/bin/sh" and "MAILTO" in variables
    home = tmp_path / "home"
    home.mkdir()
    # What cron gives a job: its crontab's variables, HOME, a minimal PATH; the command through SHELL.
    env = {**variables, "HOME": str(home), "LOGNAME": "touchpoint-auditor", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([variables["SHELL"], "-c", local(command, test_portfolio)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (done.stdout, done.stderr) == ("", "")  # --quiet: nothing needs attention, so cron mails nothing
    latest = home / ".local" / "share" / "touchpoint-auditor" / "runs" / "shop" / "latest"
    assert len(json.loads((latest / "findings.json").read_text("utf-8"))["findings"]) == 4
    assert os.path.islink(latest)
