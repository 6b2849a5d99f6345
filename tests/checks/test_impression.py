"""The impression family (TP8xx) from YAML cases, and the pixel widths TP803 measures."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.html.pixels import text_width, truncate
from auditor.registry import load_checks
from auditor.testing import load_cases

CASE_DIR = Path(__file__).parent / "cases"
CASES = [case for path in sorted(CASE_DIR.glob("TP8*.yaml")) for case in load_cases(path)]


def test_every_impression_check_has_cases():
    codes = {c for c, info in load_checks().items() if info.cls.family == "impression"}
    assert codes and codes <= {case.check for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[f"{c.check}: {c.name}" for c in CASES])
def test_case(case):
    case.verify(load_checks()[case.check].cls)


def test_title_width_is_measured_in_arial_pixels():
    assert text_width("i" * 10) == 44.4  # 222/1000 em at 20 px
    assert text_width("W" * 10) == 188.8
    assert text_width("é") == text_width("e")  # accents take their letter's width
    assert text_width("中") == 20.0  # wide characters one em


def test_a_long_title_is_cut_at_a_word():
    title = "Groenhuis Installatie | Warmtepompen, cv-ketels en airco in Utrecht en omgeving"
    shown = truncate(title)
    assert shown.endswith(" …") and title.startswith(shown[:-2]) and text_width(shown) <= 600
    assert truncate("Kort") == "Kort"
