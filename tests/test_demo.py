"""`make demo`'s audit finds exactly the planted link defects of examples/demo-site/DEFECTS.md."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))

from run_demo import run  # noqa: E402

# From DEFECTS.md: code -> targets (paths on the demo site, or full external URLs).
EXPECTED = {
    "TP101": {"/diensten/airco.html", "/over-ons/certificeringen.html"},
    "TP102": {"http://partners.demo-extern.test/verdwenen-pagina", "http://oud-kennisplatform.demo-extern.test/"},
    "TP103": {"/oude-actie"},
    "TP104": {"/producten/cv-ketel-x200.html"},
    "TP105": {"/veelgestelde-vragen.html#storingen"},
    "TP106": {"/img/zonnepanelen-dak.jpg", "/css/agenda.css"},
    "TP107": {"http://beveiligd.demo-extern.test/rapport", "/intern/medewerkers.html"},
}
PROFILE_HOSTS = ("www.linkedin.com", "www.facebook.com", "www.instagram.com", "www.youtube.com", "wa.me")


def test_demo_finds_the_planted_link_defects(tmp_path, capsys):
    assert run(tmp_path / "demo", ["--checks", "links", "--quiet"]) == 0
    assert "report: " in capsys.readouterr().out
    doc = json.loads((tmp_path / "demo" / "findings.json").read_text("utf-8"))
    base = doc["target"].rstrip("/")
    found: dict[str, set[str]] = {}
    for f in doc["findings"]:
        target = f["target"] or f["url"]
        if any(h in target for h in PROFILE_HOSTS):
            continue  # profile stand-ins are served only when examples/demo-profiles exists
        found.setdefault(f["code"], set()).add(target.removeprefix(base))
    assert found == EXPECTED
    assert doc["pages_crawled"] == 25
