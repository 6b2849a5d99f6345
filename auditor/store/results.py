"""What an audit concluded and how it was set up: meta values, run-level artifacts,
findings and per-check results."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import select

from auditor.model import CheckResult, Finding
from auditor.store.rows import finding_row
from auditor.store.schema import artifacts_t, checks_t, findings_t, meta_t, page_artifacts_t
from auditor.store.writer import Writer

__all__ = ["Results"]


class Results(Writer):
    def set_meta(self, **values: Any) -> None:
        with self.engine.begin() as conn:
            for key, value in values.items():
                conn.execute(meta_t.delete().where(meta_t.c.key == key))
                conn.execute(meta_t.insert().values(key=key, value=json.dumps(value, default=str)))

    def meta(self, key: str, default: Any = None) -> Any:
        with self.engine.connect() as conn:
            value = conn.execute(select(meta_t.c.value).where(meta_t.c.key == key)).scalar()
        return json.loads(value) if value is not None else default

    def set_artifact(self, name: str, data: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(artifacts_t.delete().where(artifacts_t.c.name == name))
            conn.execute(artifacts_t.insert().values(name=name, data=json.dumps(data, default=str)))

    def artifact(self, name: str) -> Any:
        with self.engine.connect() as conn:
            value = conn.execute(select(artifacts_t.c.data).where(artifacts_t.c.name == name)).scalar()
        return json.loads(value) if value is not None else None

    def artifact_names(self) -> set[str]:
        """Names of the run-level and page-level artifacts stored so far."""
        with self.engine.connect() as conn:
            run_level = set(conn.execute(select(artifacts_t.c.name)).scalars())
            page_level = set(conn.execute(select(page_artifacts_t.c.name).distinct()).scalars())
        return run_level | page_level

    def add_page_artifact(self, url: str, name: str, data: Any) -> None:
        """A collector's result for one page (written with the next ``flush``)."""
        self._add(page_artifacts_t, [{"url": url, "name": name, "data": json.dumps(data, default=str)}])

    def page_artifacts(self, name: str) -> Iterator[tuple[str, Any]]:
        """``(url, data)`` of every page that has artifact ``name``, one at a time."""
        self.flush()
        with self.engine.connect() as conn:
            rows = conn.execute(select(page_artifacts_t.c.url, page_artifacts_t.c.data)
                                .where(page_artifacts_t.c.name == name).order_by(page_artifacts_t.c.url))
            for url, data in rows:
                yield url, json.loads(data)

    def replace_site_findings(self, code: str, findings: Iterable[Finding]) -> None:
        with self.engine.begin() as conn:
            conn.execute(findings_t.delete().where(findings_t.c.code == code, findings_t.c.scope == "site"))
            rows = [finding_row(f, "site", None) for f in findings]
            if rows:
                conn.execute(findings_t.insert(), rows)

    def clear_findings(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(findings_t.delete())
            conn.execute(checks_t.delete())

    def findings(self) -> Iterator[Finding]:
        with self.engine.connect() as conn:
            for (data,) in conn.execute(select(findings_t.c.data).order_by(findings_t.c.id)):
                yield Finding.from_dict(json.loads(data))

    def set_check_result(self, result: CheckResult) -> None:
        with self.engine.begin() as conn:
            conn.execute(checks_t.delete().where(checks_t.c.code == result.code))
            conn.execute(checks_t.insert().values(
                code=result.code, data=json.dumps({**result.to_dict(), "family": result.family})
            ))
