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

Layout
------
One module per kind of value, in dependency order: ``data`` (reference
lists), ``text`` (shared helpers), ``emails``, ``phones``, ``names`` (people
and companies), ``domains`` (websites and e-mail domains), ``records``
(:func:`normalize_contact`) and ``signatures`` (e-mail bodies). Import from
``crm_engine.normalize``: the modules are an implementation detail (``emails``,
not ``email``, which would shadow the standard library's where this folder is on
``sys.path``).

This package imports no Odoo.
"""

# Every public name, from the module that defines it, so that imports of crm_engine.normalize
# do not depend on the layout; _fold is the accent- and case-folding that identity.py and
# matching.py share.
from .data import FREE_MAIL_BRANDS, FREE_MAIL_DOMAINS, LEGAL_SUFFIXES
from .text import _fold, clean_text
from .emails import normalize_email
from .phones import normalize_country_code, normalize_phone
from .names import company_key, normalize_company, normalize_name
from .domains import (
    company_domain,
    domain_from_email,
    is_free_mail_domain,
    region_from_domain,
    registrable_domain,
    website_domain,
)
from .records import normalize_contact
from .signatures import extract_contact_from_text, html_to_text

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
