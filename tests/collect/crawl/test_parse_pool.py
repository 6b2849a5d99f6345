"""The parse workers' pipe: every task gets its own answer, errors come back as errors,
and a worker that dies fails its pages instead of hanging the crawl. Workers started ahead
(``prestart``, as the command line does) become the pool's, and end when not needed."""

from __future__ import annotations

import asyncio
import os

import pytest

from auditor.collect.crawl import parse_pool
from auditor.collect.crawl.parse_pool import ParsePool, WorkerDied

_STATE: dict[str, int] = {}


def _init(offset: int) -> None:
    _STATE["offset"] = offset


def _prepare() -> None:
    _STATE["prepared"] = 1


def _work_prepared(n: int) -> tuple[int, int, int]:
    return n + _STATE["offset"], _STATE.get("prepared", 0), os.getpid()


def _work(n: int, payload: bytes = b"") -> tuple[int, int, int]:
    if n < 0:
        raise ValueError(f"negative: {n}")
    if n == 999:
        os._exit(3)  # the worker dies mid-task, as a crash or an out-of-memory kill would
    return n + _STATE["offset"], len(payload), os.getpid()


def test_answers_match_tasks_across_workers():
    async def main():
        pool = ParsePool(2, _init, (1000,), _work)
        try:
            big = b"x" * 300_000  # larger than a socket buffer: frames arrive in pieces
            results = await asyncio.gather(*(pool.run(i, big if i % 7 == 0 else b"") for i in range(200)))
        finally:
            pool.close()
        return results

    results = asyncio.run(main())
    assert [r[0] for r in results] == [i + 1000 for i in range(200)]
    assert [r[1] for r in results] == [300_000 if i % 7 == 0 else 0 for i in range(200)]
    assert len({r[2] for r in results}) == 2  # both workers did some of the work
    assert os.getpid() not in {r[2] for r in results}


def test_an_exception_in_the_worker_is_raised_in_the_crawler():
    async def main():
        pool = ParsePool(1, _init, (0,), _work)
        try:
            with pytest.raises(ValueError, match="negative: -5"):
                await pool.run(-5)
            return await pool.run(5)  # the worker goes on after an error
        finally:
            pool.close()

    assert asyncio.run(main())[0] == 5


def test_a_dead_worker_fails_its_pages():
    async def main():
        pool = ParsePool(1, _init, (0,), _work)
        try:
            await pool.run(1)
            with pytest.raises(WorkerDied):
                await asyncio.wait_for(pool.run(999), 30)
            with pytest.raises(WorkerDied):
                await pool.run(2)  # and the pages after it, at once
        finally:
            pool.close()

    asyncio.run(main())


def test_closed_workers_end_on_their_own():
    async def main():
        pool = ParsePool(2, _init, (0,), _work)
        pids = {r[2] for r in await asyncio.gather(*(pool.run(i) for i in range(20)))}
        procs = list(pool._procs)
        pool.close()
        return pids, procs

    pids, procs = asyncio.run(main())
    assert len(pids) == 2
    for proc in procs:
        proc.join(30)  # they end at the closed pipe, not because anything kills them
        assert proc.exitcode == 0


PREPARE = f"{__name__}:_prepare"


def _run_tasks(workers: int, offset: int, tasks: range) -> list[tuple[int, int, int]]:
    """``_work_prepared`` over ``tasks`` in a new pool, which takes any workers started
    ahead; those it leaves are ended."""
    async def main():
        pool = ParsePool(workers, _init, (offset,), _work_prepared)
        try:
            return await asyncio.gather(*(pool.run(i) for i in tasks))
        finally:
            pool.close()

    try:
        return asyncio.run(main())
    finally:
        parse_pool.discard_spares()


def test_workers_started_ahead_become_the_pools():
    parse_pool.prestart(2, PREPARE)
    ahead = {proc.pid for proc, _ in parse_pool._SPARES}
    results = _run_tasks(2, 10, range(40))
    assert [r[0] for r in results] == [i + 10 for i in range(40)]  # initialised with the pool's arguments
    assert {r[1] for r in results} == {1}  # after what they prepared ahead
    assert {r[2] for r in results} == ahead  # the very processes started ahead
    assert parse_pool.spares() == 0


def test_workers_started_ahead_but_not_needed_end():
    parse_pool.prestart(2, PREPARE)
    procs = [proc for proc, _ in parse_pool._SPARES]
    parse_pool.discard_spares()
    assert parse_pool.spares() == 0
    for proc in procs:
        proc.join(30)
        assert proc.exitcode == 0  # they end at the closed pipe


def test_a_worker_started_ahead_that_died_is_replaced():
    parse_pool.prestart(1, PREPARE)
    dead = parse_pool._SPARES[0][0]
    dead.kill()
    dead.join(30)
    [(n, prepared, pid)] = _run_tasks(1, 0, range(7, 8))
    assert (n, prepared) == (7, 0)  # a fresh worker, started the usual way
    assert pid != dead.pid


def test_a_worker_started_ahead_whose_preparation_fails_ends_quietly_and_is_replaced(capfd):
    parse_pool.prestart(1, "tests.collect.no_such_module:prepare")
    quiet = parse_pool._SPARES[0][0]
    quiet.join(30)
    assert quiet.exitcode == 0  # no traceback from a process the audit never used
    assert "Traceback" not in capfd.readouterr().err
    [result] = _run_tasks(1, 1, range(1, 2))
    assert result[:2] == (2, 0)  # a worker the pool started itself
