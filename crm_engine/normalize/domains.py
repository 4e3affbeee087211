"""Domains and websites: registrable domains, company domains, free-mail providers.

Part of :mod:`crm_engine.normalize`, which re-exports its public names.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import phonenumbers

from .data import (
    _MULTI_LABEL_SUFFIXES,
    _TLD_REGION,
    _VANITY_CC_TLDS,
    FREE_MAIL_BRANDS,
    FREE_MAIL_DOMAINS,
)
from .emails import _check_domain, normalize_email
from .text import _as_text, _shown, clean_text


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
