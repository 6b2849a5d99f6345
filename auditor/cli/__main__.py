"""``python -m auditor.cli``: the same as the ``touchpoint-auditor`` command."""

import sys

from auditor.cli.main import main

sys.exit(main())
