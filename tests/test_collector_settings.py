"""Collector settings are pydantic models validated one way (``auditor.config.validate_table``):
strict types, unknown keys named with the known ones, one line per mistake."""

from __future__ import annotations

from typing import Annotated

import pytest

from auditor.collector import Collector, CollectorSettings
from auditor.config import between, positive
from auditor.errors import ConfigError


class AcmeSettings(CollectorSettings):
    token: str = ""
    pages: Annotated[int, between(1, 100)] = 10
    parallel: Annotated[int, positive] = 2
    timeout: float = 5.0
    verbose: bool = False
    hosts: list[str] = []


class Acme(Collector):
    name = "acme"
    provides = ("acme_facts",)
    Settings = AcmeSettings


class Legacy(Collector):
    """A collector without ``Settings`` gets its table as written (plugins written before)."""

    name = "legacy"
    provides = ("legacy_facts",)


def test_settings_are_a_validated_model():
    acme = Acme({"token": "t", "pages": 20, "timeout": 3, "hosts": ["a.nl"]})
    assert isinstance(acme.settings, AcmeSettings)
    assert (acme.settings.token, acme.settings.pages, acme.settings.timeout, acme.settings.hosts) == (
        "t", 20, 3.0, ["a.nl"])
    assert Acme(None).settings == AcmeSettings()


@pytest.mark.parametrize(("raw", "line"), [
    ({"tokens": "t"}, "config: [collectors.acme]: unknown setting 'tokens'; known: "
                      "['hosts', 'pages', 'parallel', 'timeout', 'token', 'verbose']"),
    ({"pages": 0}, "config: [collectors.acme] pages: 0 is not between 1 and 100"),
    ({"pages": "20"}, "config: [collectors.acme] pages: expected a whole number"),
    ({"pages": 2.5}, "config: [collectors.acme] pages: expected a whole number"),
    ({"parallel": 0}, "config: [collectors.acme] parallel must be a positive whole number"),
    ({"timeout": "5"}, "config: [collectors.acme] timeout: expected a number"),
    ({"verbose": "yes"}, "config: [collectors.acme] verbose: expected true or false"),
    ({"hosts": "a.nl"}, "config: [collectors.acme] hosts: expected a list"),
    ({"token": 5}, "config: [collectors.acme] token: expected a string"),
])
def test_each_mistake_is_one_line(raw, line):
    with pytest.raises(ConfigError) as err:
        Acme(raw)
    assert str(err.value) == line


def test_settings_are_frozen():
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Acme({}).settings.pages = 5


def test_a_collector_without_settings_gets_the_table_as_written():
    assert Legacy({"anything": 1}).settings == {"anything": 1}


def test_builtin_collectors_take_only_their_own_settings():
    from auditor.collector import load_collectors

    for name, cls in load_collectors().items():
        assert cls.Settings is not None and issubclass(cls.Settings, CollectorSettings), name
        with pytest.raises(ConfigError, match=rf"\[collectors\.{name}\]: unknown setting 'nonsense'"):
            cls({"nonsense": 1})
        cls({})  # the defaults are valid


def test_a_settings_mistake_stops_the_audit_before_it_starts(run_audit, basic_site, tmp_path):
    config = tmp_path / "audit.toml"
    config.write_text("[collectors.feeds]\nmax_feeds = 3\n", "utf-8")
    result = run_audit("audit", basic_site.base_url, "--config", str(config), "--checks", "freshness", "--quiet")
    assert result.exit_code == 2
    assert "config: [collectors.feeds]: unknown setting 'max_feeds'; known: []" in result.stderr
    assert not result.out.exists()
