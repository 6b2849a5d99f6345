"""The LanguageTool server an audit starts: started while the site is crawled, and never
left running by an audit that is killed (SIGTERM), interrupted (Ctrl-C) or ends.

Each test runs a real audit in its own process against a fixture site served on
127.0.0.1, with a real JVM from the Maven cache; waits are deadlines on observable
facts (the JVM answers, the process is gone), never fixed sleeps.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auditor.collect.language.server import answers, find_jars, java_command
from auditor.devserver import serve
from tests.conftest import SITES

pytestmark = pytest.mark.slow
ROOT = SITES.parent.parent
MAIN_CLASS = "org.languagetool.server.HTTPServer"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _until(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds:g} s: {what}")


def _jvm_port(pid: int) -> str:
    args = _cmdline(pid).split()
    return args[args.index("--port") + 1]


@pytest.fixture()
def audit_process(tmp_path):
    if java_command() is None or find_jars() is None:
        pytest.skip("no Java or no LanguageTool jars: nothing to start")
    config = tmp_path / "audit.toml"
    config.write_text(f'[collectors.language]\ncache_file = "{tmp_path / "cache.sqlite"}"\n', "utf-8")
    procs: list[subprocess.Popen] = []

    def start(site: Path) -> subprocess.Popen:
        served = serve(site)
        fixture = served.__enter__()
        procs.append(served)  # type: ignore[arg-type]
        proc = subprocess.Popen(
            [sys.executable, "-m", "auditor.cli", "audit", fixture.base_url, "--checks", "spelling",
             "--config", str(config), "--format", "json", "--quiet", "--out", str(tmp_path / "out")],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        procs.append(proc)
        return proc

    yield start
    for proc in reversed(procs):
        if isinstance(proc, subprocess.Popen):
            if proc.poll() is None:
                proc.kill()
                proc.wait(30)
        else:
            proc.__exit__(None, None, None)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_a_killed_audit_leaves_no_languagetool_running(audit_process, sig):
    proc = audit_process(SITES / "spelling-nl")
    jvm = _until(lambda: next((c for c in _children(proc.pid) if MAIN_CLASS in _cmdline(c)), None), 120,
                 "the audit starts its LanguageTool server")
    proc.send_signal(sig)
    proc.wait(120)
    _until(lambda: not _alive(jvm), 60, f"the JVM (pid {jvm}) ends after the audit got {sig.name}")


def test_the_server_starts_while_the_site_is_crawled_and_stops_with_the_audit(audit_process, tmp_path):
    proc = audit_process(SITES / "spelling-nl")
    jvm = _until(lambda: next((c for c in _children(proc.pid) if MAIN_CLASS in _cmdline(c)), None), 120,
                 "the audit starts its LanguageTool server")
    url = f"http://127.0.0.1:{_jvm_port(jvm)}/"
    _until(lambda: answers(url) or proc.poll() is not None, 180, "the server answers")
    assert proc.wait(600) == 0, proc.stderr.read().decode()[-2000:] if proc.stderr else ""
    _until(lambda: not _alive(jvm), 60, "the JVM ends with the audit")
    assert not answers(url)
    doc = json.loads((tmp_path / "out" / "findings.json").read_text("utf-8"))
    assert {f["code"] for f in doc["findings"]} >= {"TP301", "TP302"}  # the server it started checked the text
    assert doc["stats"]["seconds"]["collect_language"] > 0
