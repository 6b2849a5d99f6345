"""Write docs/plugin-api.md: the plugin API reference, from the public names' docstrings.

Run after changing a public type: ``.venv/bin/python scripts/gen_plugin_api.py``.
tests/test_docs.py fails when the file is out of date.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import auditor
from auditor import check as check_module

HEADER = """# Plugin API reference

Generated from the docstrings by `scripts/gen_plugin_api.py`; the tutorial is
`docs/plugins.md`. Everything importable from `auditor` (its `__all__`) is the public API,
version {version} (`auditor.PLUGIN_API_VERSION`); a check declares the version it was
built for in `api_version` and is refused at load when it differs. Checks, collectors and
reporters are loaded and validated the same way (`auditor/registry.py`).
"""

ARTIFACTS = """
## Artifacts a check may require

| artifact | provided by | what it is |
|---|---|---|
| `pages` | the crawler | the crawled HTML pages (`Page`), streamed to page checks and via `site.pages()` |
| `link_status` | the crawler | what fetching each linked URL gave (`site.link_result(url)`, `link_targets`) |
| `not_found_probe` | the crawler | the site's own answer to an address that cannot exist (`ctx.artifact(...)`) |
| `sitemaps`, `robots` | the crawler | what the sitemaps and robots.txt gave |
| other names | a collector that `provides` it | run level: `ctx.artifact(name)`; per page: `page_artifacts(name)` |

`site.link_targets(which)`: {filters}
"""


def _doc(obj: object) -> str:
    return inspect.cleandoc(obj.__doc__ or "").strip()


def _members(cls: type) -> list[str]:
    out = []
    for name, member in vars(cls).items():
        if name.startswith("_") or not (inspect.isfunction(member) or isinstance(member, property)):
            continue
        target = member.fget if isinstance(member, property) else member
        try:
            signature = str(inspect.signature(target)).replace("(self, ", "(").replace("(self)", "()")
        except (TypeError, ValueError):
            signature = ""
        first = (_doc(target).splitlines() or [""])[0]
        out.append(f"- `{name}{signature if not isinstance(member, property) else ''}`"
                   + (f": {first}" if first else ""))
    return out


def render() -> str:
    parts = [HEADER.format(version=auditor.PLUGIN_API_VERSION)]
    filters = "; ".join(f"`{k}`: {v}" for k, v in check_module.LINK_TARGET_FILTERS.items())
    parts.append(ARTIFACTS.format(filters=filters))
    names = [n for n in sorted(auditor.__all__) if not n.startswith("_") and n != "PLUGIN_API_VERSION"]
    objects = [(n, getattr(auditor, n)) for n in names]
    for name, obj in objects:
        if not inspect.isclass(obj):
            continue
        parts.append(f"\n## `{name}`\n\n{_doc(obj)}\n")
        members = _members(obj)
        if members:
            parts.append("\n" + "\n".join(members) + "\n")
    return "".join(parts)


if __name__ == "__main__":
    path = Path(__file__).resolve().parent.parent / "docs" / "plugin-api.md"
    path.write_text(render(), encoding="utf-8")
    print(f"wrote {path}")
