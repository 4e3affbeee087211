"""Tests for crm_engine.normalize."""

import pytest

from crm_engine.normalize import (
    FREE_MAIL_DOMAINS,
    clean_text,
    company_domain,
    company_key,
    domain_from_email,
    extract_contact_from_text,
    html_to_text,
    is_free_mail_domain,
    normalize_company,
    normalize_contact,
    normalize_country_code,
    normalize_email,
    normalize_name,
    normalize_phone,
    region_from_domain,
    website_domain,
)

# --- e-mail ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" John.Doe@Example.COM ", "john.doe@example.com"),
        ("John Doe <John.Doe@Example.COM>", "john.doe@example.com"),
        ('"Doe, John" <john.doe@example.com>', "john.doe@example.com"),
        ("mailto:Ana.Puig@Mobles.CAT", "ana.puig@mobles.cat"),
        ("maria+crm@empresa.com.es", "maria+crm@empresa.com.es"),
        ("\u200bjoan@example.es\u00a0", "joan@example.es"),
        ("josé@café.fr", None),  # non-ASCII local part is refused
        ("info@café.fr", "info@café.fr"),
    ],
)
def test_normalize_email(raw, expected):
    if expected is None:
        with pytest.raises(ValueError, match=r"^invalid email"):
            normalize_email(raw)
    else:
        assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        None,
        "john",
        "john@",
        "@example.com",
        "john@example",
        "a@@b.com",
        "john..doe@example.com",
        ".john@example.com",
        "john@-example.com",
        "john@example.c0m",
        "john doe@example.com",
        "a@b.com, c@d.com",
        "john@exa_mple.com",
        "john@example.123",
    ],
)
def test_normalize_email_rejects(raw):
    with pytest.raises(ValueError, match=r"^invalid email"):
        normalize_email(raw)


def test_normalize_email_rejects_non_text():
    with pytest.raises(ValueError, match="expected text"):
        normalize_email(["john@example.com"])


# --- phone ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        # Spain
        ("+34 600 12 34 56", None, "+34600123456"),
        ("0034600123456", None, "+34600123456"),
        ("0034600123456", "ES", "+34600123456"),
        ("0034 600 123 456", "US", "+34600123456"),  # "00" understood outside Europe too
        ("600 12 34 56", "es", "+34600123456"),
        ("93 123 45 67", "ES", "+34931234567"),
        # Catalonia (Spanish numbers, Barcelona and Girona landlines)
        ("972 12 34 56", "ES", "+34972123456"),
        ("+34 (93) 123-45-67", "FR", "+34931234567"),
        # Italy: mobile and Rome landline (leading zero kept)
        ("339 123 4567", "IT", "+393391234567"),
        ("06 1234 5678", "IT", "+390612345678"),
        ("+39 339 123 4567", None, "+393391234567"),
        # France
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+33 (0)1 42 68 53 00", None, "+33142685300"),
        # United Kingdom
        ("020 7946 0958", "GB", "+442079460958"),
        ("07700 900123", "UK", "+447700900123"),
        ("+44 (0) 20 7946 0958", None, "+442079460958"),
        # United States
        ("(555) 123-4567", "US", "+15551234567"),
        ("(202) 555-0143", "US", "+12025550143"),
        ("+1 415-555-2671", "ES", "+14155552671"),
        (600123456, "ES", "+34600123456"),
    ],
)
def test_normalize_phone(raw, country, expected):
    assert normalize_phone(raw, country) == expected


def test_normalize_phone_strict_requires_a_valid_number():
    assert normalize_phone("(555) 123-4567", "US") == "+15551234567"
    with pytest.raises(ValueError, match="not a valid number"):
        normalize_phone("(555) 123-4567", "US", strict=True)
    assert normalize_phone("(202) 555-0143", "US", strict=True) == "+12025550143"


@pytest.mark.parametrize(
    ("raw", "country", "message"),
    [
        ("", "ES", "empty"),
        (None, "ES", "empty"),
        ("600 12 34 56", None, "no default country"),
        ("12", "ES", "not a possible number"),
        ("hello", "ES", "invalid phone"),
        ("+34 600 12 34 56 78 90 12", None, "not a possible number"),
    ],
)
def test_normalize_phone_rejects(raw, country, message):
    with pytest.raises(ValueError, match=message):
        normalize_phone(raw, country)


def test_normalize_phone_rejects_unknown_country():
    with pytest.raises(ValueError, match="invalid country code"):
        normalize_phone("600123456", "XX")


def test_normalize_country_code():
    assert normalize_country_code(" es ") == "ES"
    assert normalize_country_code("uk") == "GB"
    assert normalize_country_code(None) is None
    assert normalize_country_code(False) is None


# --- names ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  john   doe ", "John Doe"),
        ("JOHN DOE", "John Doe"),
        ("McDonald", "McDonald"),
        ("ronald mcdonald", "Ronald McDonald"),
        ("van der Berg", "van der Berg"),  # mixed case is kept
        ("PIETER VAN DER BERG", "Pieter van der Berg"),
        ("o'neil", "O'Neil"),
        ("SHAUNA O’NEIL", "Shauna O’Neil"),
        ("JUAN DE LA CRUZ", "Juan de la Cruz"),
        ("maria del mar garcía i puig", "Maria del Mar García i Puig"),
        ("jean-pierre d'angelo", "Jean-Pierre d'Angelo"),
        ("D'ANGELO", "D'Angelo"),
        ("DeLuca", "DeLuca"),
        ("mARIA", "mARIA"),  # mixed case: trusted as typed
        ("ÀNGELS FONT", "Àngels Font"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_name(raw, expected):
    assert normalize_name(raw) == expected


def test_clean_text_collapses_white_space_and_controls():
    assert clean_text(" a\t\nb\x00c\u200b d ") == "a b c d"
    assert clean_text(False) == ""


# --- companies ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  ACME   WIDGETS, S.L. ", "Acme Widgets, S.L."),
        ("mobles puig sl", "Mobles Puig SL"),
        ("acme gmbh", "Acme GmbH"),
        ("Müller & Söhne GmbH & Co. KG", "Müller & Söhne GmbH & Co. KG"),
        ("ferrari s.p.a.", "Ferrari S.p.A."),
        ("pasta fresca srl", "Pasta Fresca Srl"),
        ("DUPONT ET FILS SARL", "Dupont et Fils SARL"),
        ("IBM SPAIN SA", "IBM Spain SA"),
        ("acme inc.", "Acme Inc."),
        ("Acme Iberia S.A.", "Acme Iberia S.A."),
        ("SA", "SA"),
        ("", ""),
    ],
)
def test_normalize_company(raw, expected):
    assert normalize_company(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ACME, S.L.", "acme"),
        ("Acme SL", "acme"),
        ("acme s. l.", "acme"),
        ("Acme S.L.U.", "acme"),
        ("Müller & Söhne GmbH & Co. KG", "muller & sohne"),
        ("Smith & Co.", "smith"),
        ("Ferrari S.p.A.", "ferrari"),
        ("Grupo Bimbo, S.A.B. de C.V.", "grupo bimbo"),
        ("Acme, S. de R.L. de C.V.", "acme"),
        ("Pasta Fresca SRL", "pasta fresca"),
        ("Cafès Pont, SCCL", "cafes pont"),
        ("Procter & Gamble Co", "procter & gamble"),
        ("SA", "sa"),
        (None, ""),
    ],
)
def test_company_key(raw, expected):
    assert company_key(raw) == expected


# --- domains --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://WWW.Example.co.uk/path", "example.co.uk"),
        ("example.com", "example.com"),
        ("www.mobles-puig.cat", "mobles-puig.cat"),
        ("http://shop.acme.es:8080/?q=1", "acme.es"),
        ("https://empresa.com.es", "empresa.com.es"),
        ("HTTP://user:pw@Sub.Example.COM./x", "example.com"),
        ("//cdn.acme.it/a.js", "acme.it"),
        ("acme.github.io", "acme.github.io"),
        ("john@mail.acme.co.uk", "acme.co.uk"),
        ("https://www.café.fr", "café.fr"),
    ],
)
def test_website_domain(raw, expected):
    assert website_domain(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "localhost", "http://192.168.1.10/", "co.uk", "http://", "not a url", "[::1]"]
)
def test_website_domain_rejects(raw):
    with pytest.raises(ValueError, match=r"^invalid website"):
        website_domain(raw)


def test_domain_from_email_and_free_mail():
    assert domain_from_email("Ana <ana@ventas.acme.es>") == "acme.es"
    assert domain_from_email("john@gmail.com") == "gmail.com"
    assert {"gmail.com", "hotmail.com", "outlook.com", "icloud.com"} <= FREE_MAIL_DOMAINS
    for domain in ("gmail.com", "yahoo.es", "yahoo.co.jp", "gmx.net", "hotmail.it", "orange.fr"):
        assert is_free_mail_domain(domain), domain
    assert not is_free_mail_domain("acme.com")
    assert not is_free_mail_domain(None)


def test_company_domain_prefers_website_and_skips_free_mail():
    assert company_domain(email="j@acme.com", website="https://www.acme-group.com") == (
        "acme-group.com"
    )
    assert company_domain(email="j@acme.com") == "acme.com"
    assert company_domain(email="j@gmail.com") is None
    assert company_domain(email="not an email", website="") is None


def test_region_from_domain():
    assert region_from_domain("acme.es") == "ES"
    assert region_from_domain("mobles.cat") == "ES"
    assert region_from_domain("acme.co.uk") == "GB"
    assert region_from_domain("acme.io") is None
    assert region_from_domain("acme.com") is None


# --- whole records --------------------------------------------------------


def test_normalize_contact_cleans_fields_and_collects_errors():
    clean, errors = normalize_contact(
        {
            "name": "  Need   20 chairs ",
            "contact_name": "JOAN PUIG",
            "partner_name": "mobles puig s.l.",
            "email_from": " Joan.Puig@Mobles-Puig.CAT ",
            "phone": "93 123 45 67",
            "mobile": "12",
            "website": "www.mobles-puig.cat",
            "user_id": 7,
        },
        country_code="ES",
    )
    assert clean["name"] == "Need 20 chairs"  # a lead title is not title-cased
    assert clean["contact_name"] == "Joan Puig"
    assert clean["partner_name"] == "Mobles Puig S.L."
    assert clean["email_from"] == "joan.puig@mobles-puig.cat"
    assert clean["phone"] == "+34931234567"
    assert clean["mobile"] is None
    assert clean["website"] == "www.mobles-puig.cat"
    assert clean["domain"] == "mobles-puig.cat"
    assert clean["user_id"] == 7
    assert set(errors) == {"mobile"}
    assert errors["mobile"].startswith("invalid phone")


def test_normalize_contact_partner_name_and_own_country():
    clean, errors = normalize_contact(
        {
            "model": "res.partner",
            "name": "marie DUPONT",
            "country_code": "FR",
            "phone": "06 12 34 56 78",
            "email": "marie@gmail.com",
        },
        country_code="ES",
    )
    assert errors == {}
    assert clean["name"] == "marie DUPONT"  # mixed case kept
    assert clean["phone"] == "+33612345678"  # the record's own country wins
    assert clean["domain"] is None  # free mail is no company domain

    clean, _ = normalize_contact({"is_company": True, "name": "ACME GMBH"})
    assert clean["name"] == "Acme GmbH"
    clean, _ = normalize_contact({"is_company": False, "name": "ACME GMBH"})
    assert clean["name"] == "Acme Gmbh"


def test_normalize_contact_reports_every_bad_field():
    clean, errors = normalize_contact(
        {
            "email": "nope",
            "phone": "600123456",
            "website": "http://",
            "contact_name": 12.5,
            "mobile": False,
            "company": None,
        },
        country_code="XX",
    )
    assert set(errors) == {"email", "phone", "website", "contact_name", "country_code"}
    assert errors["country_code"].startswith("invalid country code")
    assert errors["phone"].startswith("invalid phone")
    assert clean["mobile"] is None and clean["company"] is None
    assert normalize_contact("not a dict") == ({}, {"contact": "expected a mapping, got str"})


# --- extraction from e-mails ----------------------------------------------

PLAIN_ES = """Hola,

Os escribo para pedir presupuesto de 20 sillas. Llamadme cuando podáis.

Saludos,
Joan Puig
Director Comercial
Mobles Puig, S.L.
Tel. 93 123 45 67 | Mòbil 600 12 34 56
www.mobles-puig.cat

On Mon, 3 Mar 2025 at 10:00, Ventas <ventas@example.com>
wrote:
> Hola Joan, llámanos al +1 202 555 0143
> Gracias
"""

HTML_FR = """<html><head><style>p {color: red}</style></head><body>
<div>Bonjour,</div><div>Merci pour votre offre, pouvez-vous m'appeler&nbsp;?</div>
<div>Cordialement,</div>
<div><b>Marie Dupont</b><br>Directrice commerciale<br>Dupont &amp; Fils SARL<br>
T&eacute;l&nbsp;: 01 42 68 53 00<br>Portable : 06 12 34 56 78<br>
<a href="https://www.dupont-fils.fr">dupont-fils.fr</a> |
<a href="mailto:m.dupont@dupont-fils.fr">m.dupont@dupont-fils.fr</a></div>
<div class="gmail_quote">Le lun. 3 mars 2025, Ventes a écrit :
<blockquote>Appelez le +33 1 99 99 99 99</blockquote></div>
</body></html>"""


def test_extract_plain_text_signature():
    found = extract_contact_from_text(PLAIN_ES)
    assert found["contact_name"] == "Joan Puig"
    assert found["company_name"] == "Mobles Puig, S.L."
    assert found["phone"] == "+34931234567"  # region guessed from .cat
    assert found["mobile"] == "+34600123456"
    assert found["website"] == "www.mobles-puig.cat"
    assert found["domain"] == "mobles-puig.cat"
    assert "+12025550143" not in found["phones"]  # quoted reply ignored
    assert found["emails"] == []  # the address in the reply header is ignored


def test_extract_html_signature():
    found = extract_contact_from_text(HTML_FR)
    assert found["contact_name"] == "Marie Dupont"
    assert found["company_name"] == "Dupont & Fils SARL"
    assert found["phone"] == "+33142685300"
    assert found["mobile"] == "+33612345678"
    assert found["domain"] == "dupont-fils.fr"
    assert found["email"] == "m.dupont@dupont-fils.fr"
    assert found["phones"] == ["+33142685300", "+33612345678"]


def test_extract_with_explicit_region_and_dash_delimiter():
    body = (
        "Ciao, vi contatto per un preventivo.\n"
        "Un saluto\n\n-- \nLuca Bianchi\nPasta Fresca Srl\nCell: 339 123 4567\n"
        "Tel +39 06 1234 5678\nluca@pastafresca.it\n"
    )
    found = extract_contact_from_text(body, country_code="IT")
    assert found["contact_name"] == "Luca Bianchi"
    assert found["company_name"] == "Pasta Fresca Srl"
    assert found["mobile"] == "+393391234567"
    assert found["phone"] == "+390612345678"
    assert found["email"] == "luca@pastafresca.it"
    assert found["domain"] == "pastafresca.it"


def test_extract_german_and_uk_signatures():
    de = (
        "Hallo,\nanbei die Anfrage.\n\nMit freundlichen Grüßen\nKlaus Müller\nMüller GmbH\n"
        "Tel.: +49 30 1234567\n"
    )
    found = extract_contact_from_text(de)
    assert found["contact_name"] == "Klaus Müller"
    assert found["company_name"] == "Müller GmbH"
    assert found["phone"] == "+49301234567"

    uk = (
        "Hi,\nPlease call me.\n\nKind regards,\nSarah O'Neil\nAcme Widgets Ltd\n"
        "Phone: 020 7946 0958\nhttps://acmewidgets.co.uk\n"
    )
    found = extract_contact_from_text(uk)
    assert found["contact_name"] == "Sarah O'Neil"
    assert found["company_name"] == "Acme Widgets Ltd"
    assert found["phone"] == "+442079460958"  # region from .co.uk
    assert found["domain"] == "acmewidgets.co.uk"


def test_extract_without_signature_marker_uses_phone_block():
    body = "Please send the catalogue.\n\nAna Soler\nTlf: +34 972 12 34 56\n"
    found = extract_contact_from_text(body)
    assert found["phone"] == "+34972123456"
    assert found["contact_name"] == "Ana Soler"


def test_extract_empty_and_garbage():
    empty = extract_contact_from_text("")
    assert empty["phones"] == [] and empty["contact_name"] is None
    assert extract_contact_from_text(None)["emails"] == []
    assert extract_contact_from_text("<<<>>> <b>")["phone"] is None


def test_html_to_text_drops_scripts_and_quotes():
    text = html_to_text("<p>Hi<script>x()</script></p><blockquote>old</blockquote><p>A&amp;B</p>")
    assert "x()" not in text and "old" not in text
    assert [line for line in text.splitlines() if line] == ["Hi", "A&B"]
