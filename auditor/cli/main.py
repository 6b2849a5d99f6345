"""``touchpoint-auditor``: parse the command line, run the command, and turn every
``AuditorError`` (and an unreadable file) into one line on stderr and exit 2, never a traceback."""

from __future__ import annotations

import sys

from auditor.cli.exits import EXIT_USAGE
from auditor.cli.options import build_parser
from auditor.errors import AuditorError


def main(argv: list[str] | None = None) -> int:
    from auditor.cli.audit import cmd_audit, cmd_recheck
    from auditor.cli.dashboard import DASHBOARD_COMMANDS
    from auditor.cli.fleet import FLEET_COMMANDS
    from auditor.cli.nightly import NIGHTLY_COMMANDS
    from auditor.cli.plugins import cmd_checks, cmd_explain, cmd_new_check

    args = build_parser().parse_args(argv)
    handler = {"audit": cmd_audit, "recheck": cmd_recheck, "checks": cmd_checks, "explain": cmd_explain,
               "new-check": cmd_new_check, **NIGHTLY_COMMANDS,
               **FLEET_COMMANDS, **DASHBOARD_COMMANDS}
    try:
        status = handler[args.command](args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below, not at exit
        return status
    except BrokenPipeError:
        return _reader_went_away()
    except AuditorError as exc:
        print(f"touchpoint-auditor: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"touchpoint-auditor: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return EXIT_USAGE


def _reader_went_away() -> int:
    """``touchpoint-auditor checks | head -2``: the reader has what it wanted. Not an error:
    no message, exit 0, and stdout pointed at /dev/null so the interpreter's final flush
    does not complain either."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is no file (a test's capture): nothing to point elsewhere
        pass
    return 0
