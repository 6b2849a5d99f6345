"""A damaged run store (truncated, overwritten with garbage) on ``--resume`` and ``recheck``:
one line naming the folder and what SQLite says, exit 2, and the folder left as it was."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from auditor.cli import main


@pytest.fixture(scope="module")
def stored_run(basic_site, tmp_path_factory) -> Path:
    """A real audit's folder, copied by each test before it damages the copy."""
    out = tmp_path_factory.mktemp("stored") / "run"
    assert main(["audit", basic_site.base_url, "--checks", "links", "--quiet", "--out", str(out)]) in (0, 1)
    assert (out / "run.sqlite").stat().st_size > 8192
    return out


def _truncate(store: Path) -> None:
    data = store.read_bytes()
    store.write_bytes(data[: len(data) // 2])


def _garbage(store: Path) -> None:
    store.write_bytes(random.Random(24).randbytes(store.stat().st_size))


def _garbage_inside(store: Path) -> None:
    """The header is intact (it opens as a database); pages after the first are garbage."""
    data = store.read_bytes()
    store.write_bytes(data[:4096] + random.Random(24).randbytes(len(data) - 4096))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


DAMAGE = {"truncated": (_truncate, "database disk image is malformed"),
          "garbage": (_garbage, "file is not a database"),
          "garbage inside": (_garbage_inside, None)}
COMMANDS = {"resume": lambda run: ["audit", "--resume", str(run), "--quiet"],
            "recheck": lambda run: ["recheck", str(run)]}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_store_is_one_line_and_the_folder_stays_as_it_was(stored_run, tmp_path, capsys, damage, command):
    run = tmp_path / "run"
    shutil.copytree(stored_run, run)
    spoil, says = DAMAGE[damage]
    spoil(run / "run.sqlite")
    before = _snapshot(run)

    assert main(COMMANDS[command](run)) == 2
    captured = capsys.readouterr()
    err = captured.err
    prefix = f"touchpoint-auditor: error: the run store in {run} is damaged: "
    assert err.startswith(prefix) and err.endswith("; start a new audit with --out\n") and err.count("\n") == 1, err
    said = err[len(prefix):-len("; start a new audit with --out\n")]
    assert said == says if says else said  # what SQLite says, in its own words
    assert "Traceback" not in err and captured.out == ""
    assert _snapshot(run) == before


def test_an_intact_store_is_resumed_and_rechecked(stored_run, tmp_path, capsys):
    """The same commands on the undamaged copy work: the check refuses only damage."""
    run = tmp_path / "run"
    shutil.copytree(stored_run, run)
    assert main(["recheck", str(run)]) in (0, 1)
    assert main(["audit", "--resume", str(run), "--quiet"]) in (0, 1)
    assert "damaged" not in capsys.readouterr().err
