"""Phone numbers and country codes: :func:`normalize_phone`, :func:`normalize_country_code`.

Part of :mod:`crm_engine.normalize`, which re-exports its public names.
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers

from .text import _as_text, _shown, clean_text


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
