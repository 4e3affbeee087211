"""How people and companies really write their details: keys and comparisons.

* :func:`canonical_email` -> the mailbox an address is delivered to
  (``"J.Doe+news@googlemail.com"`` -> ``"jdoe@gmail.com"``): provider-specific
  (Gmail dots, ``+tags`` only where the provider honours them, the
  ``googlemail.com`` alias);
* :func:`is_role_mailbox` -> ``info@``, ``ventas@``, ``amministrazione@``...:
  a shared box that identifies a company, not a person;
* :func:`phone_kind` -> ``"mobile"`` or ``"landline"`` of an E.164 number: a
  landline is shared by a household or an office;
* :func:`compare_names` -> whether two person names are the same person's,
  knowing nicknames (Pepe / José, Beppe / Giuseppe), cross-language forms
  (Josep / José), initials, swapped order, dropped second surnames and typos,
  and telling when they *contradict* each other (another first name).

The data (nicknames, role mailboxes, providers) is in
:mod:`crm_engine.identity_data`, with its sources. This module imports no Odoo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import phonenumbers
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from .identity_data import (
    DOMAIN_ALIASES,
    DOTLESS_DOMAINS,
    NAME_EQUIVALENTS,
    NAME_PARTICLES,
    NICKNAMES,
    PLUS_TAG_DOMAINS,
    ROLE_MAILBOXES,
)
from .normalize import _fold, normalize_email

__all__ = [
    "NameComparison",
    "canonical_email",
    "compare_names",
    "email_is_canonicalised",
    "is_role_mailbox",
    "name_tokens",
    "phone_kind",
]


# ---------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------


def canonical_email(value: Any) -> str:
    """Return the mailbox an address is delivered to.

    ``normalize_email`` first; then, for providers that do so, the ``+tag`` is
    dropped (Gmail, Outlook.com, iCloud, Proton, Fastmail, Zoho), Gmail's dots
    are dropped and ``googlemail.com`` becomes ``gmail.com``. Company domains are
    left as they are: whether ``ana+x@acme.es`` reaches ``ana@acme.es`` is
    the company's own choice.

    Raises
    ------
    ValueError
        ``"invalid email: ..."`` like :func:`normalize_email`.

    Examples
    --------
    >>> canonical_email("J.Doe+News@GoogleMail.com")
    'jdoe@gmail.com'
    >>> canonical_email("ana+x@acme.es")
    'ana+x@acme.es'
    """
    email = normalize_email(value)
    local, domain = email.rsplit("@", 1)
    if domain in PLUS_TAG_DOMAINS and "+" in local:
        local = local.split("+", 1)[0] or local
    if domain in DOTLESS_DOMAINS:
        local = local.replace(".", "") or local
    return f"{local}@{DOMAIN_ALIASES.get(domain, domain)}"


def email_is_canonicalised(email: str) -> bool:
    """Whether the provider of this normalised address rewrites addresses (Gmail...)."""
    domain = email.rsplit("@", 1)[-1]
    return domain in PLUS_TAG_DOMAINS or domain in DOTLESS_DOMAINS or domain in DOMAIN_ALIASES


_ROLE_SPLIT_RE = re.compile(r"[._+-]+|\d+")


def is_role_mailbox(email: Any) -> bool:
    """Whether ``email`` is a shared role mailbox (``info@``, ``ventas.bcn@``...).

    The local part, or its first part before ``.``, ``-``, ``_``, ``+`` or a
    digit, is looked up in :data:`crm_engine.identity_data.ROLE_MAILBOXES`.
    Invalid addresses are not role mailboxes.

    Examples
    --------
    >>> is_role_mailbox("Ventas2@acme.es"), is_role_mailbox("amministrazione@rossi.it")
    (True, True)
    >>> is_role_mailbox("ana.info@acme.es")
    False
    """
    try:
        local = normalize_email(email).rsplit("@", 1)[0]
    except ValueError:
        return False
    if local in ROLE_MAILBOXES:
        return True
    first = next((part for part in _ROLE_SPLIT_RE.split(local) if part), "")
    return first in ROLE_MAILBOXES


# ---------------------------------------------------------------------------
# Phone
# ---------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def phone_kind(e164: str) -> str:
    """``"mobile"`` for a mobile (or pager/personal) number, else ``"landline"``.

    Numbers whose type the metadata cannot tell (fictional ranges, numbers that
    may be either) count as landlines: shared until proven personal.
    """
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return "landline"
    kind = phonenumbers.number_type(number)
    if kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.PAGER,
        phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
    ):
        return "mobile"
    return "landline"


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

_WORD_RE = re.compile(r"[^\w.]+|_")
_VOWELS = frozenset("aeiou")


def name_tokens(value: Any) -> tuple[str, ...]:
    """Accent-folded words of a person's name in given-name-first order.

    ``"García López, José"`` -> ``("jose", "garcia", "lopez")``; particles
    (``de``, ``la``, ``di``...) are dropped; an initial keeps a trailing dot
    (``"M."`` -> ``"m."``) so that it is recognised as one.
    """
    if not isinstance(value, str) or not value.strip():
        return ()
    text = _fold(value)
    if text.count(",") == 1:
        surname, given = text.split(",")
        if given.strip():
            text = f"{given} {surname}"
    tokens = []
    for raw in _WORD_RE.split(text.replace(",", " ")):
        word = raw.strip(".")
        if not word or word in NAME_PARTICLES:
            continue
        if len(word) == 1 or (raw.endswith(".") and len(word) <= 2 and "." not in word):
            tokens.append(word[0] + ".")
        else:
            tokens.extend(w + "." if len(w) == 1 else w for w in word.split(".") if w)
    return tuple(tokens)


def _is_initial(token: str) -> bool:
    return token.endswith(".")


def _forms(token: str) -> frozenset[str]:
    """Every full name ``token`` may stand for, in its cross-language group."""
    names = {token, *NICKNAMES.get(token, ())}
    out = set()
    for name in names:
        for part in (name, *name.split("_")[:1]):
            out.add(NAME_EQUIVALENTS.get(part, part))
    return frozenset(out)


def _gender_pair(a: str, b: str) -> bool:
    """Names that differ only by a final vowel, or a final "a": Mario/Maria, Joan/Joana."""
    if a[:-1] == b[:-1] and a[-1] in _VOWELS and b[-1] in _VOWELS:
        return True
    shorter, longer = sorted((a, b), key=len)
    return len(longer) == len(shorter) + 1 and longer[:-1] == shorter and longer[-1] == "a"


def _squeeze(word: str) -> str:
    """``word`` without doubled letters ("Leee" -> "le", "Georgee" -> "george")."""
    return "".join(ch for i, ch in enumerate(word) if i == 0 or ch != word[i - 1])


@lru_cache(maxsize=65536)
def _token_similarity(a: str, b: str) -> float:
    """0-100: how surely two name words are the same word (nicknames, initials, typos)."""
    if a == b:
        return 100.0
    if _is_initial(a) or _is_initial(b):
        if _is_initial(a) and _is_initial(b):
            return 0.0
        return 90.0 if a[0] == b[0] else 0.0
    if _forms(a) & _forms(b):
        return 98.0
    if _squeeze(a) == _squeeze(b):
        return 92.0  # a doubled or tripled letter
    if _gender_pair(a, b):
        return 0.0
    shortest = min(len(a), len(b))
    allowed = 0 if shortest < 4 else (1 if shortest < 8 else 2)
    if shortest == 3 and abs(len(a) - len(b)) == 1:
        allowed = 1  # one letter left out of a short word: "Dik" / "Dijk"
    if allowed and OSA.distance(a, b) <= allowed:
        return float(max(fuzz.ratio(a, b), 85.0))
    return 0.0


@dataclass(frozen=True)
class NameComparison:
    """How two person names relate.

    Attributes
    ----------
    verdict : {"same", "compatible", "weak", "contradict", "unknown"}
        ``same``: the same words (order, nicknames, typos aside);
        ``compatible``: one is a shorter form of the other (a dropped second
        surname or given name, a middle initial) with the first names agreeing;
        ``weak``: only one word in common (a first name alone, a surname alone);
        ``contradict``: other first name, or no surname in common;
        ``unknown``: a name is missing.
    similarity : float
        0-100 (0 for ``contradict`` and ``unknown``).
    """

    verdict: str
    similarity: float

    @property
    def agrees(self) -> bool:
        return self.verdict in ("same", "compatible")


_UNKNOWN = NameComparison("unknown", 0.0)
_CONTRADICT = NameComparison("contradict", 0.0)


def _best_pairing(left: tuple[str, ...], right: tuple[str, ...]) -> dict[int, tuple[int, float]]:
    """Greedy one-to-one pairing of words of ``left`` with words of ``right``."""
    pairs = sorted(
        ((_token_similarity(a, b), i, j) for i, a in enumerate(left) for j, b in enumerate(right)),
        reverse=True,
    )
    used_left: dict[int, tuple[int, float]] = {}
    used_right: set[int] = set()
    for sim, i, j in pairs:
        if sim <= 0:
            break
        if i in used_left or j in used_right:
            continue
        used_left[i] = (j, sim)
        used_right.add(j)
    return used_left


@lru_cache(maxsize=65536)
def _compare_tokens(a: tuple[str, ...], b: tuple[str, ...]) -> NameComparison:
    if not a or not b:
        return _UNKNOWN
    if len(a) > len(b):
        a, b = b, a
    pairing = _best_pairing(a, b)
    matched = [sim for _j, sim in pairing.values()]
    if len(pairing) == len(a) == len(b):
        return NameComparison("same", round(sum(matched) / len(matched), 2))
    first_a, first_b = pairing.get(0), 0
    # the first names must agree, unless the order is swapped (surname first)
    aligned = first_a is not None and first_a[0] == first_b
    if not aligned:
        back = _best_pairing(b, a)
        swapped = (
            first_a is not None
            and first_a[0] != 0
            and back.get(0, (None,))[0]
            not in (
                None,
                0,
            )
        )
        if not swapped and not (len(a) == 1 and first_a is not None):
            return _CONTRADICT
    real_a = [i for i, t in enumerate(a) if not _is_initial(t)]
    real_b = [j for j, t in enumerate(b) if not _is_initial(t)]
    matched_real = [i for i in real_a if i in pairing and not _is_initial(b[pairing[i][0]])]
    unmatched_a = [i for i in real_a if i not in pairing]
    unmatched_b = [j for j in real_b if j not in {p[0] for p in pairing.values()}]
    if len(pairing) <= 1 or len(matched_real) <= 1:
        if len(a) == 1:
            return NameComparison("weak", 60.0)
        # one word in common and the others differ: a relative, or a namesake
        return _CONTRADICT if unmatched_a and unmatched_b else NameComparison("weak", 60.0)
    if unmatched_a and unmatched_b:
        # "Juan Manuel Pérez" / "Juan Pérez Gómez": perhaps the same, not surely
        return NameComparison("weak", 70.0)
    similarity = sum(matched) / len(matched) * (0.95 if len(a) < len(b) or unmatched_a else 1.0)
    return NameComparison("compatible", round(min(similarity, 95.0), 2))


def compare_names(a: Any, b: Any) -> NameComparison:
    """Compare two person names (see :class:`NameComparison`).

    Examples
    --------
    >>> compare_names("Pepe García", "José García López").verdict
    'compatible'
    >>> compare_names("Mario Rossi", "Maria Rossi").verdict
    'contradict'
    >>> compare_names("Rossi, Giuseppe", "Beppe Rossi").verdict
    'same'
    """
    return _compare_tokens(name_tokens(a), name_tokens(b))
