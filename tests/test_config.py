"""Configuration parsing and ``--resolve`` specs."""

from __future__ import annotations

import pytest

from auditor.config import Resolve, load_config
from auditor.errors import ConfigError


def test_defaults_are_polite():
    cfg = load_config(None, {"target": "https://ex.nl/"})
    assert cfg.crawl.respect_robots and cfg.crawl.rate_limit > 0 and cfg.crawl.per_host <= 8


def test_cli_overrides_win_over_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[crawl]\nmax_pages = 10\nmax_depth = 3\n", "utf-8")
    cfg = load_config(path, {"crawl": {"max_pages": 5, "max_depth": None}})
    assert (cfg.crawl.max_pages, cfg.crawl.max_depth) == (5, 3)


@pytest.mark.parametrize(("spec", "expected"), [
    ("www.example.nl:443:127.0.0.1", ("www.example.nl", 443, "127.0.0.1", None)),
    ("www.example.nl:80:127.0.0.1:8080", ("www.example.nl", 80, "127.0.0.1", 8080)),
    ("Shop.Example.NL:443:[::1]:8443", ("shop.example.nl", 443, "::1", 8443)),
    ("h:443:[::1]", ("h", 443, "::1", None)),
])
def test_resolve_parse(spec, expected):
    r = Resolve.parse(spec)
    assert (r.host, r.port, r.address, r.address_port) == expected


@pytest.mark.parametrize("spec", ["nohost", "h:port:1.2.3.4", "h:70000:1.2.3.4", "h:80:1.2.3.4:x"])
def test_resolve_rejects(spec):
    with pytest.raises(ConfigError):
        Resolve.parse(spec)
