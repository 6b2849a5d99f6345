"""``[report]`` settings and the ``--report-lang`` flag: validated, additive, one clear line."""

from __future__ import annotations

import pytest

from auditor.cli.options import build_parser, overrides
from auditor.config import load_config
from auditor.errors import ConfigError
from auditor.report.brand import brand_view, contrast


def test_defaults_are_unchanged_and_new_fields_optional():
    report = load_config(None).report
    assert report.formats == ["html", "json"] and report.language is None
    assert report.brand.tool_branding is True and report.top_findings == 5


def test_report_lang_flag_reaches_the_config():
    args = build_parser().parse_args(["audit", "https://ex.nl/", "--report-lang", "nl", "--format", "html,pdf"])
    config = load_config(None, overrides(args))
    assert config.report.language == "nl" and config.report.formats == ["html", "pdf"]
    recheck = build_parser().parse_args(["recheck", "run-dir", "--report-lang", "en"])
    assert overrides(recheck)["report"]["language"] == "en"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["audit", "https://ex.nl/", "--report-lang", "fr"])


@pytest.mark.parametrize(("brand", "message"), [
    ({"primary_color": "red; background:url(x)"}, "hex colour"),
    ({"logo": "missing.png"}, "does not exist"),
    ({"logo": "logo.exe"}, "must be one of"),
    ({"shade": "x"}, "unknown key"),
])
def test_bad_brand_settings_are_one_clear_error(brand, message):
    with pytest.raises(ConfigError, match=message):
        load_config(None, {"report": {"brand": brand}})


def test_brand_colours_stay_readable():
    pale = brand_view({"brand": {"primary_color": "#ffee00"}})
    assert pale.on_primary == "#000000" and contrast(pale.primary_text, "#ffffff") >= 4.5
    dark = brand_view({"brand": {"primary_color": "#102030"}})
    assert dark.on_primary == "#ffffff" and dark.primary_text == "#102030"
    moved = brand_view({"brand": {"agency": "Bureau", "logo": "/nowhere/logo.png"}})  # moved since the audit
    assert moved.agency == "Bureau" and moved.logo == ""
