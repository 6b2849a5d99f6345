"""A rule code's texts and a finding's sentence in the report's language.

Checks write their messages and docstrings in English. The report writes its own sentence
per rule code from the finding's evidence when the catalogue has one
(``codes.TP101.message``); the values it may use are the finding's ``url``, ``target``,
``occurrences``, every top-level scalar of its evidence, and the derived values below
(``pages``, ``reason``, ``hops``, ``unneeded``, ``purpose_name``, ``field_name``, ``suggestion``). When the
catalogue has no sentence, or a value it needs is missing, the check's own message is
shown, marked as English (``lang="en"``) so screen readers pronounce it right.

A template defect (``auditor.sitewide``) has a sentence of its own, about the group and not
one of its pages (``codes.TP105.group``: "Het anker {target} ontbreekt op {pages} …"): its
``target`` is what the pages share (``#fragment`` for a link to the page's own fragment),
``pages`` its number of pages, and the finding's ``url`` is not offered (it names one page).
A code without one gets ``findings.template_group``: "<title> op N pagina's: <target>".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.model import Finding
from auditor.report.i18n import Catalogue
from auditor.scoring import pages_of
from auditor.sitewide import TemplateDefect

__all__ = ["Text", "code_text", "finding_message", "group_message", "message_values"]

Text = tuple[str, str | None]  # (text, its language when it differs from the report's)


def _class_text(cls: Any, lang: str, field: str) -> str | None:
    texts = getattr(cls, "report_messages", None)
    if isinstance(texts, Mapping):
        value = (texts.get(lang) or {}).get(field)
        return value if isinstance(value, str) and value else None
    return None


def code_text(cat: Catalogue, code: str, field: str, *, cls: Any = None, doc: Mapping[str, str] | None = None,
              name: str = "") -> Text:
    """``title``, ``summary``, ``why`` or ``fix`` of a rule code: the catalogue, then the
    check's ``report_messages``, then (marked English) its docstring or its name."""
    found = cat.get(f"codes.{code}.{field}")
    if isinstance(found, str) and found:
        return found, None
    found = _class_text(cls, cat.lang, field)
    if found:
        return found, None
    other = None if cat.lang == "en" else "en"
    if field == "title":
        return (name or code).replace("-", " ").capitalize(), other
    text = (doc or {}).get(field, "")
    return text, other if text else None


def _reason(cat: Catalogue, ev: Mapping[str, Any], code: str) -> str | None:
    error, status = ev.get("error"), ev.get("status")
    if isinstance(error, str) and isinstance(cat.get(f"errors.{error}"), str):
        return cat.get(f"errors.{error}")
    if isinstance(status, int) and not isinstance(status, bool):
        if code == "TP107":  # blocked, not broken: say by what
            blocked = cat.get(f"blocked.{status}") or cat.get("blocked.login" if status < 400 else "blocked.wall")
            if isinstance(blocked, str):
                return blocked
        meaning = cat.get(f"http.{status}") or cat.get(f"http.{status // 100}xx")
        return f"HTTP {status}" + (f" ({meaning})" if meaning else "")
    return None


def message_values(cat: Catalogue, finding: Finding) -> dict[str, Any]:
    """What a catalogue sentence may use (see the module docstring)."""
    ev = finding.evidence
    values: dict[str, Any] = {k: v for k, v in ev.items() if isinstance(v, str | int | float | bool)}
    values.update(url=finding.url, target=finding.target, occurrences=finding.occurrences)
    pages = ev.get("pages") if isinstance(ev.get("pages"), int) else ev.get("page_count")
    values["pages"] = pages if isinstance(pages, int) and not isinstance(pages, bool) else pages_of(finding)
    values["reason"] = _reason(cat, ev, finding.code)
    hops = ev.get("redirects") if isinstance(ev.get("redirects"), list) else ev.get("hops")
    if isinstance(hops, list):
        values["hops"] = len(hops)
    unneeded = ev.get("unneeded_fields")
    if isinstance(unneeded, list):
        kinds = [u.get("kind") for u in unneeded if isinstance(u, Mapping)]
        names = [cat.get(f"data_kinds.{k}") or str(k) for k in dict.fromkeys(kinds) if k]
        values["unneeded"] = ", ".join(names) if names else None
    if isinstance(ev.get("purpose"), str):
        values["purpose_name"] = cat.get(f"purposes.{ev['purpose']}") or ev["purpose"]
    if isinstance(ev.get("field"), str):
        values["field_name"] = cat.get(f"data_kinds.{ev['field']}") or ev["field"]
    suggestions = ev.get("suggestions")
    if isinstance(suggestions, list) and suggestions and isinstance(suggestions[0], str):
        values["suggestion"] = suggestions[0]
    return values


def finding_message(cat: Catalogue, finding: Finding, cls: Any = None) -> Text:
    """The finding's sentence in the report's language, else the check's own (English)."""
    template = cat.get(f"codes.{finding.code}.message") or _class_text(cls, cat.lang, "message")
    if isinstance(template, str) and template:
        values = message_values(cat, finding)
        variants = cat.get(f"codes.{finding.code}.message_variants") or {}
        for condition, alternative in variants.items():  # e.g. {"unneeded": "…"}: used when that value exists
            if values.get(condition):
                template = alternative
                break
        try:
            return cat.format(template, values), None
        except KeyError:
            pass
    return finding.message, None if cat.lang == "en" else "en"


def group_message(cat: Catalogue, defect: TemplateDefect, cls: Any = None, title: Text = ("", None)) -> Text:
    """A template defect's sentence: its code's ``group`` sentence, else the generic one
    (the code's ``title``, the number of pages and the shared target)."""
    values = message_values(cat, defect.finding)
    values.pop("url", None)
    values.update(target=defect.target or None, pages=defect.page_count)
    template = cat.get(f"codes.{defect.code}.group") or _class_text(cls, cat.lang, "group")
    if isinstance(template, str) and template:
        try:
            return cat.format(template, values), None
        except KeyError:
            pass
    key = "findings.template_group" if defect.target else "findings.template_group_no_target"
    return cat.t(key, title=title[0] or defect.code, pages=defect.page_count, target=defect.target), None
