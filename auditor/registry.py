"""Find checks and reporters through entry points, built-ins exactly like plugins.

Groups: ``touchpoint_auditor.checks`` (entry name = rule code) and
``touchpoint_auditor.reporters`` (entry name = format). Loading fails loudly on a
name/code mismatch, an invalid code, a code claimed twice or an incompatible API version:
a silently missing check is worse than an audit that refuses to start. A check whose
module cannot be imported (a broken plugin install) does not stop the audit of every
client: it is listed in ``load_failures()`` and reported as ``errored`` with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from auditor.check import CODE_PATTERN, PLUGIN_API_VERSION, Check, PageCheck, SiteCheck
from auditor.errors import ConfigError, PluginError

CHECK_GROUP = "touchpoint_auditor.checks"
REPORTER_GROUP = "touchpoint_auditor.reporters"


@dataclass(frozen=True)
class CheckInfo:
    """A loaded check class and the distribution that provided it."""

    code: str
    cls: type[Check]
    plugin: str


def _dist_name(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return dist.name if dist is not None else "?"


def validate_check_class(entry_name: str, cls: object, plugin: str) -> type[Check]:
    """Refuse a check class that does not declare itself properly; one clear reason each."""
    where = f"check {entry_name} from {plugin}"
    if not isinstance(cls, type) or not issubclass(cls, PageCheck | SiteCheck):
        raise PluginError(f"{where}: is not a PageCheck or SiteCheck subclass")
    if not CODE_PATTERN.match(cls.code or ""):
        raise PluginError(f"{where}: invalid rule code {cls.code!r} (expected e.g. ACM101)")
    if cls.code != entry_name:
        raise PluginError(f"{where}: entry-point name {entry_name!r} does not match its code {cls.code!r}")
    if not cls.name or not cls.family:
        raise PluginError(f"{where}: must set 'name' and 'family'")
    if cls.api_version != PLUGIN_API_VERSION:
        raise PluginError(
            f"{where}: built for plugin API version {cls.api_version}, this auditor has {PLUGIN_API_VERSION}"
        )
    return cls


def load_checks() -> dict[str, CheckInfo]:
    """All installed checks by code (those that could be imported)."""
    return _load()[0]


def load_failures() -> dict[str, str]:
    """Checks that are installed but could not be imported: code → reason."""
    return _load()[1]


def _load() -> tuple[dict[str, CheckInfo], dict[str, str]]:
    found: dict[str, CheckInfo] = {}
    failed: dict[str, str] = {}
    for ep in entry_points(group=CHECK_GROUP):
        plugin = _dist_name(ep)
        if ep.name in found:
            if found[ep.name].cls.__module__ + ":" + found[ep.name].cls.__qualname__ == ep.value:
                continue  # the same distribution seen twice on sys.path (editable installs)
            raise PluginError(f"rule code {ep.name} is claimed twice: by {found[ep.name].plugin} and {plugin}")
        try:
            cls = ep.load()
        except Exception as exc:  # a broken plugin must name itself, not crash the run
            failed[ep.name] = f"check {ep.name} from {plugin} cannot be loaded: {exc.__class__.__name__}: {exc}"
            continue
        found[ep.name] = CheckInfo(ep.name, validate_check_class(ep.name, cls, plugin), plugin)
    return dict(sorted(found.items())), failed


def load_reporters(formats: Iterable[str] | None = None) -> dict[str, type]:
    """Installed reporters by format name; only those of ``formats`` are imported (a broken
    reporter nobody asked for must not stop an audit)."""
    wanted = set(formats) if formats is not None else None
    available = {ep.name: ep for ep in entry_points(group=REPORTER_GROUP)}
    if wanted is not None:
        unknown = sorted(wanted - set(available))
        if unknown:
            raise ConfigError(f"unknown report format {unknown[0]!r}; available: {', '.join(sorted(available))}")
    out: dict[str, type] = {}
    for name, ep in available.items():
        if wanted is not None and name not in wanted:
            continue
        try:
            out[name] = ep.load()
        except Exception as exc:
            raise PluginError(f"reporter {name} from {_dist_name(ep)} cannot be loaded: {exc}") from None
    return out


def select_checks(available: dict[str, CheckInfo], enabled: list[str], disabled: list[str],
                  broken: Iterable[str] = ()) -> list[CheckInfo]:
    """Resolve ``enabled``/``disabled`` lists of codes, families or ``all`` to checks.

    Codes in ``broken`` (installed, not importable) are accepted and left out: the runner
    reports them as errored."""
    broken = {b.upper() for b in broken}
    families = {info.cls.family for info in available.values()}

    def expand(items: list[str]) -> set[str]:
        codes: set[str] = set()
        for item in items:
            token = item.strip()
            if not token:
                continue
            if token == "all":
                codes |= set(available)
            elif token.upper() in available:
                codes.add(token.upper())
            elif token.upper() in broken:
                continue
            elif token.lower() in families:
                codes |= {c for c, i in available.items() if i.cls.family == token.lower()}
            else:
                raise ConfigError(
                    f"unknown check or family {token!r}; families: {', '.join(sorted(families))}"
                )
        return codes

    chosen = expand(enabled) - expand(disabled)
    return [available[c] for c in sorted(chosen)]
