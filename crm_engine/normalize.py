"""Contact normalisation: emails, phones, names, companies, websites.

The functions here turn what people type into CRM forms, CSV imports and
e-mails into canonical values that can be stored, compared and indexed:

* :func:`normalize_email` -> ``"john.doe@example.com"``
* :func:`normalize_phone` -> E.164, ``"+34600123456"``
* :func:`normalize_name` / :func:`normalize_company` -> tidy display values
* :func:`company_key` -> ``"acme"`` for ``"ACME, S.L."`` (matching key)
* :func:`website_domain` / :func:`domain_from_email` -> ``"example.co.uk"``
* :func:`normalize_contact` -> the above applied to a whole record, with
  per-field errors instead of exceptions (for APIs and imports)
* :func:`extract_contact_from_text` -> phones, website, company and contact
  name found in an e-mail body and its signature

Conventions
-----------
* Every normaliser takes one value and either returns the canonical string or
  raises ``ValueError`` with a message starting with the kind of value
  (``"invalid email: ..."``, ``"invalid phone: ..."``). Nothing else is
  raised, whatever the input (this is property-tested). ``None`` and Odoo's
  ``False`` are treated as empty.
* Normalisers are idempotent: ``f(f(x)) == f(x)``.
* :func:`normalize_name` and :func:`normalize_company` never reject a value;
  they return ``""`` for empty input.
* Registrable domains are computed with a compact, built-in list of
  multi-label public suffixes (``co.uk``, ``com.es``, ``github.io``...). It
  covers the usual business domains but is not the full Public Suffix List.

This module imports no Odoo.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import phonenumbers

__all__ = [
    "FREE_MAIL_BRANDS",
    "FREE_MAIL_DOMAINS",
    "LEGAL_SUFFIXES",
    "clean_text",
    "company_domain",
    "company_key",
    "domain_from_email",
    "extract_contact_from_text",
    "html_to_text",
    "is_free_mail_domain",
    "normalize_company",
    "normalize_contact",
    "normalize_country_code",
    "normalize_email",
    "normalize_name",
    "normalize_phone",
    "region_from_domain",
    "registrable_domain",
    "website_domain",
]

# ---------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------

#: Domains of free / consumer mail providers: an address there says nothing
#: about the company of the sender, so its domain is never a company domain.
FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    """
    gmail.com googlemail.com hotmail.com hotmail.es hotmail.fr hotmail.it hotmail.co.uk
    hotmail.de outlook.com outlook.es outlook.fr outlook.it outlook.de live.com live.es
    live.fr live.it live.co.uk msn.com yahoo.com yahoo.es yahoo.fr yahoo.it yahoo.co.uk
    yahoo.de yahoo.com.ar yahoo.com.mx yahoo.com.br ymail.com rocketmail.com aol.com
    aol.co.uk icloud.com me.com mac.com gmx.com gmx.net gmx.de gmx.es gmx.fr gmx.at gmx.ch
    web.de t-online.de freenet.de protonmail.com protonmail.ch proton.me pm.me tutanota.com
    tuta.io mail.com email.com zoho.com zohomail.com yandex.com yandex.ru mail.ru inbox.ru
    list.ru bk.ru fastmail.com hey.com orange.fr wanadoo.fr free.fr laposte.net sfr.fr
    neuf.fr bbox.fr libero.it virgilio.it alice.it tiscali.it tin.it email.it teletu.it
    telefonica.net movistar.es terra.es ya.com btinternet.com sky.com virginmedia.com
    talktalk.net blueyonder.co.uk ntlworld.com comcast.net verizon.net att.net sbcglobal.net
    bellsouth.net cox.net charter.net earthlink.net qq.com 163.com 126.com sina.com
    naver.com hanmail.net rediffmail.com seznam.cz wp.pl o2.pl interia.pl onet.pl
    """.split()
)

#: Provider brands whose every country domain is free mail (``yahoo.*``...).
FREE_MAIL_BRANDS: frozenset[str] = frozenset(
    {
        "gmail",
        "googlemail",
        "hotmail",
        "outlook",
        "live",
        "yahoo",
        "ymail",
        "gmx",
        "yandex",
        "icloud",
        "aol",
        "protonmail",
        "msn",
    }
)

# Second-level labels that are public suffixes under a country code TLD.
_CC_SECOND_LEVEL: dict[str, str] = {
    "uk": "ac co gov ltd me net nhs org plc police sch",
    "au": "asn com edu gov id net org",
    "nz": "ac co geek gen govt iwi kiwi maori net org school",
    "za": "ac co edu gov net nom org web",
    "jp": "ac ad co ed go gr lg ne or",
    "kr": "ac co go ne or re",
    "br": "art com edu gov net org",
    "ar": "com edu gob gov int net org",
    "mx": "com edu gob net org",
    "co": "com edu gov net nom org",
    "pe": "com edu gob net nom org",
    "ve": "co com gob net org web",
    "ec": "com edu gob net org",
    "uy": "com edu gub net org",
    "es": "com edu gob nom org",
    "fr": "asso com gouv nom",
    "pt": "com edu gov org",
    "tr": "av bel biz com edu gen gov k12 net org",
    "in": "ac co edu firm gen gov ind net org res",
    "cn": "ac com edu gov net org",
    "hk": "com edu gov net org",
    "tw": "com edu gov net org",
    "sg": "com edu gov net org",
    "my": "com edu gov net org",
    "id": "ac co go or web",
    "th": "ac co go in or",
    "ph": "com edu gov net org",
    "pk": "com edu gov net org",
    "il": "ac co gov net org",
    "eg": "com edu gov net org",
    "ng": "com edu gov net org",
    "ke": "ac co go or",
    "ma": "ac co gov net org",
    "gr": "com edu gov net org",
    "cy": "ac com gov net org",
    "mt": "com edu gov net org",
    "at": "ac co gv or",
    "sa": "com edu gov net org",
    "ae": "ac co gov net org",
}

#: Multi-label public suffixes known to :func:`registrable_domain`.
_MULTI_LABEL_SUFFIXES: frozenset[str] = frozenset(
    {f"{sld}.{cc}" for cc, slds in _CC_SECOND_LEVEL.items() for sld in slds.split()}
    | {
        "github.io",
        "gitlab.io",
        "herokuapp.com",
        "blogspot.com",
        "wordpress.com",
        "wixsite.com",
        "netlify.app",
        "vercel.app",
        "pages.dev",
        "web.app",
        "firebaseapp.com",
        "azurewebsites.net",
        "cloudfront.net",
        "myshopify.com",
        "squarespace.com",
        "appspot.com",
    }
)

# Country-code TLDs that are used as generic ones and say nothing of a country.
_VANITY_CC_TLDS = frozenset(
    {"ai", "cc", "co", "fm", "gg", "io", "ly", "me", "to", "tv", "vc", "ws"}
)
_TLD_REGION = {"uk": "GB", "cat": "ES", "eus": "ES", "gal": "ES", "bzh": "FR", "corsica": "FR"}

#: Legal-form suffixes: letters-only lower-case key -> canonical letter casing.
#: Punctuation is kept as typed ("S.L." and "SL" both stay recognisable);
#: only the casing of the letters is fixed ("s.r.l." -> "S.r.l.").
LEGAL_SUFFIXES: dict[str, str] = {
    # Spain, Catalonia
    "sl": "SL",
    "sa": "SA",
    "slu": "SLU",
    "sll": "SLL",
    "sau": "SAU",
    "slne": "SLNE",
    "sc": "SC",
    "scp": "SCP",
    "scoop": "SCoop",
    "sccl": "SCCL",
    "cb": "CB",
    "sad": "SAD",
    "sadecv": "SAdeCV",
    "sapi": "SAPI",
    "srldecv": "SRLdeCV",
    "sabdecv": "SABdeCV",
    "sapidecv": "SAPIdeCV",
    "sderldecv": "SdeRLdeCV",
    # Italy
    "srl": "Srl",
    "srls": "Srls",
    "spa": "SpA",
    "sas": "SAS",
    "snc": "Snc",
    "sapa": "SapA",
    "scarl": "Scarl",
    "scrl": "Scrl",
    # France, Belgium, Switzerland
    "sarl": "SARL",
    "sasu": "SASU",
    "eurl": "EURL",
    "sci": "SCI",
    "sca": "SCA",
    "selarl": "SELARL",
    "sprl": "SPRL",
    # Germany, Austria
    "gmbh": "GmbH",
    "ag": "AG",
    "kg": "KG",
    "ohg": "OHG",
    "ug": "UG",
    "ev": "eV",
    "gbr": "GbR",
    "kgaa": "KGaA",
    "mbh": "mbH",
    "se": "SE",
    # UK, US and others
    "ltd": "Ltd",
    "limited": "Limited",
    "plc": "PLC",
    "llp": "LLP",
    "lp": "LP",
    "llc": "LLC",
    "inc": "Inc",
    "incorporated": "Incorporated",
    "corp": "Corp",
    "corporation": "Corporation",
    "co": "Co",
    "company": "Company",
    "pty": "Pty",
    "ptyltd": "PtyLtd",
    "coltd": "CoLtd",
    "bv": "BV",
    "nv": "NV",
    "vof": "VOF",
    "oy": "Oy",
    "ab": "AB",
    "as": "AS",
    "asa": "ASA",
    "aps": "ApS",
    "sro": "sro",
    "lda": "Lda",
    "ltda": "Ltda",
}
_LEGAL_SUFFIXES_MAX_TOKENS = 6
_CONNECTORS = frozenset({"&", "and", "y", "i", "e", "et", "und"})

# Name particles kept lower-case inside a name ("Ludwig van Beethoven").
_PARTICLES = frozenset(
    "al da das de del della dei der des den di do dos du el la las le les lo van von y i e".split()
)
_ELIDED_PARTICLES = frozenset({"d", "l", "dell", "all"})  # d'Angelo, l'Oréal

_EMAIL_LOCAL_RE = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD_RE = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_ANGLE_ADDR_RE = re.compile(r"<([^<>]*)>\s*$")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _as_text(value: Any, kind: str) -> str:
    """Return ``value`` as a string; ``None``/``False`` give ``""``.

    Integers are accepted (phones imported from spreadsheets); anything else
    that is not a string raises ``ValueError("invalid <kind>: ...")``.
    """
    if value is None or value is False:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"invalid {kind}: expected text, got {type(value).__name__}")


def _shown(text: str, limit: int = 60) -> str:
    """Quote ``text`` for an error message, shortened to ``limit`` characters."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _fold(text: str) -> str:
    """Lower-case ``text`` and drop accents (``"Ñandú"`` -> ``"nandu"``)."""
    # compatibility forms first ("㎴" -> "pV"), then case, then accents
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def clean_text(value: Any) -> str:
    """Trim ``value`` and collapse runs of white space into one space.

    Control characters count as white space and zero-width characters are
    removed; the result is in Unicode NFC form.

    Parameters
    ----------
    value : str or None
        Any text; ``None`` and ``False`` give ``""``.

    Returns
    -------
    str

    Examples
    --------
    >>> clean_text("  Acme\\t\\n  Widgets ")
    'Acme Widgets'
    """
    text = _as_text(value, "text").translate(_ZERO_WIDTH)
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _is_single_case(text: str) -> bool:
    return text == text.lower() or text == text.upper()


def _capitalize(word: str) -> str:
    """Title-case the first character and lower-case the rest."""
    return word[:1].title() + word[1:].lower()


# ---------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------


def _check_domain(domain: str, kind: str, original: str) -> None:
    """Raise ``ValueError`` unless ``domain`` (lower-case) is a valid host name."""
    labels = domain.split(".")
    if len(labels) < 2:
        raise ValueError(f"invalid {kind}: {_shown(original)} (domain has no top-level part)")
    try:
        ascii_labels = [
            label if label.isascii() else label.encode("idna").decode("ascii") for label in labels
        ]
    except UnicodeError:
        raise ValueError(f"invalid {kind}: {_shown(original)} (bad domain)") from None
    if not all(_LABEL_RE.match(label) for label in ascii_labels):
        raise ValueError(f"invalid {kind}: {_shown(original)} (bad domain)")
    if not _TLD_RE.match(ascii_labels[-1]):
        raise ValueError(f"invalid {kind}: {_shown(original)} (bad top-level domain)")
    if len(".".join(ascii_labels)) > 253:
        raise ValueError(f"invalid {kind}: {_shown(original)} (domain too long)")


def normalize_email(value: Any) -> str:
    """Return the canonical form of an e-mail address.

    Accepts ``"addr"``, ``"Name <addr>"`` and ``"mailto:addr"``; strips white
    space and lower-cases the whole address (local parts are case-insensitive
    at every provider a CRM meets in practice).

    Parameters
    ----------
    value : str
        The address as typed.

    Returns
    -------
    str
        ``local@domain`` in lower case.

    Raises
    ------
    ValueError
        ``"invalid email: ..."`` when empty or not a syntactically valid
        address (quoted local parts and IP-literal domains are not accepted).

    Examples
    --------
    >>> normalize_email(" John.Doe@Example.COM ")
    'john.doe@example.com'
    >>> normalize_email('"Doe, John" <John.Doe@Example.com>')
    'john.doe@example.com'
    """
    original = clean_text(_as_text(value, "email"))
    text = original
    match = _ANGLE_ADDR_RE.search(text)
    if match:
        text = match.group(1)
    text = text.strip().lower()
    if text.startswith("mailto:"):
        text = text[len("mailto:") :].strip()
    if not text:
        raise ValueError("invalid email: empty")
    if text.count("@") != 1:
        raise ValueError(f"invalid email: {_shown(original)} (expected exactly one '@')")
    local, domain = text.split("@")
    if not local or len(local) > 64 or not _EMAIL_LOCAL_RE.match(local):
        raise ValueError(f"invalid email: {_shown(original)} (bad local part)")
    _check_domain(domain, "email", original)
    if len(text) > 254:
        raise ValueError(f"invalid email: {_shown(original)} (too long)")
    return text


# ---------------------------------------------------------------------------
# Phone
# ---------------------------------------------------------------------------


def normalize_country_code(value: Any) -> str | None:
    """Return an ISO 3166-1 alpha-2 code known to ``phonenumbers``, or ``None``.

    Parameters
    ----------
    value : str or None
        ``"es"``, ``"ES"``, ``" es "``; ``"UK"`` is accepted for ``"GB"``.

    Raises
    ------
    ValueError
        ``"invalid country code: ..."`` for an unknown code.
    """
    text = clean_text(_as_text(value, "country code")).upper()
    if not text:
        return None
    text = {"UK": "GB"}.get(text, text)
    if text not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"invalid country code: {_shown(text)}")
    return text


def _parse_phone(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def _format_e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_EXTENSION_RE = re.compile(
    r"[\s,;(/-]*\b(?:ext|extn|extension|extensi[oó]n|ext[eè]nsi[oó]|int|interno|x)\b\.?"
    r"\s*[:.]?\s*\d{1,6}\s*\)?\s*$",
    re.IGNORECASE,
)
_TRUNK_ZERO_RE = re.compile(r"\(\s*0\s*\)\s*")


def normalize_phone(value: Any, country_code: str | None = None, *, strict: bool = False) -> str:
    """Return a phone number in E.164 form (``"+34600123456"``).

    Parameters
    ----------
    value : str or int
        The number as typed: international (``"+34 600 12 34 56"``,
        ``"0034600123456"``) or national (``"06 12 34 56 78"``).
    country_code : str, optional
        ISO code of the lead's (or else the company's) country, used as the
        default region for national numbers. ``"00"`` international prefixes
        are understood even when the region dials abroad differently.
    strict : bool, default False
        ``False`` accepts any *possible* number (right length for its
        country; this tolerates ranges newer than the ``phonenumbers``
        metadata and fictional numbers like US 555). ``True`` requires a
        *valid* number (an allocated range).

    Returns
    -------
    str
        The E.164 number. Extensions are dropped.

    Raises
    ------
    ValueError
        ``"invalid phone: ..."`` when empty, unparsable, national without a
        default region, or not possible (not valid when ``strict``); also
        ``"invalid country code: ..."`` for an unknown ``country_code``.

    Examples
    --------
    >>> normalize_phone("06 12 34 56 78", "FR")
    '+33612345678'
    >>> normalize_phone("0034600123456")
    '+34600123456'
    """
    region = normalize_country_code(country_code)
    original = clean_text(_as_text(value, "phone"))
    if not original:
        raise ValueError("invalid phone: empty")
    if len(original) > 100:
        raise ValueError(f"invalid phone: {_shown(original)} (too long)")
    # an extension ("ext. 12", "int. 3", "interno 3", "extensión 4") is not part of the line
    base = _EXTENSION_RE.sub("", original) or original
    attempts = [original] if base == original else [base, original]
    for text in list(attempts):
        if _TRUNK_ZERO_RE.search(text):
            # "+34 (0) 600..." / "+39 (0)2...": the national "0" is kept where the
            # country dials it (Italy), dropped where it does not
            attempts += [_TRUNK_ZERO_RE.sub("0", text), _TRUNK_ZERO_RE.sub("", text)]
    for text in list(attempts):
        stripped = text.lstrip("( ")
        if stripped.startswith("00"):
            attempts.append("+" + stripped[2:])
    check = phonenumbers.is_valid_number if strict else phonenumbers.is_possible_number
    parsed_any = False
    for text in attempts:
        number = _parse_phone(text, region)
        if number is None:
            continue
        parsed_any = True
        if not check(number):
            continue
        e164 = _format_e164(number)
        # E.164 must read back as itself (some all-zero inputs lose a digit)
        again = _parse_phone(e164, None)
        if again is not None and check(again) and _format_e164(again) == e164:
            return e164
    if not parsed_any:
        hint = "" if region else " (no country code and no default country)"
        raise ValueError(f"invalid phone: {_shown(original)}{hint}")
    level = "valid" if strict else "possible"
    raise ValueError(f"invalid phone: {_shown(original)} (not a {level} number)")


# ---------------------------------------------------------------------------
# Person and company names
# ---------------------------------------------------------------------------


def _title_part(part: str, first: bool) -> str:
    """Title-case one hyphen-free piece of a name (handles O', d', Mc)."""
    pieces = re.split(r"(['’])", part)
    out = []
    for index, piece in enumerate(pieces):
        low = piece.lower()
        if index == 0 and len(pieces) > 2 and low in _ELIDED_PARTICLES and not first:
            out.append(low)
        elif index % 2 == 1:
            out.append(piece)
        elif low.startswith("mc") and len(low) > 2 and low[2:3].isalpha():
            out.append("Mc" + _capitalize(piece[2:]))
        else:
            out.append(_capitalize(piece))
    return "".join(out)


def _title_word(word: str, first: bool) -> str:
    if not first and word.lower() in _PARTICLES:
        return word.lower()
    return "-".join(_title_part(part, first and i == 0) for i, part in enumerate(word.split("-")))


def normalize_name(value: Any) -> str:
    """Tidy a person's name.

    White space is trimmed and collapsed. A name typed all in lower or all
    in upper case is title-cased with care for particles and prefixes
    (``"JUAN DE LA CRUZ"`` -> ``"Juan de la Cruz"``, ``"o'neil"`` ->
    ``"O'Neil"``, ``"mcdonald"`` -> ``"McDonald"``); a name in mixed case is
    trusted as typed (``"van der Berg"``, ``"DeLuca"``).

    Parameters
    ----------
    value : str or None

    Returns
    -------
    str
        ``""`` for empty input. Never raises except ``ValueError`` for a
        non-text value.

    Examples
    --------
    >>> normalize_name("  MARIA   garcía ")
    'MARIA garcía'
    >>> normalize_name("maria garcía")
    'Maria García'
    """
    text = clean_text(_as_text(value, "name"))
    if not _is_single_case(text):
        return text
    words = text.split(" ")
    titled = " ".join(_title_word(word, i == 0) for i, word in enumerate(words))
    return unicodedata.normalize("NFC", titled)


def _letters(token: str) -> str:
    return "".join(ch for ch in _fold(token) if ch.isalnum())


def _suffix_length(tokens: list[str]) -> int:
    """Number of trailing ``tokens`` forming one legal suffix (0 if none).

    At least one token is always left in front of the suffix.
    """
    for size in range(min(_LEGAL_SUFFIXES_MAX_TOKENS, len(tokens) - 1), 0, -1):
        if "".join(_letters(t) for t in tokens[-size:]) in LEGAL_SUFFIXES:
            return size
    return 0


def _split_legal_suffix(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split ``tokens`` into ``(name, suffix_tokens)``.

    Trailing legal suffixes are peeled off repeatedly (``"GmbH & Co. KG"``),
    with the connectors between them (``&``, ``and``, ``y``...). The first
    token always stays in the name.
    """
    end = len(tokens)
    while end > 1:
        size = _suffix_length(tokens[:end])
        if size:
            end -= size
        elif end < len(tokens) and (
            tokens[end - 1] == "&" or _letters(tokens[end - 1]) in _CONNECTORS
        ):
            end -= 1
        else:
            break
    return tokens[:end], tokens[end:]


def _recase_suffix(tokens: list[str]) -> list[str]:
    """Apply the canonical letter casing of :data:`LEGAL_SUFFIXES` to ``tokens``."""
    out: list[str] = []
    index = 0
    while index < len(tokens):
        for size in range(min(_LEGAL_SUFFIXES_MAX_TOKENS, len(tokens) - index), 0, -1):
            group = tokens[index : index + size]
            key = "".join(_letters(t) for t in group)
            canonical = LEGAL_SUFFIXES.get(key)
            if canonical is None or len(canonical) != len(key):
                continue
            letters = iter(canonical)
            for token in group:
                if len(_letters(token)) != sum(ch.isalnum() for ch in token):
                    out.append(token)  # letters that fold differently: keep as typed
                    continue
                out.append("".join(next(letters) if ch.isalnum() else ch for ch in token))
            index += size
            break
        else:
            out.append(tokens[index])
            index += 1
    return out


def _title_company_word(word: str, first: bool, upper: bool) -> str:
    if not first and word.lower() in _PARTICLES | _CONNECTORS:
        return word.lower()
    if upper and sum(ch.isalpha() for ch in word) <= 3:
        return word  # short all-upper words are acronyms: "IBM", "BMW"
    if any(ch.isdigit() for ch in word):
        return word
    return _title_word(word, first)


def normalize_company(value: Any) -> str:
    """Tidy a company name, keeping its legal form recognisable.

    White space is trimmed and collapsed. Trailing legal-form suffixes keep
    their punctuation but get their usual casing (``"acme s.l."`` ->
    ``"Acme S.L."``, ``"ACME GMBH"`` -> ``"Acme GmbH"``, ``"foo spa"`` ->
    ``"Foo SpA"``). Names typed all in lower case are title-cased; names all
    in upper case are title-cased except words of up to three letters,
    which are kept as acronyms (``"IBM SPAIN SA"`` -> ``"IBM Spain SA"``).
    Mixed-case names are kept as typed.

    Parameters
    ----------
    value : str or None

    Returns
    -------
    str
        ``""`` for empty input.

    Examples
    --------
    >>> normalize_company("  ACME   WIDGETS, S.L. ")
    'Acme Widgets, S.L.'
    """
    text = clean_text(_as_text(value, "company"))
    if not text:
        return ""
    tokens = text.split(" ")
    name, suffix = _split_legal_suffix(tokens)
    if _is_single_case(" ".join(name)):
        upper = " ".join(name) != " ".join(name).lower()
        name = [_title_company_word(w, i == 0, upper) for i, w in enumerate(name)]
    suffix = [t.lower() if t.lower() in _CONNECTORS else t for t in _recase_suffix(suffix)]
    return unicodedata.normalize("NFC", " ".join(name + suffix))


def company_key(value: Any) -> str:
    """Return a matching key for a company name.

    Accents, case, punctuation and trailing legal-form suffixes are removed
    (``"ACME, S.L."``, ``"Acme SL"`` and ``"acme"`` all give ``"acme"``).
    Use it to compare or index names, never to display them.

    Parameters
    ----------
    value : str or None

    Returns
    -------
    str
        Lower-case ASCII-folded words separated by single spaces; ``""`` for
        empty input. A name that is only a suffix (``"SA"``) is kept.

    Examples
    --------
    >>> company_key("Müller & Söhne GmbH & Co. KG")
    'muller & sohne'
    """
    text = _fold(clean_text(_as_text(value, "company")))
    text = re.sub(r"[.'’]", "", text)
    text = re.sub(r"&", " & ", text)
    text = re.sub(r"[^\w&]+|_", " ", text)
    tokens = text.split()
    name, _ = _split_legal_suffix(tokens)
    return " ".join(name)


# ---------------------------------------------------------------------------
# Domains and websites
# ---------------------------------------------------------------------------


def registrable_domain(host: str) -> str:
    """Return the registrable part of a valid lower-case host name.

    ``"shop.example.co.uk"`` -> ``"example.co.uk"``; ``"www.acme.com"`` ->
    ``"acme.com"``. Uses the built-in suffix list (see module docstring).

    Raises
    ------
    ValueError
        ``"invalid website: ..."`` when ``host`` is itself a public suffix.
    """
    labels = host.split(".")
    if ".".join(labels[-2:]) in _MULTI_LABEL_SUFFIXES:
        if len(labels) < 3:
            raise ValueError(f"invalid website: {_shown(host)} (a public suffix)")
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def website_domain(value: Any) -> str:
    """Return the registrable domain of a website, URL or e-mail address.

    Parameters
    ----------
    value : str
        ``"https://WWW.Example.co.uk/path"``, ``"example.com"``,
        ``"www.example.com:8080"`` or ``"john@example.com"``.

    Returns
    -------
    str
        Lower-case domain without ``www.`` or other sub-domains.

    Raises
    ------
    ValueError
        ``"invalid website: ..."`` when empty, an IP address, or not a host
        name with a top-level domain.

    Examples
    --------
    >>> website_domain("https://WWW.Example.co.uk/path")
    'example.co.uk'
    """
    original = clean_text(_as_text(value, "website"))
    if not original:
        raise ValueError("invalid website: empty")
    text = original
    if "@" in text and "://" not in text and "/" not in text.split("@")[0]:
        try:
            return domain_from_email(text)
        except ValueError:
            raise ValueError(f"invalid website: {_shown(original)}") from None
    if text.startswith("//"):
        text = "http:" + text
    elif not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE):
        text = "http://" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        raise ValueError(f"invalid website: {_shown(original)}") from None
    host = host[:-1] if host.endswith(".") else host
    if not host:
        raise ValueError(f"invalid website: {_shown(original)} (no host)")
    if all(label.isdigit() for label in host.split(".")) or ":" in host:
        raise ValueError(f"invalid website: {_shown(original)} (IP address)")
    _check_domain(host, "website", original)
    return registrable_domain(host)


def domain_from_email(value: Any) -> str:
    """Return the registrable domain of an e-mail address.

    ``"john@mail.acme.co.uk"`` -> ``"acme.co.uk"``. Free-mail domains are
    returned too; test them with :func:`is_free_mail_domain`.

    Raises
    ------
    ValueError
        ``"invalid email: ..."`` for an invalid address.
    """
    email = normalize_email(value)
    return registrable_domain(email.rsplit("@", 1)[1])


def is_free_mail_domain(domain: str | None) -> bool:
    """Tell whether ``domain`` belongs to a free / consumer mail provider.

    Examples
    --------
    >>> is_free_mail_domain("gmail.com"), is_free_mail_domain("yahoo.co.jp")
    (True, True)
    >>> is_free_mail_domain("acme.com")
    False
    """
    if not domain:
        return False
    domain = domain.strip().lower()
    return domain in FREE_MAIL_DOMAINS or domain.split(".")[0] in FREE_MAIL_BRANDS


def company_domain(email: Any = None, website: Any = None) -> str | None:
    """Return the company domain of a contact, or ``None``.

    The website domain wins; otherwise the e-mail domain unless it is free
    mail. Invalid values are ignored (this function never raises).
    """
    for source, func in ((website, website_domain), (email, domain_from_email)):
        try:
            domain = func(source)
        except ValueError:
            continue
        if not is_free_mail_domain(domain):
            return domain
    return None


def region_from_domain(domain: str | None) -> str | None:
    """Guess a phone region from a domain's country TLD (``"acme.es"`` -> ``"ES"``).

    Generic TLDs and vanity country TLDs (``.io``, ``.co``, ``.me``...) give
    ``None``; ``.cat`` gives ``"ES"``.
    """
    if not domain:
        return None
    tld = domain.rsplit(".", 1)[-1].lower()
    if tld in _TLD_REGION:
        return _TLD_REGION[tld]
    if (
        len(tld) == 2
        and tld not in _VANITY_CC_TLDS
        and tld.upper() in phonenumbers.SUPPORTED_REGIONS
    ):
        return tld.upper()
    return None


# ---------------------------------------------------------------------------
# Whole records
# ---------------------------------------------------------------------------

_EMAIL_FIELDS = ("email", "email_from")
_PHONE_FIELDS = ("phone", "mobile")
_COMPANY_FIELDS = ("partner_name", "company", "company_name")


def _is_empty(value: Any) -> bool:
    return value is None or value is False or (isinstance(value, str) and not value.strip())


def normalize_contact(
    contact: Mapping[str, Any], country_code: str | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Normalise every known field of a contact record, collecting errors.

    Fields handled (others are copied unchanged):

    ============================================  =============================
    ``email``, ``email_from``                      :func:`normalize_email`
    ``phone``, ``mobile``                          :func:`normalize_phone`
    ``contact_name``                               :func:`normalize_name`
    ``partner_name``, ``company``, ``company_name``  :func:`normalize_company`
    ``website``                                    :func:`website_domain` check
    ``name``                                       see below
    ============================================  =============================

    ``name`` is the lead title in ``crm.lead`` and the display name in
    ``res.partner``: it goes through :func:`normalize_company` when
    ``is_company`` is true, :func:`normalize_name` when the record has an
    ``is_company`` key or ``model == "res.partner"``, and :func:`clean_text`
    otherwise. The website is kept as typed (cleaned) once its domain is
    valid. ``domain`` is normalised with :func:`website_domain` when given,
    else (or when invalid) derived with :func:`company_domain`.

    Parameters
    ----------
    contact : Mapping
        The record. Its own ``country_code`` (the lead's country) is the
        default phone region when valid.
    country_code : str, optional
        Fallback phone region (e.g. the company's country).

    Returns
    -------
    clean : dict
        The record with normalised values; empty and invalid values become
        ``None``.
    errors : dict
        Field name -> error message, for every rejected value. Empty when
        everything was valid.

    Notes
    -----
    This function never raises: a non-mapping ``contact`` yields
    ``({}, {"contact": "..."})``.
    """
    if not isinstance(contact, Mapping):
        return {}, {"contact": f"expected a mapping, got {type(contact).__name__}"}
    clean: dict[str, Any] = dict(contact)
    errors: dict[str, str] = {}

    region = None
    for source in (contact.get("country_code"), country_code):
        try:
            region = normalize_country_code(source)
        except ValueError as exc:
            errors["country_code"] = str(exc)
            continue
        if region:
            break

    is_company = contact.get("is_company")
    if is_company:
        name_func = normalize_company
    elif "is_company" in contact or contact.get("model") == "res.partner":
        name_func = normalize_name
    else:
        name_func = clean_text

    def phone_func(value: Any) -> str:
        return normalize_phone(value, region)

    def website_func(value: Any) -> str:
        website_domain(value)
        return clean_text(value)

    funcs: dict[str, Any] = {
        "name": name_func,
        "contact_name": normalize_name,
        "website": website_func,
    }
    funcs.update(dict.fromkeys(_EMAIL_FIELDS, normalize_email))
    funcs.update(dict.fromkeys(_PHONE_FIELDS, phone_func))
    funcs.update(dict.fromkeys(_COMPANY_FIELDS, normalize_company))

    for field, func in funcs.items():
        if field not in contact:
            continue
        value = contact[field]
        if _is_empty(value):
            clean[field] = None
            continue
        try:
            clean[field] = func(value) or None
        except ValueError as exc:
            clean[field] = None
            errors[field] = str(exc)

    email = next((clean[f] for f in _EMAIL_FIELDS if clean.get(f)), None)
    clean["domain"] = None
    if "domain" in contact and not _is_empty(contact["domain"]):
        try:
            clean["domain"] = website_domain(contact["domain"])
        except ValueError as exc:
            errors["domain"] = str(exc)
    if clean["domain"] is None:
        clean["domain"] = company_domain(email=email, website=clean.get("website"))
    return clean, errors


# ---------------------------------------------------------------------------
# Extraction from e-mail bodies
# ---------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    "address article blockquote br dd div dl dt footer h1 h2 h3 h4 h5 h6 header hr li ol p "
    "pre section table td th tr ul".split()
)
_SKIP_TAGS = frozenset({"script", "style", "head", "title"})
_QUOTE_CLASSES = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix")
_VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())


class _TextExtractor(HTMLParser):
    """HTML -> text with line breaks for block tags; quoted parts dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip: list[str] = []  # stack of tags whose content is skipped

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            if tag not in _VOID_TAGS:
                self._skip.append(tag)
            return
        attributes = {key: value or "" for key, value in attrs}
        quoted = (
            tag == "blockquote"
            or any(cls in attributes.get("class", "") for cls in _QUOTE_CLASSES)
            or attributes.get("id", "") in {"divRplyFwdMsg", "appendonsend"}
        )
        if tag in _SKIP_TAGS or quoted:
            if tag not in _VOID_TAGS:
                self._skip.append(tag)
            return
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag in self._skip:
                while self._skip and self._skip.pop() != tag:
                    pass
            return
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Return the visible text of an HTML fragment, one block per line.

    Script, style and quoted-reply blocks (``<blockquote>``, Gmail/Outlook
    quote containers) are dropped; entities are decoded.
    """
    return _html_to_text(html)[0]


def _html_to_text(html: str) -> tuple[str, list[str]]:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(lines), parser.links


_HTML_RE = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*\b[^>]*|/[a-zA-Z][a-zA-Z0-9]*\s*)>")
_REPLY_HEADER_RE = re.compile(
    r"^(?:on\b.*\bwrote:|el\b.*\bescribi[oó]:|le\b.*\ba [ée]crit\s?:|am\b.*\bschrieb.*:"
    r"|il\b.*\bha scritto:|-{2,}\s*(?:original message|mensaje original|message d'origine"
    r"|ursprüngliche nachricht|messaggio originale)\s*-{2,})\s*$",
    re.IGNORECASE,
)
_VALEDICTION_RE = re.compile(
    r"^(?:best|best regards|kind regards|warm regards|regards|many thanks|thanks|thank you"
    r"|cheers|sincerely|yours sincerely|saludos|un saludo|saludos cordiales|atentamente"
    r"|cordialement|bien cordialement|bien à vous|mit freundlichen grüßen|mit freundlichen grüssen"
    r"|viele grüße|beste grüße|un saluto|cordiali saluti|distinti saluti|saluti"
    r"|salutacions|una salutació|cordialment|atentament|salut)\s*[,.!]?$",
    re.IGNORECASE,
)
_PHONE_LABEL_RE = re.compile(
    r"\b(?:tel|tél|telf|tfno|tlf|tlfn|phone|ph|fon|telefon|teléfono|telèfon|telefono|mob|mobile"
    r"|móvil|movil|mòbil|cell|cellulare|portable|handy|fax)\b",
    re.IGNORECASE,
)
_MOBILE_LABEL_RE = re.compile(
    r"\b(?:mob|mobile|móvil|movil|mòbil|cell|cellulare|portable|handy)\b", re.IGNORECASE
)
_FAX_LABEL_RE = re.compile(r"\bfax\b", re.IGNORECASE)
_URL_RE = re.compile(
    r"(?<![@\w.-])(?:https?://[^\s<>\"')]+|www\.[^\s<>\"')]+|"
    r"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9][a-z0-9-]*)*\.(?:com|net|org|es|cat|eu|fr|it|de|co\.uk"
    r"|uk|io|co|us|pt|nl|be|ch|at|biz|info)\b(?:/[^\s<>\"')]*)?)(?![@\w-])",
    re.IGNORECASE,
)
_EMAIL_RE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_NAME_WORD_RE = re.compile(r"^[^\W\d_][\w'’.-]*$", re.UNICODE)
_MAX_SIGNATURE_LINES = 10


def _strip_quoted(lines: list[str]) -> list[str]:
    """Drop quoted reply text: ``>`` lines and everything after a reply header."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(">"):
            continue
        two_lines = f"{stripped} {lines[index + 1].strip()}" if index + 1 < len(lines) else ""
        if _REPLY_HEADER_RE.match(stripped) or (
            stripped.lower().startswith("on ") and _REPLY_HEADER_RE.match(two_lines)
        ):
            break
        kept.append(line.rstrip())
    return kept


def _signature(lines: list[str]) -> list[str]:
    """Return the signature lines (without the delimiter or valediction)."""
    start = None
    for index, line in enumerate(lines):
        if line in ("-- ", "--") or _VALEDICTION_RE.match(line.strip()):
            start = index + 1
    if start is None:
        labelled = [i for i, line in enumerate(lines) if _PHONE_LABEL_RE.search(line)]
        if not labelled:
            return []
        # the block of non-empty lines around the first labelled phone line
        start = labelled[0]
        while start > 0 and lines[start - 1].strip():
            start -= 1
    sig = [line.strip() for line in lines[start:] if line.strip()]
    return sig[:_MAX_SIGNATURE_LINES]


def _looks_like_name(line: str) -> bool:
    words = line.replace(",", " ").split()
    if not 2 <= len(words) <= 4 or len(line) > 60 or _VALEDICTION_RE.match(line):
        return False
    if not all(_NAME_WORD_RE.match(w) for w in words):
        return False
    significant = [w for w in words if w.lower() not in _PARTICLES]
    return all(w[:1].isupper() for w in significant)


def _looks_like_company(line: str, domain: str | None) -> bool:
    if not line or len(line) > 80 or "@" in line or _PHONE_LABEL_RE.search(line):
        return False
    tokens = line.split()
    if _split_legal_suffix(tokens)[1] and any(
        _letters(t) in LEGAL_SUFFIXES or len(_letters(t)) <= 1 for t in tokens[1:]
    ):
        return True
    if domain:
        label = domain.split(".")[0].replace("-", "")
        key = company_key(line).replace(" ", "")
        return len(key) >= 3 and (key == label or (len(label) >= 4 and label in key))
    return False


def _phone_kind(line: str, start: int) -> str:
    """``"mobile"``, ``"fax"`` or ``"phone"`` from the last label before ``start``."""
    labels = list(_PHONE_LABEL_RE.finditer(line, 0, start))
    label = labels[-1].group(0) if labels else ""
    if _MOBILE_LABEL_RE.fullmatch(label):
        return "mobile"
    return "fax" if _FAX_LABEL_RE.fullmatch(label) else "phone"


def _phones(text: str, region: str | None) -> list[tuple[str, str]]:
    """``(e164, kind)`` pairs for numbers found in ``text``, in order.

    ``kind`` is ``"mobile"``, ``"fax"`` or ``"phone"`` after the label that
    precedes the number on its line (``"Tel. 93 ... | Mob. 600 ..."``).
    """
    found: list[tuple[str, str]] = []
    for line in text.splitlines():
        try:
            matches = list(phonenumbers.PhoneNumberMatcher(line, region))
        except Exception:  # the matcher must never break extraction
            continue
        for match in matches:
            e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            found.append((e164, _phone_kind(line, match.start)))
    return found


def extract_contact_from_text(body: Any, country_code: str | None = None) -> dict[str, Any]:
    """Extract contact details from an e-mail body and its signature.

    HTML bodies are converted to text with :mod:`html.parser`. Quoted reply
    text (lines starting with ``>``, ``"On ... wrote:"`` headers and what
    follows them, ``<blockquote>``) is ignored. The signature starts after
    the last ``"-- "`` line or valediction (``"Best regards"``,
    ``"Saludos"``, ``"Cordialement"``, ``"Mit freundlichen Grüßen"``,
    ``"Un saluto"``...), or else at the block holding a ``Tel``/``Phone``/
    ``Mob``/``Tlf`` line.

    Parameters
    ----------
    body : str
        Plain-text or HTML e-mail body.
    country_code : str, optional
        Default region for national phone numbers. When missing (or
        invalid), the country TLD of the website/e-mail domain found in the
        signature is used (``acme.es`` -> ``ES``).

    Returns
    -------
    dict
        ``contact_name``, ``company_name``, ``email``, ``phone``, ``mobile``,
        ``website``, ``domain`` (``None`` when not found), plus ``phones``
        and ``emails`` (lists of every distinct value, signature first).
        Phones are E.164. ``company_name`` maps to ``crm.lead.partner_name``.
        Never raises.
    """
    result: dict[str, Any] = {
        "contact_name": None,
        "company_name": None,
        "email": None,
        "phone": None,
        "mobile": None,
        "website": None,
        "domain": None,
        "phones": [],
        "emails": [],
    }
    if not isinstance(body, str) or not body.strip():
        return result
    links: list[str] = []
    text = body
    if _HTML_RE.search(body):
        text, links = _html_to_text(body)
    lines = _strip_quoted(text.replace("\r\n", "\n").replace("\r", "\n").splitlines())
    signature = _signature(lines)
    sig_text = "\n".join(signature)
    all_text = "\n".join(lines)

    emails: list[str] = []
    for candidate in (
        _EMAIL_RE.findall(sig_text)
        + _EMAIL_RE.findall(all_text)
        + [
            link[len("mailto:") :].split("?")[0]
            for link in links
            if link.lower().startswith("mailto:")
        ]
    ):
        try:
            email = normalize_email(candidate)
        except ValueError:
            continue
        if email not in emails:
            emails.append(email)
    result["emails"] = emails
    result["email"] = emails[0] if emails else None

    website = None
    web_links = [link for link in links if link.lower().startswith(("http://", "https://"))]
    for candidate in _URL_RE.findall(sig_text) + web_links + _URL_RE.findall(all_text):
        candidate = candidate.rstrip(".,;:")
        try:
            domain = website_domain(candidate)
        except ValueError:
            continue
        if not is_free_mail_domain(domain):
            website = candidate
            result["domain"] = domain
            break
    result["website"] = website
    if result["domain"] is None:
        result["domain"] = next((d for d in map(company_domain, emails) if d is not None), None)

    try:
        region = normalize_country_code(country_code)
    except ValueError:
        region = None
    region = region or region_from_domain(result["domain"])
    tel_links = "\n".join(link[4:] for link in links if link.lower().startswith("tel:"))
    phones = _phones(sig_text, region) + _phones(tel_links, region) + _phones(all_text, region)
    ordered: list[str] = []
    for e164, kind in phones:
        if e164 in ordered:
            continue
        ordered.append(e164)
        if kind != "fax" and result[kind] is None:
            result[kind] = e164
    result["phones"] = ordered

    for index, line in enumerate(signature):
        if result["contact_name"] is None and index <= 1 and _looks_like_name(line):
            result["contact_name"] = normalize_name(line.strip(" ,"))
            continue
        if result["company_name"] is None and _looks_like_company(line, result["domain"]):
            result["company_name"] = normalize_company(line)
    return result
