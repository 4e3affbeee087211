"""Whole records: :func:`normalize_contact`.

Part of :mod:`crm_engine.normalize`, which re-exports its public names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .domains import company_domain, website_domain
from .emails import normalize_email
from .names import normalize_company, normalize_name
from .phones import normalize_country_code, normalize_phone
from .text import clean_text

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
