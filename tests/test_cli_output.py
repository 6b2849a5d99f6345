"""The command line's own output: a reader that stops early is no error, ``explain`` prints
text rather than reStructuredText, and the checkout builds without deprecation banners and
installs as contrib/README.md says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.cli.plugins import plain_text
from auditor.registry import load_checks

EXE = Path(sys.executable).parent / "touchpoint-auditor"
ROOT = Path(__file__).parents[1]


@pytest.mark.parametrize("argv", [["checks"], ["explain", "TP101"]])
def test_a_reader_that_stops_early_is_no_error(argv):
    """``touchpoint-auditor checks | head -2``: the pipe's reading end is closed before the
    command writes, so every write meets EPIPE; no "Broken pipe" message, exit 0."""
    process = subprocess.Popen([str(EXE), *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(60) == 0
    assert stderr == b""


def test_explain_prints_no_restructuredtext_markup():
    out = subprocess.run([str(EXE), "explain", "TP101"], capture_output=True, text=True, check=True).stdout
    assert "``" not in out and '(<a href>, <area>, a <meta http-equiv="refresh">' in out
    for code, info in load_checks().items():
        for text in info.cls.doc_sections().values():
            shown = plain_text(text or "")
            assert "``" not in shown and not re.search(r":[a-z]+:`", shown), code


def test_plain_text_rules():
    assert plain_text("Set ``crawl.rate_limit``, see :class:`Config` and `the docs <https://x.nl/>`_ "
                      "for **details**::") == ("Set crawl.rate_limit, see Config and the docs (https://x.nl/) "
                                               "for details:")


def test_the_checkout_builds_a_wheel_without_deprecation_warnings(tmp_path):
    """What ``make dist`` runs, and what contrib/README.md installs from (the package is not on
    PyPI); the license is an SPDX string, not the deprecated table."""
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation",
                            "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    assert "Deprecat" not in built.stdout + built.stderr
    assert [p.name for p in tmp_path.glob("*.whl")] == ["touchpoint_auditor-0.1.0-py3-none-any.whl"]


def test_contrib_install_works_from_the_checkout_and_names_java():
    readme = (ROOT / "contrib" / "README.md").read_text("utf-8")
    assert "pip install touchpoint-auditor" not in readme  # not published
    assert "pip install ." in readme and "make dist" in readme
    assert "Java" in readme and "default-jre-headless" in readme
    assert "dist:" in (ROOT / "Makefile").read_text("utf-8")
    for script in re.findall(r"scripts/[\w.-]+", readme):
        assert (ROOT / script).is_file(), script
