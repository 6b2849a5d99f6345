"""findings.json is written one item per line, and reads back as exactly the document."""

from __future__ import annotations

import json

from auditor.report.json import dumps_readable


def test_readable_dump_round_trips_and_keeps_one_item_per_line():
    doc = {
        "schema": "touchpoint-auditor/findings/v1",
        "target": "https://www.example.nl/",
        "touchpoints": [
            {"kind": "page", "url": "https://www.example.nl/ä", "label": "Tekst \"met\" aanhalingstekens\n"},
        ],
        "findings": [{"code": "TP101", "evidence": {"nested": [1, 2, {"x": None}]}}, {"code": "TP102"}],
        "notes": [],
        "stats": {"pages": 3, "seconds": {"crawl": 1.5}},
        "empty": {},
    }
    text = dumps_readable(doc)
    assert json.loads(text) == doc
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    assert '    {"code": "TP101", "evidence": {"nested": [1, 2, {"x": null}]}},' in lines
    assert '    {"code": "TP102"}' in lines
    assert '  "notes": [],' in lines
    assert "ä" in text  # UTF-8 written as is, as before
