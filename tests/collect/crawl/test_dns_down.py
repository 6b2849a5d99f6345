"""DNS down is not NXDOMAIN.

There is no DNS in the tests (and no internet): a **fake resolver** stands in for the
system's (``auditor.collect.http.DefaultResolver``, which ``--resolve`` falls back to). It
answers the partner names with the fixture server's address, and fails the others the way
getaddrinfo does: ``EAI_NONAME`` for a name that does not exist, ``EAI_AGAIN`` when the DNS
server does not answer. In the last run it fails every name, as a machine without a
network does (glibc answers ``EAI_NONAME`` then too).
"""

from __future__ import annotations

import socket

import pytest

from auditor.devserver import serve
from tests.conftest import SITES, port_of

PARTNERS = ("partner-a.example", "partner-b.example", "partner-c.example", "partner-d.example")


def fake_resolver(port: int, answers: dict[str, int | str]):
    """A resolver class: ``answers`` maps a name to "ok" (the fixture server) or a gaierror code."""

    class FakeResolver:
        async def resolve(self, host: str, port_: int = 0, family: int = socket.AF_INET):
            answer = answers.get(host, socket.EAI_NONAME)
            if answer != "ok":
                raise socket.gaierror(answer, "fake resolver: " + ("no such name" if answer == socket.EAI_NONAME
                                                                  else "temporary failure"))
            return [{"hostname": host, "host": "127.0.0.1", "port": port, "family": socket.AF_INET, "proto": 0,
                     "flags": socket.AI_NUMERICHOST}]

        async def close(self) -> None:
            return None

    return FakeResolver


@pytest.fixture(scope="module")
def site():
    with serve(SITES / "links-dns") as served:
        yield served


def _audit(run_audit, monkeypatch, tmp_path, site, answers):
    monkeypatch.setattr("auditor.collect.http.DefaultResolver", fake_resolver(port_of(site), answers))
    cfg = tmp_path / "audit.toml"
    cfg.write_text('[crawl]\nrate_limit = 0\ntimeout = 10\nretries = 0\nallow_private = ["127.0.0.1"]\n', "utf-8")
    result = run_audit("audit", site.base_url, "--config", str(cfg), "--checks", "links", "--quiet")
    assert result.exit_code in (0, 1), result.stderr
    return result


def test_nxdomain_is_broken_and_a_failed_lookup_is_not(run_audit, monkeypatch, tmp_path, site):
    answers = {**dict.fromkeys(PARTNERS, "ok"), "gone.example": socket.EAI_NONAME, "flaky.example": socket.EAI_AGAIN}
    result = _audit(run_audit, monkeypatch, tmp_path, site, answers)
    broken = result.by_code("TP102")
    assert set(broken) == {"http://gone.example/"}
    assert broken["http://gone.example/"]["evidence"]["error"] == "dns"
    unverifiable = result.by_code("TP107")
    assert "http://flaky.example/" in unverifiable
    assert "network or DNS unavailable" in unverifiable["http://flaky.example/"]["evidence"]["reason"]
    assert not [n for n in result.doc["notes"] if "DNS unavailable" in n]


def test_when_every_lookup_fails_nothing_is_broken(run_audit, monkeypatch, tmp_path, site):
    result = _audit(run_audit, monkeypatch, tmp_path, site, {})  # every name: EAI_NONAME
    assert not result.by_code("TP102")
    unverifiable = result.by_code("TP107")
    assert {f"http://{name}/" for name in (*PARTNERS, "gone.example", "flaky.example")} <= set(unverifiable)
    assert all("network or DNS unavailable" in f["evidence"]["reason"] for f in unverifiable.values())
    notes = [n for n in result.doc["notes"] if "network or DNS unavailable" in n]
    assert notes and "6 of 6 external host names" in notes[0]
    assert "network or DNS unavailable" in (result.out / "report.html").read_text("utf-8")
