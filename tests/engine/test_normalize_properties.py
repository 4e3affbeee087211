"""Property-based tests for crm_engine.normalize (hypothesis).

* the normalisers raise nothing but ``ValueError``, whatever the input;
* ``normalize_contact`` and ``extract_contact_from_text`` never raise;
* normalising twice gives the same result (idempotence).
"""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crm_engine.normalize import (
    clean_text,
    company_key,
    domain_from_email,
    extract_contact_from_text,
    normalize_company,
    normalize_contact,
    normalize_email,
    normalize_name,
    normalize_phone,
    website_domain,
)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text biased towards the characters these functions care about.
_ALPHABET = (
    st.sampled_from(list("abcXYZ019 .-_@+()<>/:'’&,\t\nñÑçÇßİıǆΣσéÉ\u200b\u00a0ﬁ"))
    | st.characters()
)
texts = st.text(_ALPHABET, max_size=40)
emails = st.emails().map(lambda e: f"  {e.upper()} ")
phones = st.from_regex(r"\+?(00)?[0-9 ()./-]{3,20}", fullmatch=True)
urls = st.builds(
    lambda scheme, sub, host, tld, path: f"{scheme}{sub}{host}.{tld}{path}",
    st.sampled_from(["", "http://", "HTTPS://", "//"]),
    st.sampled_from(["", "www.", "WWW.", "shop."]),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,10}[A-Za-z0-9]", fullmatch=True),
    st.sampled_from(["com", "co.uk", "es", "cat", "com.es", "github.io", "IT"]),
    st.sampled_from(["", "/", "/path?q=1", ":8080/x"]),
)
countries = st.sampled_from([None, "", "ES", "es", "FR", "IT", "GB", "US", "XX", "uk"])
values = st.none() | st.booleans() | st.integers() | st.floats() | texts | st.lists(texts)

NORMALIZERS = [
    normalize_email,
    normalize_phone,
    normalize_name,
    normalize_company,
    company_key,
    website_domain,
    domain_from_email,
    clean_text,
]


def _only_value_error(func, *args):
    """Call ``func``; return its result or ``None`` if it raised ValueError."""
    try:
        return func(*args)
    except ValueError:
        return None


@pytest.mark.parametrize("func", NORMALIZERS, ids=lambda f: f.__name__)
@SETTINGS
@given(value=values | emails | phones | urls)
def test_normalizers_raise_only_value_error(func, value):
    _only_value_error(func, value)


@SETTINGS
@given(value=texts | phones, country=countries)
def test_normalize_phone_raises_only_value_error(value, country):
    _only_value_error(normalize_phone, value, country)


@pytest.mark.parametrize(
    "func",
    [normalize_email, normalize_name, normalize_company, company_key, website_domain, clean_text],
    ids=lambda f: f.__name__,
)
@SETTINGS
@given(value=texts | emails | urls)
@example(value="ß")
@example(value="İSTANBUL ǅ")
@example(value="acme s. l.")
@example(value="㎴")
def test_normalizers_are_idempotent(func, value):
    once = _only_value_error(func, value)
    if once is not None:
        assert func(once) == once


@SETTINGS
@given(value=texts | phones, country=countries)
@example(value="0034600123456", country="US")
@example(value="(555) 123-4567", country="US")
def test_normalize_phone_is_idempotent(value, country):
    once = _only_value_error(normalize_phone, value, country)
    if once is not None:
        assert normalize_phone(once, country) == once
        assert normalize_phone(once) == once  # E.164 needs no region


@SETTINGS
@given(value=emails)
def test_generated_emails_are_accepted(value):
    result = normalize_email(value)
    assert result == result.strip().lower()


@SETTINGS
@given(value=urls)
def test_generated_urls_give_a_lower_case_domain(value):
    domain = website_domain(value)
    assert domain == domain.lower() and not domain.startswith(("www.", "shop."))


contact_keys = st.sampled_from(
    [
        "name",
        "contact_name",
        "partner_name",
        "company",
        "company_name",
        "email",
        "email_from",
        "phone",
        "mobile",
        "website",
        "domain",
        "country_code",
        "is_company",
        "model",
        "other",
    ]
)
contacts = st.dictionaries(contact_keys | texts, values | emails | phones | urls, max_size=10)


@SETTINGS
@given(contact=contacts | values, country=countries | values)
def test_normalize_contact_never_raises(contact, country):
    clean, errors = normalize_contact(contact, country)
    assert isinstance(clean, dict) and isinstance(errors, dict)
    assert all(isinstance(message, str) for message in errors.values())


@SETTINGS
@given(contact=contacts, country=countries)
def test_normalize_contact_is_idempotent(contact, country):
    once, errors = normalize_contact(contact, country)
    twice, errors_again = normalize_contact(once, country)
    assert twice == once
    assert set(errors_again) <= {"country_code"} | set(errors) - set(once)


@SETTINGS
@given(body=texts | st.text(max_size=300) | values, country=countries | values)
@example(body="<div>Saludos,<br>Ana Puig<br>Tel 600 12 34 56</div>", country="ES")
@example(body="<blockquote><p>unclosed", country=None)
def test_extract_contact_from_text_never_raises(body, country):
    result = extract_contact_from_text(body, country)
    assert isinstance(result["phones"], list)
