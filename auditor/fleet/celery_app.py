"""The Celery application of a fleet: broker, queue, and the settings that make a task safe to retry.

- ``task_acks_late``: a task's message is acknowledged when the audit has ended, not when it
  starts; a worker that dies mid-audit leaves the message to be delivered again.
- ``task_reject_on_worker_lost``: when the process running the audit is killed (``kill -9``,
  the out-of-memory killer), its worker hands the message back at once instead of
  acknowledging it as failed.
- the broker's ``visibility_timeout`` is longer than the longest task (``Fleet.visibility_timeout``):
  a message unacknowledged that long belongs to a worker machine that is gone, and Redis
  delivers it again; shorter, and a long audit would be started a second time while it runs.
- ``worker_prefetch_multiplier = 1``: a worker takes one audit per process at a time, so the
  queue is spread over every machine instead of reserved by the first.
- no result backend: the state lives in PostgreSQL (``state.py``).
"""

from __future__ import annotations

from typing import Any

from celery import Celery

from auditor.fleet.settings import Fleet

TASK_NAME = "touchpoint_auditor.audit_client"


def make_app(fleet: Fleet) -> Celery:
    """A Celery app for ``fleet`` with the audit task registered."""
    settings = fleet.settings
    app = Celery("touchpoint-auditor", broker=settings.broker, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_default_queue=settings.queue,
        task_serializer="json",
        accept_content=["json"],
        # Redis: unacknowledged tasks older than the visibility timeout are put back in the
        # queue by a sweep every ``restore_interval`` seconds in each worker.
        broker_transport_options={"visibility_timeout": fleet.visibility_timeout,
                                  "unacked_restore_interval": settings.restore_interval,
                                  "unacked_restore_throttle": 1},
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a broker restart is waited out, however long
        worker_cancel_long_running_tasks_on_connection_loss=False,  # an audit survives a broker restart
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        enable_utc=True,
    )

    @app.task(name=TASK_NAME, bind=True, acks_late=True, reject_on_worker_lost=True)
    def audit_client(task: Any, client: str, night: str) -> str:
        from auditor.fleet.task import run_task

        return run_task(task, client, night)

    return app


def send(app: Celery, fleet: Fleet, client: str, night: str) -> None:
    """Queue one client's audit for ``night`` with its time limits; the task id names both,
    so the broker's own logs show which is which."""
    soft, hard = fleet.limits(fleet.portfolio.clients[client])
    app.send_task(TASK_NAME, args=(client, night), task_id=f"{client}@{night}", queue=fleet.settings.queue,
                  soft_time_limit=soft, time_limit=hard)
