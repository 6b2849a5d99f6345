"""Offers in ad copy (prices, discounts, deals, promo codes, dates) and whether a page shows them (TP504).

An offer is compared by value, never by spelling: ``€ 4.999``, ``€4999,-``, ``4.999 euro``
and ``EUR 4,999.00`` are one price, because Dutch writes ``1.299,00`` where English
writes ``1,299.00``. A lone separator before exactly three digits (``4.250``) is read
both ways (4250 and 4.25) and either reading matches: a false "offer missing" costs
more trust than a rare miss. ``2 voor 1``, ``1+1 gratis`` and ``buy one get one free``
are the same deal; ``31 mei``, ``31-05`` and ``May 31`` the same date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from auditor.months import DUTCH_ENGLISH

__all__ = ["Offer", "extract_offers", "is_end_date", "offer_on_page", "page_offer_keys", "parse_amount",
           "price_mentions"]

_NUM = r"(?<![\d.,])(\d{1,3}(?:[.,\u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)(?![\d])"
_DASH = r"(?:\s?[.,]\s?[-–—=]{1,2})"
_CUR_BEFORE = r"(?:€|\beur\b|\beuro\b|\$|\busd\b|£|\bgbp\b)"
_CUR_AFTER = r"(?:€|\beuros?\b|\beur\b|\bdollars?\b|\busd\b|\bpond\b|\bpounds?\b|\bgbp\b)"
_PRICE = re.compile(
    rf"{_CUR_BEFORE}\s?{_NUM}{_DASH}?|{_NUM}{_DASH}?\s?{_CUR_AFTER}|{_NUM}{_DASH}", re.I)
_DISCOUNT_WORDS = r"(?:korting|off|discount|reduction|voordeel|voordeliger|goedkoper|minder|besparing)"
_PERCENT = re.compile(rf"{_NUM}\s?(?:%|procent\b|percent\b)", re.I)
_PERCENT_DISCOUNT = re.compile(
    rf"(?:-\s?{_NUM}\s?%)|(?:{_NUM}\s?(?:%|procent\b|percent\b)\s?{_DISCOUNT_WORDS})|"
    rf"(?:(?:save|bespaar|korting|discount)\s+(?:up\s+to\s+|tot\s+)?{_NUM}\s?(?:%|procent\b|percent\b))", re.I)
_AMOUNT_DISCOUNT = re.compile(rf"(?:{_PRICE.pattern})\s?{_DISCOUNT_WORDS}|(?:save|bespaar)\s+(?:{_PRICE.pattern})",
                              re.I)
_NUMBER_WORDS = {"een": 1, "één": 1, "one": 1, "twee": 2, "two": 2, "drie": 3, "three": 3, "vier": 4, "four": 4}
_N = r"(\d|een|één|one|twee|two|drie|three|vier|four)"
_DEALS = (
    (re.compile(rf"\b{_N}[\s-]?(?:voor|for)[\s-]?(?:de\s+prijs\s+van\s+|the\s+price\s+of\s+)?{_N}\b", re.I), "x-for-y"),
    (re.compile(rf"\b{_N}\s?\+\s?{_N}\s?(?:gratis|free)\b", re.I), "x-plus-y"),
    (re.compile(rf"\b{_N}\s+halen,?\s+{_N}\s+betalen\b", re.I), "x-for-y"),
    (re.compile(rf"\bbuy\s+{_N}\s*,?\s+get\s+{_N}\s+free\b", re.I), "x-plus-y"),
    (re.compile(r"\b(?:2e|tweede|second|2nd)\s+(?:voor\s+de\s+)?(?:halve\s+prijs|half\s+price)\b", re.I),
     "second-half"),
    (re.compile(r"\b(?:2e|tweede|second|2nd)\s+(?:gratis|free)\b", re.I), "second-free"),
)
_CODE = re.compile(
    r"\b(?:kortingscode|actiecode|promocode|promo\s+code|couponcode|coupon\s+code|discount\s+code|vouchercode|"
    r"voucher\s+code|code|coupon|voucher)\s*[:\-]?\s*[\"'“‘]?([A-Z0-9][A-Z0-9_-]{2,19})\b", re.I)
_MONTHS = DUTCH_ENGLISH  # the one month table (auditor.months)
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:e|st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?![a-z])", re.I)
_DATE_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b", re.I)
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2}|\d{4}))?\b(?![.,]\d)")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_END_CONTEXT = re.compile(r"(t/m|tot\s+en\s+met|tot|geldig|until|till|through|thru|ends?|expires?|uiterlijk|"
                          r"only|alleen|nog)\s*$", re.I)


@dataclass(frozen=True)
class Offer:
    """One promise in an ad: ``kind`` (price, discount, deal, code, date), how the ad wrote it,
    and the normalised keys any of which on the page keeps the promise."""

    kind: str
    text: str
    keys: frozenset[tuple[str, object]]

    @property
    def label(self) -> str:
        return {"price": "price", "discount": "discount", "deal": "deal", "code": "promo code",
                "date": "date"}.get(self.kind, self.kind)


def parse_amount(text: str) -> frozenset[Decimal]:
    """Every value a written number can mean: ``1.299,00`` and ``1,299.00`` → 1299;
    ``4.250`` → 4250 or 4.25; ``49,-`` → 49."""
    raw = re.sub(r"\s?[.,]\s?[-–—=]+$", "", text.strip())
    raw = raw.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    dots, commas = raw.count("."), raw.count(",")
    readings: list[str] = []
    if dots and commas:
        decimal = "." if raw.rfind(".") > raw.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        readings.append(raw.replace(thousands, "").replace(decimal, "."))
    elif dots + commas > 1:
        readings.append(raw.replace(".", "").replace(",", ""))
    elif dots + commas == 1:
        sep = "." if dots else ","
        whole, frac = raw.split(sep)
        if len(frac) == 3:
            readings.append(whole + frac)
        readings.append(f"{whole}.{frac}")
    else:
        readings.append(raw)
    values = set()
    for reading in readings:
        try:
            values.add(Decimal(reading).normalize())
        except InvalidOperation:
            continue
    return frozenset(values)


def _first_number(match: re.Match[str]) -> str:
    return next(g for g in match.groups() if g)


def _amount_keys(kind: str, number: str) -> frozenset[tuple[str, object]]:
    return frozenset((kind, v) for v in parse_amount(number))


def _number_word(token: str) -> int:
    return int(token) if token.isdigit() else _NUMBER_WORDS[token.lower()]


def _deal_keys(text: str) -> dict[str, frozenset[tuple[str, object]]]:
    found: dict[str, frozenset[tuple[str, object]]] = {}
    for pattern, how in _DEALS:
        for m in pattern.finditer(text):
            if how == "second-half":
                key: tuple[str, object] = ("deal", "second-half-price")
            elif how == "second-free":
                key = ("deal", (2, 1))
            else:
                x, y = _number_word(m.group(1)), _number_word(m.group(2))
                get, pay = (x + y, x) if how == "x-plus-y" else (x, y)
                if get <= pay or get > 10:
                    continue  # "1 voor 2", "10 voor 15": not a deal
                key = ("deal", (get, pay))
            found.setdefault(m.group(0), frozenset({key}))
    return found


def _dates(text: str, strict: bool = False) -> list[tuple[re.Match[str], frozenset[tuple[str, object]]]]:
    """Dates as ``(day, month)`` keys; ``strict`` (ads) takes ``24/7`` for a date only after "t/m", "until"."""
    out: list[tuple[re.Match[str], frozenset[tuple[str, object]]]] = []
    for m in _DATE_DAY_MONTH.finditer(text):
        day, month = int(m.group(1)), _MONTHS[m.group(2).lower()]
        if 1 <= day <= 31:
            out.append((m, frozenset({("date", (day, month))})))
    for m in _DATE_MONTH_DAY.finditer(text):
        month, day = _MONTHS[m.group(1).lower()], int(m.group(2))
        if 1 <= day <= 31 and (m.group(1).lower() != "may" or m.group(1)[0] == "M"):  # "you may 2 …"
            out.append((m, frozenset({("date", (day, month))})))
    for m in _DATE_ISO.finditer(text):
        month, day = int(m.group(2)), int(m.group(3))
        if 1 <= month <= 12 and 1 <= day <= 31:
            out.append((m, frozenset({("date", (day, month))})))
    for m in _DATE_NUMERIC.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        readings = {(a, b), (b, a)} if a <= 12 and b <= 12 else {(a, b)} if b <= 12 else {(b, a)} if a <= 12 else set()
        readings = {(d, mo) for d, mo in readings if 1 <= d <= 31 and 1 <= mo <= 12}
        if not readings or not (m.group(3) or "/" in m.group(0) or "-" in m.group(0)):
            continue
        if m.group(3) or not strict or _END_CONTEXT.search(text[max(0, m.start() - 16):m.start()]):
            out.append((m, frozenset(("date", r) for r in readings)))
    return out


def extract_offers(text: str) -> list[Offer]:
    """The offers an ad makes, in the order they appear, each once."""
    offers: dict[str, tuple[int, Offer]] = {}
    claimed: list[tuple[int, int]] = []

    def add(kind: str, match: re.Match[str], keys: frozenset[tuple[str, object]]) -> None:
        span = match.span()
        if not keys or any(s <= span[0] < e or s < span[1] <= e for s, e in claimed):
            return
        claimed.append(span)
        written = " ".join(match.group(0).split())
        offers.setdefault(f"{kind}:{written}", (span[0], Offer(kind, written, keys)))

    for m in _CODE.finditer(text):
        code = m.group(1)
        if code.upper() == code and any(c.isalpha() for c in code) and (len(code) >= 4 or any(c.isdigit()
                                                                                          for c in code)):
            add("code", m, frozenset({("code", code.upper())}))
    for m in _PERCENT_DISCOUNT.finditer(text):
        add("discount", m, _amount_keys("percent", _first_number(m)))
    for m in _AMOUNT_DISCOUNT.finditer(text):
        add("discount", m, _amount_keys("amount", _first_number(m)))
    for written, keys in _deal_keys(text).items():
        found = re.search(re.escape(written), text)
        if found:
            add("deal", found, keys)
    for m in _PRICE.finditer(text):
        add("price", m, _amount_keys("amount", _first_number(m)))
    for m, keys in _dates(text, strict=True):
        add("date", m, keys)
    return [offer for _, offer in sorted(offers.values(), key=lambda item: item[0])]


def page_offer_keys(text: str) -> set[tuple[str, object]]:
    """Every offer key a page shows: amounts next to a currency, any percentage, deals, dates."""
    keys: set[tuple[str, object]] = set()
    for m in _PRICE.finditer(text):
        keys |= _amount_keys("amount", _first_number(m))
    for m in _PERCENT.finditer(text):
        keys |= _amount_keys("percent", _first_number(m))
    for found in _deal_keys(text).values():
        keys |= found
    for _, found in _dates(text):
        keys |= found
    return keys


def offer_on_page(offer: Offer, page_text: str, page_keys: set[tuple[str, object]]) -> bool:
    """Whether the page keeps the ad's promise (any of the offer's keys, or the code as a word)."""
    if offer.kind == "code":
        code = next(iter(offer.keys))[1]
        return re.search(rf"(?<![A-Za-z0-9]){re.escape(str(code))}(?![A-Za-z0-9])", page_text, re.I) is not None
    return bool(offer.keys & page_keys)


def price_mentions(text: str, limit: int = 10) -> list[str]:
    """The prices a page shows, as written (evidence for a missing or changed price)."""
    return list(dict.fromkeys(" ".join(m.group(0).split()) for m in _PRICE.finditer(text)))[:limit]


def is_end_date(offer: Offer, ad_text: str) -> bool:
    """A date the ad presents as the end of the offer ("t/m 31 mei", "until May 31")."""
    at = ad_text.find(offer.text)
    return offer.kind == "date" and at >= 0 and _END_CONTEXT.search(ad_text[max(0, at - 16):at]) is not None
