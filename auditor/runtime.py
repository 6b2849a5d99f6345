"""Process-wide settings for a process that audits (the CLI, the parse workers).

The garbage collector: a crawl allocates millions of small, short-lived containers (link
rows, tuples, dicts) and makes almost no reference cycles. CPython's default thresholds
(700, 10, 10) run a young collection every 700 net allocations and a full one, over the
whole heap, every ~70,000; on the link benchmark that cost 2 to 9 % of the audit's time
(A/B, 3 pairs twice). Cycles are still collected, about 140 times less often; memory stays
within the benchmark's bound (peak RSS in bench/README.md).
"""

from __future__ import annotations

import gc

GC_THRESHOLDS = (100_000, 50, 100)
_frozen = False


def tune_gc() -> None:
    """Collect less often; the first time, also move what start-up created (modules,
    classes, the configuration) out of the collector's sight, so full collections no longer
    walk it. Only once: a process that audits client after client must not freeze the live
    objects of one audit, whose cycles would then never be collected."""
    global _frozen
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True
    gc.set_threshold(*GC_THRESHOLDS)
