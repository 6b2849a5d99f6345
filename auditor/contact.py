"""Contact details as people write them, made comparable: names, phone numbers, e-mail, postcodes.

``+31 30 123 4567``, ``030-123 45 67``, ``(030) 123 45 67``, ``+31 (0)30 1234567`` and
``tel:+31301234567`` are one number; ``Groenhuis Installatietechniek B.V.`` and
``groenhuis installatietechniek`` are one name. TP603 may only report a difference that
survives this normalisation, or it reports formatting, not inconsistency.

The profile visitor finds the raw values (``find_*``); the check (TP603) normalises and
compares them. Both import this module, which belongs to neither.
"""

from __future__ import annotations

import re
import unicodedata

from auditor.urls import host_of, registrable_domain

# Dutch national numbers have ten digits (0 + area code + subscriber number); separators
# of up to two characters ("030-123 45 67", "(030) 123 45 67") are allowed between digits.
# Not after a bank code: "NL91 ABNA 0417 1643 00" is an IBAN.
_PHONE_NATIONAL = re.compile(r"(?<![\w+./-])(?<![A-Z]{4}\s)\(?0\d(?:[\s.\-/)]{0,2}\d){8}(?![\d])")
_PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])(?:\+|00)[1-9](?:[\s.\-/()]{0,3}\d){7,13}(?!\d)")
_EMAIL = re.compile(r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}"
                    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b")
_NOT_EMAIL_TLDS = ("png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "css", "js")
# A Dutch postcode after a house number ("Atoomweg 52, 3542 AB Utrecht"): without the house
# number, "sinds 1987 BV" would read as a postcode.
_ADDRESS_NL = re.compile(r"\b\d{1,5}\s?[a-zA-Z]?(?:-\d+)?,?\s+([1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2})\b")
_POSTCODE_NL = re.compile(r"\b([1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2})\b")
LEGAL_FORMS = frozenset({
    "bv", "nv", "vof", "cv", "bvba", "vzw", "holding", "ltd", "limited", "inc", "incorporated", "llc", "llp",
    "plc", "corp", "corporation", "co", "gmbh", "ag", "kg", "ug", "ev", "sa", "sas", "sarl", "srl", "spa",
    "ab", "as", "aps", "oy", "stichting", "vereniging", "eenmanszaak",
})
FREEMAIL = frozenset({
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.nl", "outlook.com", "outlook.nl", "live.com",
    "live.nl", "msn.com", "yahoo.com", "yahoo.nl", "icloud.com", "me.com", "kpnmail.nl", "ziggo.nl",
    "planet.nl", "home.nl", "hetnet.nl", "xs4all.nl", "zonnet.nl", "casema.nl", "gmx.net", "gmx.de",
    "proton.me", "protonmail.com", "web.de",
})


# -- finding raw values in text ---------------------------------------------------------
def find_phones(text: str) -> list[str]:
    """Phone numbers written in ``text`` (international, or Dutch national with ten digits)."""
    found = [m.group().strip() for m in _PHONE_INTERNATIONAL.finditer(text)]
    # National numbers in what is left: "+32 02 …" must not also read as a Dutch "02 …".
    rest = _PHONE_INTERNATIONAL.sub(" ", text)
    found += [m.group().strip() for m in _PHONE_NATIONAL.finditer(rest)]
    return _unique(found)


def find_emails(text: str) -> list[str]:
    return _unique(m.group() for m in _EMAIL.finditer(text)
                   if m.group().lower().rsplit(".", 1)[-1] not in _NOT_EMAIL_TLDS)


def find_addresses(text: str) -> list[str]:
    """Postcodes that follow a house number in ``text``: addresses, not stray numbers."""
    return _unique(m.group(1) for m in _ADDRESS_NL.finditer(text))


def find_postcodes(text: str) -> list[str]:
    """Any Dutch postcode in ``text`` (lenient: for the site's own pages)."""
    return _unique(m.group(1) for m in _POSTCODE_NL.finditer(text))


def _unique(values) -> list[str]:
    return list(dict.fromkeys(values))


# -- normalising ----------------------------------------------------------------------------
def normalise_phone(raw: str, country_code: str = "31") -> str | None:
    """``+<country><number>`` digits only, or None when it cannot be a phone number.

    A national number (leading 0) gets ``country_code``; ``(0)`` after a country code and
    a trunk 0 written after it (``+31 030 …``) are dropped.
    """
    s = raw.strip().lower().removeprefix("tel:").removeprefix("callto:").split("?")[0].replace("(0)", "")
    digits = re.sub(r"\D", "", s)
    if s.lstrip().startswith("+"):
        number = digits
    elif digits.startswith("00"):
        number = digits[2:]
    elif digits.startswith("0"):
        number = country_code + digits[1:]
    else:
        number = digits  # wa.me/31301234567: already international, without the +
    if number.startswith(country_code + "0"):
        number = country_code + number[len(country_code) + 1:]
    return "+" + number if 8 <= len(number) <= 15 else None


def normalise_email(raw: str) -> str | None:
    s = raw.strip().removeprefix("mailto:").split("?")[0].strip().lower()
    return s if _EMAIL.fullmatch(s) else None


def normalise_postcode(raw: str) -> str:
    return re.sub(r"\s+", "", raw).upper()


def name_tokens(name: str) -> list[str]:
    """Words of a name, case and accents folded, legal forms (B.V., GmbH …) left out."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"(?<=\b\w)\.", "", text)  # b.v. -> bv, n.v. -> nv
    text = text.replace("&", " ")
    return [t for t in re.findall(r"[a-z0-9]+", text) if t not in LEGAL_FORMS]


def names_match(a: str, b: str) -> bool:
    """The same organisation name, tolerating case, accents, legal forms, spacing and a
    shortened form ("Groenhuis" for "Groenhuis Installatietechniek")."""
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    ja, jb = "".join(ta), "".join(tb)
    if ja == jb:
        return True
    short, long_ = (ta, tb) if len(ja) <= len(jb) else (tb, ta)
    joined_short, joined_long = "".join(short), "".join(long_)
    if len(joined_short) < 4:
        return False
    # A whole-word prefix ("Groenhuis" / "Groenhuis Installatie Utrecht") or a shortened last
    # word ("Groenhuis Installatie" / "Groenhuis Installatietechniek").
    return long_[:len(short)] == short or (len(joined_short) >= 6 and joined_long.startswith(joined_short))


def domain_of(url_or_host: str) -> str:
    """The registrable domain of a URL or host; a host under an unknown suffix (``.test``)
    counts as a whole, so two test hosts never look like one domain."""
    host = host_of(url_or_host) if "/" in url_or_host else url_or_host
    host = host.split(":")[0].lower().removeprefix("www.")
    domain = registrable_domain(host)
    return domain if "." in domain else host
