"""Dates as web pages show them: read from text (``text``) and the publication date of a
page (``page``: JSON-LD, meta, ``<time>``, the visible date, htmldate guarded).

One reader for every family that needs a page's date: the freshness checks (TP201-TP203)
judge with it, and the touchpoint inventory dates news items with it, so the two never
disagree. It reads a parsed page and fetches nothing, so every layer may import it.
"""
