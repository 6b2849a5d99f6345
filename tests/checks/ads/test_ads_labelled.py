"""Accuracy targets on the labelled ad / landing-page pairs (tests/data/ads/labelled.yaml):
precision and recall of at least 0.9 per ads rule, and no false TP504 where the offer is on the
page in another number or date format. bench/ads_accuracy.py prints the full table."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
LABELLED = ROOT / "tests" / "data" / "ads" / "labelled.yaml"


@pytest.fixture(scope="module")
def outcome():
    spec = importlib.util.spec_from_file_location("ads_accuracy", ROOT / "bench" / "ads_accuracy.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("ads_accuracy", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module.evaluate(LABELLED)


def test_the_labelled_set_is_large_enough_and_in_both_languages():
    pairs = yaml.safe_load(LABELLED.read_text("utf-8"))["pairs"]
    assert len(pairs) >= 60
    assert len({p["id"] for p in pairs}) == len(pairs)
    for prefix in ("nl-", "en-"):
        assert sum(p["id"].startswith(prefix) for p in pairs) >= 30
    for code in ("TP501", "TP502", "TP503", "TP504", "TP505"):
        assert sum(code in p["expect"] for p in pairs) >= 4, code


@pytest.mark.parametrize("code", ["TP501", "TP502", "TP503", "TP504", "TP505"])
def test_precision_and_recall(outcome, code):
    assert outcome.precision(code) >= 0.9, (code, outcome.wrong)
    assert outcome.recall(code) >= 0.9, (code, outcome.wrong)


def test_no_false_offer_missing_in_another_number_format(outcome):
    assert outcome.format_pairs >= 10
    assert outcome.format_false_tp504 == 0, outcome.wrong
