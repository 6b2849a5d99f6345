"""Shared fixtures: fixture websites from ``tests/sites`` served on 127.0.0.1 by the tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.devserver import FixtureSite, serve

SITES = Path(__file__).parent / "sites"


@pytest.fixture(scope="module")
def basic_site() -> Iterator[FixtureSite]:
    with serve(SITES / "basic") as site:
        yield site


def port_of(site: FixtureSite) -> int:
    return int(site.base_url.rstrip("/").rsplit(":", 1)[1])


def basic_resolves(site: FixtureSite) -> list[str]:
    """``--resolve`` flags that make the fixture server stand in for the external hosts."""
    port = port_of(site)
    args: list[str] = []
    for host in ("partners.example.test", "walled.example.test", "www.linkedin.com"):
        args += ["--resolve", f"{host}:80:127.0.0.1:{port}"]
    return [*args, "--resolve", "closed.example.test:80:127.0.0.1:1"]


@dataclass
class AuditResult:
    exit_code: int
    out: Path
    stdout: str
    stderr: str

    @property
    def doc(self) -> dict:
        return json.loads((self.out / "findings.json").read_text("utf-8"))

    def by_code(self, code: str) -> dict[str, dict]:
        return {f["target"] or f["url"]: f for f in self.doc["findings"] if f["code"] == code}


@pytest.fixture
def run_audit(tmp_path, capsys):
    """Run the CLI in-process; returns exit code, output dir, stdout and stderr."""
    def run(*args: str, out: Path | None = None) -> AuditResult:
        out = out or tmp_path / "out"
        argv = list(args)
        if argv and argv[0] == "audit" and "--out" not in argv and "--resume" not in argv:
            argv += ["--out", str(out)]
        code = main(argv)
        captured = capsys.readouterr()
        return AuditResult(code, out, captured.out, captured.err)
    return run
