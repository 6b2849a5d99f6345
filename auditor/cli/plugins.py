"""``checks``, ``explain`` and ``new-check``: what is installed, what a code means, a plugin to start from."""

from __future__ import annotations

import argparse
import re

from auditor.cli.exits import EXIT_OK
from auditor.errors import InputError


def cmd_checks(_args: argparse.Namespace) -> int:
    from auditor.registry import load_checks, load_failures

    for code, info in load_checks().items():
        print(f"{code}  {info.cls.name:<28} {info.cls.family:<12} {info.plugin}")
    for code, reason in load_failures().items():
        print(f"{code}  (broken) {reason}")
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from auditor.registry import load_checks

    checks = load_checks()
    info = checks.get(args.code.upper())
    if info is None:
        raise InputError(f"unknown rule code {args.code!r}; see 'touchpoint-auditor checks'")
    doc = info.cls.doc_sections()
    print(f"{info.code} {info.cls.name} ({info.cls.family}, default severity {info.cls.default_severity})")
    print(f"\n{plain_text(doc['summary'])}")
    for title, key in (("What it checks", "what"), ("Why it matters", "why"), ("How to fix", "fix")):
        if doc[key]:
            print(f"\n{title}\n{plain_text(doc[key])}")
    return EXIT_OK


_LITERAL = re.compile(r"``(.+?)``", re.S)
_ROLE = re.compile(r":[a-z]+(?::[a-z]+)?:`([^`]+)`")
_LINK = re.compile(r"`([^`<]+?)\s*<([^>]+)>`__?")
_STRONG = re.compile(r"\*\*(.+?)\*\*", re.S)


def plain_text(rst: str) -> str:
    """A docstring's reStructuredText as a terminal shows it: ``literal`` → literal,
    :role:`x` → x, `text <url>`_ → text (url), **strong** → strong, a trailing ``::`` → ``:``."""
    text = _LINK.sub(r"\1 (\2)", rst)
    text = _ROLE.sub(r"\1", text)
    text = _LITERAL.sub(r"\1", text)
    text = _STRONG.sub(r"\1", text)
    return re.sub(r"(?<=\S)::$", ":", text, flags=re.M)


def cmd_new_check(args: argparse.Namespace) -> int:
    from auditor.scaffold import scaffold

    root = scaffold(args.name, args.code.upper(), args.out, args.family)
    print(f"created {root}\nnext: pip install -e {root} && pytest {root} && touchpoint-auditor checks")
    return EXIT_OK
