"""E-mail addresses: :func:`normalize_email`.

Part of :mod:`crm_engine.normalize`, which re-exports its public names.
"""

from __future__ import annotations

import re
from typing import Any

from .text import _as_text, _shown, clean_text

_EMAIL_LOCAL_RE = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD_RE = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
_ANGLE_ADDR_RE = re.compile(r"<([^<>]*)>\s*$")


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
