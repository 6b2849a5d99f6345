"""Tonight's rows in PostgreSQL: one per client and night, claimed under the advisory lock,
and ``fleet status`` telling a running audit from one whose worker is gone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from auditor.fleet import state
from auditor.fleet.settings import load_fleet
from auditor.fleet.submit import status
from auditor.nightly.portfolio import load_portfolio

NIGHT = dt.date(2026, 12, 6)


def test_rows_claims_and_what_status_makes_of_a_lock_nobody_holds(postgres_database, tmp_path: Path):
    path = tmp_path / "portfolio.toml"
    path.write_text(f'[portfolio]\nhistory = "{postgres_database}"\n[fleet]\n'
                    '[clients.acme]\ntarget = "http://127.0.0.1:1/"\n[clients.zeta]\ntarget = "http://127.0.0.1:2/"\n',
                    "utf-8")
    fleet = load_fleet(load_portfolio(path))
    engine = state.open_state(postgres_database)
    other = state.open_state(postgres_database)  # a second worker machine's connection
    try:
        assert state.submit(engine, "acme", NIGHT) is True
        assert state.submit(engine, "acme", NIGHT) is False  # once per client and night
        assert state.submit(engine, "acme", NIGHT, again=True) is True  # queued: may be sent again
        assert {r.client: r.state for r in status(fleet, NIGHT)} == {"acme": "queued", "zeta": "not submitted"}

        with engine.connect() as mine, other.connect() as theirs:
            assert state.try_lock(mine, "acme") and not state.try_lock(theirs, "acme")
            job = state.claim(mine, "acme", NIGHT, "w1@test pid 1", 1)
            assert job is not None and (job.state, job.attempts) == ("running", 1)
            assert [(r.state, r.attempts) for r in status(fleet, NIGHT)][:1] == [("running", 1)]
            assert state.submit(engine, "acme", NIGHT, again=True) is False  # running, lock held: not sent
            mine.invalidate()  # its session ends, as a killed worker's does (not back to the pool)
        # The holder's session is gone: lost.
        [acme] = [r for r in status(fleet, NIGHT) if r.client == "acme"]
        assert acme.state == "lost" and "w1@test pid 1 gone mid-audit" in acme.detail
        assert state.submit(engine, "acme", NIGHT, again=True) is True  # lost: sent again

        with other.connect() as theirs:
            assert state.try_lock(theirs, "acme")
            job = state.claim(theirs, "acme", NIGHT, "w2@test pid 2", 2)
            assert job is not None and job.attempts == 2
            state.finish(theirs, job.id, state=state.DONE, outcome="done", pages=4, seconds=1.5)
            assert state.claim(theirs, "acme", NIGHT, "w2@test pid 2", 2) is None  # finished: nothing to claim
            state.unlock(theirs, "acme")
        assert state.submit(engine, "acme", NIGHT, again=True) is False  # done is never sent again
        [acme] = [r for r in status(fleet, NIGHT) if r.client == "acme"]
        assert (acme.state, acme.attempts) == ("done", 2) and acme.detail.startswith("4 pages, 2 s")

        with engine.connect() as mine:  # a failed client is queued afresh by the next submit
            assert state.submit(engine, "zeta", NIGHT) is True
            assert state.try_lock(mine, "zeta")
            job = state.claim(mine, "zeta", NIGHT, "w1@test pid 1", 1)
            assert job is not None
            state.finish(mine, job.id, state=state.FAILED, outcome="failed", message="boom")
            state.unlock(mine, "zeta")
        assert state.submit(engine, "zeta", NIGHT) is True
        assert state.job(engine, "zeta", NIGHT).state == "queued"
    finally:
        engine.dispose()
        other.dispose()
