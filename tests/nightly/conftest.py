"""Fixtures of the nightly tests: the fixture shop (and its partner's site, another host
reached through ``--resolve``) copied to a temp dir so a test can change them between runs,
and a portfolio pointing at them."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.devserver import FixtureSite, serve
from tests.conftest import SITES, port_of

PARTNER = "partner.example.test"


@dataclass
class Sites:
    shop_dir: Path
    partner_dir: Path
    shop: FixtureSite
    partner: FixtureSite

    @property
    def resolve(self) -> str:
        return f"{PARTNER}:80:127.0.0.1:{port_of(self.partner)}"


@pytest.fixture
def sites(tmp_path) -> Iterator[Sites]:
    shop_dir, partner_dir = tmp_path / "site-shop", tmp_path / "site-partner"
    shutil.copytree(SITES / "nightly-shop", shop_dir)
    shutil.copytree(SITES / "nightly-partner", partner_dir)
    with serve(shop_dir) as shop, serve(partner_dir) as partner:
        yield Sites(shop_dir, partner_dir, shop, partner)


# Hunspell rather than LanguageTool: the same TP301 findings for these plain typos in well
# under a second, where starting LanguageTool takes 10-20 s per run. The match cache is off
# so one test's answers never leak into another's.
COMMON = """
[defaults]
damping = 2
keep_runs = 10

[defaults.checks]
enabled = ["TP101", "TP102", "TP301"]

[defaults.crawl]
rate_limit = 0
use_sitemaps = false

[defaults.collectors.language]
engine = "hunspell"
languages = ["en"]
cache = false
"""


def write_portfolio(folder: Path, clients: str, *, portfolio: str = "", common: str = COMMON) -> Path:
    path = folder / "portfolio.toml"
    path.write_text(f'[portfolio]\ndata_dir = "data"\n{portfolio}\n{common}\n{clients}', "utf-8")
    return path


@dataclass
class Cli:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys):
    """Run the CLI in-process; returns exit code, stdout and stderr."""
    def run(*argv: str) -> Cli:
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Cli(code, captured.out, captured.err)
    return run


@dataclass
class Night(Cli):
    run_dir: Path  # the client's newest run folder right after this run

    @property
    def doc(self) -> dict:
        return json.loads((self.run_dir / "findings.json").read_text("utf-8"))


@pytest.fixture
def night(cli):
    """``touchpoint-auditor run CLIENT --portfolio P …`` in-process, with the client's latest run."""
    def run(portfolio: Path, client: str, *args: str) -> Night:
        result = cli("run", client, "--portfolio", str(portfolio), *args)
        latest = (portfolio.parent / "data" / "runs" / client / "latest").resolve()
        return Night(result.exit_code, result.stdout, result.stderr, latest)
    return run
