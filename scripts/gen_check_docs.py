"""Write docs/checks.md from the installed checks' docstrings (one section per rule code).

Run after changing a check's docstring: ``.venv/bin/python scripts/gen_check_docs.py``.
tests/test_docs.py fails when a rule code has no section.
"""

from __future__ import annotations

from pathlib import Path

from auditor.registry import load_checks

HEADER = """# Checks

One section per rule code: what it checks, why it matters for a prospect, how to fix it.
The same text is shown by `touchpoint-auditor explain CODE` and in the report. This file is
generated from the checks' docstrings by `scripts/gen_check_docs.py`.

Severities: `info` < `warning` < `error` < `critical`. Override per check in the config:
`[checks.TP102] severity = "error"`.
"""


def _default(f: object) -> object:
    from dataclasses import MISSING

    factory = getattr(f, "default_factory", MISSING)
    return factory() if factory is not MISSING else getattr(f, "default", None)


def render() -> str:
    parts = [HEADER]
    families: dict[str, list] = {}
    for info in load_checks().values():
        families.setdefault(info.cls.family, []).append(info)
    for family, infos in families.items():
        parts.append(f"\n## Family: {family}\n")
        for info in infos:
            cls = info.cls
            doc = cls.doc_sections()
            parts.append(f"\n### {cls.code} {cls.name}\n")
            parts.append(f"{doc['summary']}\n")
            parts.append(f"\n*Default severity:* `{cls.default_severity}` · *needs:* "
                         f"{', '.join(f'`{r}`' for r in cls.requires)} · *plugin:* `{info.plugin}`\n")
            if cls.Options is not None:
                from dataclasses import fields

                opts = ", ".join(f"`{f.name}` (default `{_default(f)!r}`)" for f in fields(cls.Options))
                parts.append(f"\n*Options* (`[checks.{cls.code}]`): {opts}\n")
            for title, key in (("What it checks", "what"), ("Why it matters", "why"), ("How to fix", "fix")):
                parts.append(f"\n**{title}.** {' '.join(doc[key].split())}\n")
    return "".join(parts)


if __name__ == "__main__":
    path = Path(__file__).resolve().parent.parent / "docs" / "checks.md"
    path.write_text(render(), encoding="utf-8")
    print(f"wrote {path}")
