"""``[fleet]`` in the portfolio: where the broker is, where run folders go, how long a task may take.

The nightly run (``auditor/nightly/``) ignores this table; only the fleet commands read it.
Every mistake is one line naming the portfolio and the key, like the rest of the portfolio.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from auditor.config import first_error
from auditor.errors import ConfigError
from auditor.nightly.portfolio import Client, Portfolio

# A task's time limit when the client has no crawl budget: a whole night.
DEFAULT_TASK_SECONDS = 6 * 3600.0
# Added to a client's crawl budget for what comes after the crawl (collectors, history, reports).
DEFAULT_GRACE_SECONDS = 1800.0
# The hard limit kills the task's process this long after the soft one asked it to stop.
HARD_LIMIT_MARGIN = 60.0


class FleetTable(BaseModel):
    """``[fleet]``: the fleet's settings (docs/configuration.md, docs/fleet.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    broker: str = Field("redis://127.0.0.1:6379/0", description="Celery broker URL (redis://, or amqp:// for RabbitMQ)")
    queue: str = Field("touchpoint-auditor", min_length=1, max_length=100, description="the broker queue of audits")
    shared_dir: str | None = Field(None, description="run folders and reports, on a filesystem every worker mounts")
    languagetool_url: str | None = Field(None, description="one LanguageTool server for the whole fleet")
    local_languagetool: bool = Field(True, description="without languagetool_url: one server per worker machine")
    task_seconds: float = Field(DEFAULT_TASK_SECONDS, gt=0, description="time limit of a client without crawl budget")
    grace_seconds: float = Field(DEFAULT_GRACE_SECONDS, ge=0,
                                 description="added to a client's crawl budget for collectors and reports")
    max_attempts: int = Field(3, ge=1, le=20, description="deliveries of one client's task before it is failed")
    visibility_timeout: float | None = Field(None, gt=0, description="seconds before an unacknowledged task is "
                                             "delivered again (default: the longest task limit + 10 minutes)")
    restore_interval: float = Field(60, gt=0, description="seconds between a worker's looks for tasks past the "
                                    "visibility timeout (those of a worker machine that is gone)")
    recheck_seconds: float = Field(120, gt=0, description="a task for a client another worker is auditing "
                                   "looks again this much later")


@dataclass(frozen=True)
class Fleet:
    """The portfolio as the fleet runs it: run folders under ``shared_dir``, history in PostgreSQL."""

    portfolio: Portfolio
    settings: FleetTable

    @property
    def history_url(self) -> str:
        return self.portfolio.history_url

    def limits(self, client: Client) -> tuple[float, float]:
        """(soft, hard) seconds for one client's task: its crawl budget plus the grace for what
        follows the crawl, else ``task_seconds``; the hard limit a minute later."""
        budget = client.config.crawl.time_budget
        soft = budget + self.settings.grace_seconds if budget else self.settings.task_seconds
        return soft, soft + HARD_LIMIT_MARGIN

    @property
    def visibility_timeout(self) -> float:
        """Longer than the longest task, so a task still running is never delivered twice."""
        if self.settings.visibility_timeout:
            return self.settings.visibility_timeout
        longest = max((self.limits(c)[1] for c in self.portfolio.clients.values()), default=self.settings.task_seconds)
        return longest + 600.0


def load_fleet(portfolio: Portfolio) -> Fleet:
    """Validate ``[fleet]``, and point the portfolio's run folders at ``shared_dir``."""
    where = f"portfolio {str(portfolio.path)!r}: fleet"
    try:
        settings = FleetTable.model_validate(dict(portfolio.fleet))
    except ValidationError as exc:
        raise ConfigError(f"{where}: {first_error(exc)}") from None
    backend = portfolio.history_url.split(":", 1)[0].split("+", 1)[0]
    if backend not in ("postgresql", "postgres"):
        raise ConfigError(f"{where}: the fleet keeps its state and history in PostgreSQL; set [portfolio] history "
                          "to a postgresql:// URL (every worker must reach it)")
    if not settings.broker.startswith(("redis://", "rediss://", "amqp://", "amqps://", "pyamqp://")):
        raise ConfigError(f"{where}: broker {settings.broker!r}: expected redis://HOST:PORT/DB or amqp://…")
    if settings.shared_dir:
        shared = Path(settings.shared_dir).expanduser()
        if not shared.is_absolute():
            shared = portfolio.path.parent.resolve() / shared
        portfolio = replace(portfolio, data_dir=shared)
    return Fleet(portfolio, settings)


def with_languagetool(fleet: Fleet, url: str) -> Fleet:
    """Every client's language collector pointed at one LanguageTool server (``url``), so
    the tasks of a worker machine share one JVM instead of starting one per audit."""
    clients = {}
    for name, client in fleet.portfolio.clients.items():
        collectors: dict[str, dict[str, Any]] = {k: dict(v) for k, v in client.config.collectors.items()}
        language = collectors.setdefault("language", {})
        if language.get("engine") == "hunspell" or language.get("languagetool_url"):
            clients[name] = client
            continue
        language["languagetool_url"] = url
        clients[name] = replace(client, config=client.config.model_copy(update={"collectors": collectors}))
    return replace(fleet, portfolio=replace(fleet.portfolio, clients=clients))
