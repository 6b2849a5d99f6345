"""The portfolio: one TOML file listing every client an agency audits each night.

It exists so that fifty clients share one set of defaults and differ only where they
differ. A client's effective audit ``Config`` is built in layers, later ones winning:

    built-in defaults  <  [defaults]  <  the client's ``config`` file  <  [clients.NAME]  <  CLI flags

Tables merge key by key (``[defaults.crawl] max_pages`` survives a client setting only
``[clients.x.crawl] rate_limit``); lists and scalars are replaced. Relative paths (ads
file, dictionary, logo, CA bundle, the client's config file, the data folder) are
resolved against the folder of the file that names them, so a portfolio can be moved
with its folder. Every mistake is one line naming the file and the key.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from auditor.config import Config, first_error
from auditor.errors import ConfigError

# Client names become directory, lock-file and history names: keep them boring.
CLIENT_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
AUDIT_SECTIONS = ("ads", "crawl", "checks", "report", "collectors")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PortfolioSettings(_Strict):
    """``[portfolio]``: where the nightly run keeps its data and how it spends the night."""

    data_dir: str | None = Field(None, description="run folders, locks, the default history database")
    history: str | None = Field(None, description="history database URL (sqlite:///… or postgresql://…)")
    parallel: int = Field(1, ge=1, le=64, description="clients audited at the same time")
    time_budget: float = Field(0, ge=0, description="seconds for the whole `run --all`; 0 = no limit")


class DashboardSettings(_Strict):
    """``[dashboard]``: the portfolio's overview page, rewritten after every nightly run."""

    out: str | None = Field(None, description="folder the dashboard (index.html) is written to")
    language: Literal["nl", "en"] | None = Field(None, description="default: the clients' report language")


class _Layer(_Strict):
    """Keys a client may set and ``[defaults]`` may give to every client."""

    damping: int | None = Field(None, ge=1, le=100, description="consecutive runs before a finding alerts")
    keep_runs: int | None = Field(None, ge=1, description="runs kept per client (older ones pruned)")
    keep_days: int | None = Field(None, ge=1, description="days runs are kept")
    notify: dict[str, Any] | None = None
    ads: str | None = None
    crawl: dict[str, Any] = Field(default_factory=dict)
    checks: dict[str, Any] = Field(default_factory=dict)
    report: dict[str, Any] = Field(default_factory=dict)
    collectors: dict[str, Any] = Field(default_factory=dict)


class DefaultsTable(_Layer):
    """``[defaults]``: inherited by every client."""


class ClientTable(_Layer):
    """``[clients.NAME]``: one audited site."""

    target: str = Field(min_length=1, description="start URL")
    config: str | None = Field(None, description="an audit config file (as for `audit --config`)")
    enabled: bool = True

    @field_validator("target")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value.strip()):
            raise ValueError(f"target {value!r} is not an http(s) URL")
        return value.strip()


class PortfolioFile(_Strict):
    portfolio: PortfolioSettings = Field(default_factory=PortfolioSettings)
    dashboard: DashboardSettings = Field(default_factory=DashboardSettings)
    defaults: DefaultsTable = Field(default_factory=DefaultsTable)
    # ``[fleet]``: read and validated by the fleet (auditor/fleet/settings.py); the nightly run ignores it.
    fleet: dict[str, Any] = Field(default_factory=dict)
    clients: dict[str, ClientTable]

    @field_validator("clients")
    @classmethod
    def _names(cls, clients: dict[str, ClientTable]) -> dict[str, ClientTable]:
        if not clients:
            raise ValueError("no clients: add a [clients.NAME] table with a target")
        for name in clients:
            if not CLIENT_NAME.match(name):
                raise ValueError(f"client name {name!r}: use lower-case letters, digits, '.', '_' and '-'")
        return clients


@dataclass(frozen=True)
class Client:
    """One client as the nightly run needs it: the effective audit config and its own settings."""

    name: str
    config: Config
    notify: Any  # auditor.notify.NotifyConfig | None (imported lazily: an optional part)
    damping: int
    keep_runs: int | None
    keep_days: int | None
    enabled: bool


@dataclass(frozen=True)
class Portfolio:
    """A loaded, validated portfolio."""

    path: Path
    data_dir: Path
    history_url: str
    parallel: int
    time_budget: float
    clients: dict[str, Client]
    fleet: Mapping[str, Any] = field(default_factory=dict)  # the raw ``[fleet]`` table (auditor/fleet/)
    dashboard_dir: Path | None = None  # [dashboard] out
    dashboard_language: str | None = None  # [dashboard] language
    report_defaults: Mapping[str, Any] = field(default_factory=dict)  # [defaults.report]: the agency's brand

    def select(self, names: Iterable[str], everyone: bool) -> list[Client]:
        """The clients to run: every enabled one (``--all``) or the ones named, in order."""
        if everyone:
            return [c for c in self.clients.values() if c.enabled]
        chosen = []
        for name in names:
            if name not in self.clients:
                known = ", ".join(sorted(self.clients))
                raise ConfigError(f"portfolio {str(self.path)!r}: no client {name!r} (clients: {known})")
            chosen.append(self.clients[name])
        return chosen

    def run_root(self, client: str) -> Path:
        """The folder holding a client's run folders (one per night)."""
        return self.data_dir / "runs" / client

    def lock_path(self, client: str) -> Path:
        return self.data_dir / "locks" / f"{client}.lock"


DEFAULT_DAMPING = 1
DEFAULT_KEEP_RUNS = 30


def load_portfolio(path: Path, overrides: Mapping[str, Any] | None = None) -> Portfolio:
    """Read and validate the portfolio at ``path``; ``overrides`` are the CLI's audit settings
    (same nested shape as ``auditor.cli.options.overrides``) applied on top of every client."""
    path = Path(path).expanduser()
    where = f"portfolio {str(path)!r}"
    raw = read_toml(path, where)
    try:
        parsed = PortfolioFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{where}: {first_error(exc)}") from None
    folder = path.parent.resolve()
    defaults = parsed.defaults.model_dump(exclude_none=True)
    resolve_paths(defaults, folder)
    _validate_config(_audit_part(defaults), f"{where}: defaults")
    clients = {name: _client(name, table, defaults, folder, where, overrides or {})
               for name, table in parsed.clients.items()}
    settings = parsed.portfolio
    if settings.data_dir:
        data_dir = _resolve(settings.data_dir, folder)
    else:
        from auditor.history import default_data_dir

        data_dir = default_data_dir()
    history_url = settings.history or f"sqlite:///{data_dir / 'history.db'}"
    dashboard = parsed.dashboard
    return Portfolio(path=path, data_dir=Path(data_dir), history_url=history_url, parallel=settings.parallel,
                     time_budget=settings.time_budget, clients=clients, fleet=parsed.fleet,
                     dashboard_dir=_resolve(dashboard.out, folder) if dashboard.out else None,
                     dashboard_language=dashboard.language, report_defaults=defaults.get("report") or {})


def read_toml(path: Path, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{where} not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{where} is a folder, not a file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where} is not valid TOML: {exc}") from None


def _client(name: str, table: ClientTable, defaults: dict[str, Any], folder: Path, where: str,
            overrides: Mapping[str, Any]) -> Client:
    here = f"{where}: clients.{name}"
    own = table.model_dump(exclude_none=True, exclude={"target", "config", "enabled"})
    resolve_paths(own, folder)
    layers = [defaults]
    if table.config:
        config_file = _resolve(table.config, folder)
        file_where = f"{here}: config {str(config_file)!r}"
        file_data = read_toml(config_file, f"{here}: config file {str(config_file)!r}")
        file_data.pop("as_of", None)  # the night's date comes from the clock or --as-of, never a file
        resolve_paths(file_data, config_file.parent)
        _validate_config(file_data, file_where)
        layers.append(file_data)
    layers.append(own)
    merged: dict[str, Any] = {}
    for layer in layers:
        merged = deep_merge(merged, layer)
    audit = _audit_part(merged)
    audit["target"] = table.target
    audit = _apply_overrides(audit, overrides)
    config = _validate_config(audit, here)
    return Client(name=name, config=config, notify=_notify(merged.get("notify"), here),
                  damping=merged.get("damping", DEFAULT_DAMPING), keep_runs=merged.get("keep_runs", DEFAULT_KEEP_RUNS),
                  keep_days=merged.get("keep_days"), enabled=table.enabled)


def _audit_part(layer: Mapping[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in layer.items() if k in (*AUDIT_SECTIONS, "target")}


def _apply_overrides(audit: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """CLI flags win over the portfolio; ``--resolve`` adds to the client's own list."""
    out = copy.deepcopy(audit)
    for section, values in overrides.items():
        if isinstance(values, Mapping):
            table = dict(out.get(section) or {})
            for key, value in values.items():
                if value is None:
                    continue
                if key == "resolve":
                    table[key] = [*table.get(key, []), *value]
                else:
                    table[key] = value
            out[section] = table
        elif values is not None:
            out[section] = values
    return out


def _validate_config(data: Mapping[str, Any], where: str) -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{where}: {first_error(exc)}") from None


def _notify(data: Mapping[str, Any] | None, where: str) -> Any:
    if not data:
        return None
    from auditor.notify import NotifyConfig

    try:
        return NotifyConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{where}.notify: {first_error(exc)}") from None


def deep_merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """``top`` over ``base``: tables merge key by key, everything else is replaced."""
    out = {k: copy.deepcopy(v) for k, v in base.items()}
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _resolve(value: str | Path, folder: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else folder / path


def resolve_paths(layer: dict[str, Any], folder: Path) -> None:
    """Make the file paths a layer names absolute, relative to the file that names them."""
    def fix(table: Any, key: str) -> None:
        if isinstance(table, dict) and isinstance(table.get(key), str) and table[key]:
            table[key] = str(_resolve(table[key], folder))

    fix(layer, "ads")
    fix(layer.get("crawl"), "ca_bundle")
    fix((layer.get("report") or {}).get("brand"), "logo")
    for options in (layer.get("checks") or {}).values():
        fix(options, "dictionary")
    language = (layer.get("collectors") or {}).get("language")
    for key in ("languagetool_dir", "cache_file"):
        fix(language, key)
