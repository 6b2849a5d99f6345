"""Find plugins through entry points, built-ins exactly like third-party ones: one loader and
one validation policy for checks, collectors and reporters.

- checks: group ``touchpoint_auditor.checks``, entry name = the rule code. The class
  subclasses ``PageCheck`` or ``SiteCheck``, has a valid ``code`` equal to the entry name,
  a ``name`` and a ``family``.
- collectors: group ``touchpoint_auditor.collectors``, entry name = its ``name``. The class
  subclasses ``Collector``, names the artifacts it ``provides``; ``Settings`` is a
  ``CollectorSettings`` model or None.
- reporters: group ``touchpoint_auditor.reporters``, entry name = the format. The class has
  a ``write(run, out_dir)`` method; its ``format``, when set, equals the entry name.

Every kind is built for this plugin API version (``api_version``, when set).

The policy, the same for all three:

- A class that does not declare itself properly, or an entry name claimed by two
  different classes, refuses to load (``PluginError``): a silently missing plugin is worse
  than an audit that refuses to start.
- A module that cannot be imported (a broken plugin install) does not stop the audit of
  every client: it is listed in ``load_failures(kind)`` and each consumer says so where it
  matters (a check ends ``errored``; the checks needing a collector's artifacts end
  ``unverifiable``; a reporter someone asked for is a ``PluginError``, one nobody asked for
  is never imported).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from auditor.check import CODE_PATTERN, PLUGIN_API_VERSION, Check, PageCheck, SiteCheck
from auditor.errors import ConfigError, PluginError

CHECK_GROUP = "touchpoint_auditor.checks"
COLLECTOR_GROUP = "touchpoint_auditor.collectors"
REPORTER_GROUP = "touchpoint_auditor.reporters"


@dataclass(frozen=True)
class Plugin:
    """A loaded plugin class, its entry name and the distribution that provided it."""

    name: str
    cls: Any
    plugin: str


class CheckInfo(Plugin):
    """A loaded check class (``name`` is its rule code)."""

    cls: type[Check]

    @property
    def code(self) -> str:
        return self.name


@dataclass(frozen=True)
class Kind:
    """One kind of plugin: its entry-point group, what it is called in messages, and how its
    class is validated."""

    group: str
    noun: str
    validate: Callable[[str, object, str], Any]


def _dist_name(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return dist.name if dist is not None else "?"


def _api_version(where: str, cls: Any) -> None:
    version = getattr(cls, "api_version", PLUGIN_API_VERSION)
    if version != PLUGIN_API_VERSION:
        raise PluginError(f"{where}: built for plugin API version {version}, this auditor has {PLUGIN_API_VERSION}")


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
    _api_version(where, cls)
    return cls


def validate_collector_class(entry_name: str, cls: object, plugin: str) -> type:
    """Refuse a collector class that does not declare itself properly; one clear reason each."""
    from auditor.collector import Collector, CollectorSettings

    where = f"collector {entry_name} from {plugin}"
    if not isinstance(cls, type) or not issubclass(cls, Collector):
        raise PluginError(f"{where}: is not a Collector subclass")
    if cls.name != entry_name:
        raise PluginError(f"{where}: entry-point name {entry_name!r} does not match its name {cls.name!r}")
    if not cls.provides:
        raise PluginError(f"{where}: must name the artifacts it provides")
    settings = cls.Settings
    if settings is not None and not (isinstance(settings, type) and issubclass(settings, CollectorSettings)):
        raise PluginError(f"{where}: Settings must be a CollectorSettings model")
    _api_version(where, cls)
    return cls


def validate_reporter_class(entry_name: str, cls: object, plugin: str) -> type:
    """Refuse a reporter class that does not declare itself properly; one clear reason each."""
    where = f"reporter {entry_name} from {plugin}"
    if not isinstance(cls, type) or not callable(getattr(cls, "write", None)):
        raise PluginError(f"{where}: is not a class with a write(run, out_dir) method")
    fmt = getattr(cls, "format", entry_name)
    if fmt != entry_name:
        raise PluginError(f"{where}: entry-point name {entry_name!r} does not match its format {fmt!r}")
    _api_version(where, cls)
    return cls


CHECKS = Kind(CHECK_GROUP, "check", validate_check_class)
COLLECTORS = Kind(COLLECTOR_GROUP, "collector", validate_collector_class)
REPORTERS = Kind(REPORTER_GROUP, "reporter", validate_reporter_class)


def load(kind: Kind, names: Iterable[str] | None = None) -> tuple[dict[str, Plugin], dict[str, str]]:
    """The installed plugins of ``kind`` (only those of ``names``, when given: the others
    are not imported), validated, in registration order (collectors run in it, reporters
    write in it); and those whose module cannot be imported: entry name → reason."""
    wanted = set(names) if names is not None else None
    found: dict[str, Plugin] = {}
    targets: dict[str, str] = {}
    failed: dict[str, str] = {}
    for ep in entry_points(group=kind.group):
        if wanted is not None and ep.name not in wanted:
            continue
        plugin = _dist_name(ep)
        if ep.name in targets or ep.name in failed:
            if targets.get(ep.name) == ep.value:
                continue  # the same distribution seen twice on sys.path (editable installs)
            first = found[ep.name].plugin if ep.name in found else "another plugin"
            raise PluginError(f"{kind.noun} {ep.name} is claimed twice: by {first} and {plugin}")
        targets[ep.name] = ep.value
        try:
            cls = ep.load()
        except Exception as exc:  # a broken plugin must name itself, not crash the run
            failed[ep.name] = f"{kind.noun} {ep.name} from {plugin} cannot be loaded: {exc.__class__.__name__}: {exc}"
            continue
        found[ep.name] = Plugin(ep.name, kind.validate(ep.name, cls, plugin), plugin)
    return found, failed


def load_checks() -> dict[str, CheckInfo]:
    """All installed checks by code (those that could be imported)."""
    return {code: CheckInfo(p.name, p.cls, p.plugin) for code, p in sorted(load(CHECKS)[0].items())}


def load_failures(kind: Kind = CHECKS) -> dict[str, str]:
    """Plugins of ``kind`` (default: checks) that are installed but could not be imported: name → reason."""
    return load(kind)[1]


def load_collector_classes() -> dict[str, type]:
    """Installed collectors by name (those that could be imported), in registration order."""
    return {name: p.cls for name, p in load(COLLECTORS)[0].items()}


def load_reporters(formats: Iterable[str] | None = None) -> dict[str, type]:
    """Installed reporters by format name; only those of ``formats`` are imported (a broken
    reporter nobody asked for must not stop an audit), and one asked for that cannot be
    imported is a ``PluginError``."""
    available = {ep.name for ep in entry_points(group=REPORTER_GROUP)}
    if formats is not None:
        unknown = sorted(set(formats) - available)
        if unknown:
            raise ConfigError(f"unknown report format {unknown[0]!r}; available: {', '.join(sorted(available))}")
    found, failed = load(REPORTERS, formats)
    if failed:
        raise PluginError(next(iter(failed.values())))
    return {name: p.cls for name, p in found.items()}


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
