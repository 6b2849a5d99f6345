"""The command line (contract in design.md): ``audit``, ``recheck``, ``checks``, ``explain``,
``new-check``, the nightly commands ``run``, ``suppress``, ``unsuppress``, ``history`` and
``dashboard``.

A front end only: it parses flags into a configuration, calls the audit service
(``auditor/app.py``) and turns every ``AuditorError`` into one line and exit 2. Nothing in
the package imports the command line; the command line imports the rest.

| module | what it holds |
|---|---|
| ``main.py`` | ``main``: the parser's dispatch, errors as one line |
| ``options.py`` | the parser, flags shared by ``audit`` and ``run``, flags → config overrides |
| ``exits.py`` | the exit statuses |
| ``progress.py`` | progress per phase: a rich live view on a terminal, one line per phase elsewhere |
| ``audit.py`` | ``audit`` and ``recheck`` |
| ``plugins.py`` | ``checks``, ``explain``, ``new-check`` |
| ``nightly.py`` | ``run``, ``suppress``, ``unsuppress``, ``history`` (docs/nightly.md) |
| ``dashboard.py`` | ``dashboard``: the portfolio's overview page (docs/dashboard.md) |
"""

from __future__ import annotations

from auditor.cli.main import main

__all__ = ["main"]
