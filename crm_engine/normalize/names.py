"""Person and company names: :func:`normalize_name`, :func:`normalize_company`,
:func:`company_key`.

Part of :mod:`crm_engine.normalize`, which re-exports its public names.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .data import (
    _CONNECTORS,
    _ELIDED_PARTICLES,
    _LEGAL_SUFFIXES_MAX_TOKENS,
    _PARTICLES,
    LEGAL_SUFFIXES,
)
from .text import _as_text, _capitalize, _fold, _is_single_case, clean_text


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
