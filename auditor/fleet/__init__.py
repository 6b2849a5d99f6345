"""The fleet: nightly audits of a portfolio spread over many machines (docs/fleet.md).

An orchestration layer next to ``auditor/nightly/``, not a second audit: each Celery task
audits one client through ``auditor.nightly.client.run_client``, the code path of
``touchpoint-auditor run``. What the fleet adds is how the work is spread and kept safe:

| module | what it holds |
|---|---|
| ``settings.py`` | ``[fleet]`` in the portfolio: broker, queue, shared run folders, time limits |
| ``state.py`` | tonight's job per client in PostgreSQL, and the per-client advisory lock |
| ``celery_app.py`` | the Celery app: late acknowledgement, redelivery of lost tasks, visibility timeout |
| ``task.py`` | one client's audit as an idempotent task (resume after a killed worker) |
| ``submit.py`` | ``fleet submit`` and ``fleet status`` |
| ``worker.py`` | ``fleet worker``: the shared LanguageTool server, then the Celery worker |

Names are imported on use: the command line's parser must not pay for importing Celery.
"""
