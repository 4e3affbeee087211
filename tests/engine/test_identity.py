"""Tests for crm_engine.identity: how people really write their details (issue #16)."""

import pytest

from crm_engine.identity import canonical_email, compare_names, is_role_mailbox, phone_kind
from crm_engine.identity_data import NICKNAMES, ROLE_MAILBOXES
from crm_engine.matching import best_match, blocking_keys, score_candidate
from crm_engine.normalize import normalize_phone


@pytest.mark.parametrize(
    ("typed", "mailbox"),
    [
        ("J.Doe@gmail.com", "jdoe@gmail.com"),
        ("j.d.o.e+news@googlemail.com", "jdoe@gmail.com"),
        ("JDOE+X@GoogleMail.com", "jdoe@gmail.com"),
        ("ana+shop@outlook.es", "ana@outlook.es"),
        ("ana.puig+shop@icloud.com", "ana.puig@icloud.com"),
        # where the provider does not honour them, dots and +tags are kept
        ("ana.puig+x@acme.es", "ana.puig+x@acme.es"),
        ("ana.puig@yahoo.es", "ana.puig@yahoo.es"),
    ],
)
def test_canonical_email(typed, mailbox):
    assert canonical_email(typed) == mailbox


@pytest.mark.parametrize(
    "email",
    [
        "info@acme.es",
        "Ventas@acme.es",
        "comercial@x.it",
        "amministrazione@rossi.it",
        "contact@a.fr",
        "ventas.bcn@acme.es",
        "info2@acme.es",
        "administracio@botiga.cat",
    ],
)
def test_role_mailboxes(email):
    assert is_role_mailbox(email)


@pytest.mark.parametrize("email", ["ana.info@acme.es", "marc@acme.es", "not an email", None])
def test_personal_mailboxes(email):
    assert not is_role_mailbox(email)


def test_reference_data_is_folded_lower_case():
    for key, names in NICKNAMES.items():
        assert key == key.lower() and key.isascii()
        assert all(n == n.lower() and n.isascii() for n in names)
    assert all(r == r.lower() for r in ROLE_MAILBOXES)


@pytest.mark.parametrize(
    ("typed", "region", "e164"),
    [
        ("0039 02 1234567", "ES", "+39021234567"),
        ("00 34 93 123 45 67", "IT", "+34931234567"),
        ("93 123 45 67 ext. 12", "ES", "+34931234567"),
        ("02 1234567 interno 12", "IT", "+39021234567"),
        ("+34 93 123 45 67 extensión 4", None, "+34931234567"),
        ("+34 (0) 600 11 22 33", None, "+34600112233"),
        ("+39 (0)2 1234567", None, "+39021234567"),
    ],
)
def test_phone_prefixes_and_extensions(typed, region, e164):
    assert normalize_phone(typed, region) == e164


def test_phone_kind():
    assert phone_kind("+34600112233") == "mobile"
    assert phone_kind("+34931234567") == "landline"
    assert phone_kind("+393331234567") == "mobile"
    assert phone_kind("+39021234567") == "landline"


@pytest.mark.parametrize(
    ("a", "b", "verdict"),
    [
        ("Pepe García", "José García López", "compatible"),
        ("Paco Martín", "Francisco Martín", "same"),
        ("Nacho Ruiz", "Ignacio Ruiz", "same"),
        ("Lola Díaz", "Dolores Díaz Gil", "compatible"),
        ("Montse Puig", "Montserrat Puig", "same"),
        ("Pep Ferrer", "Josep Ferrer", "same"),
        ("Beppe Rossi", "Rossi, Giuseppe", "same"),
        ("Gianni Conti", "Giovanni Conti", "same"),
        ("Sandro Greco", "Alessandro Greco", "same"),
        ("Juan M. Pérez", "Juan Pérez", "compatible"),
        ("Juan M. Pérez", "Juan Pérez Gómez", "compatible"),
        ("García López, José", "José García López", "same"),
        ("José García", "José García López", "compatible"),
        ("Jhon Smith", "John Smith", "same"),
        ("Georgee Roberts", "George Roberts", "same"),
        ("James Leee", "James Lee", "same"),
        ("Zoë van Dik", "Zoë van Dijk", "same"),
        # contradictions: another first name, no surname in common
        ("Mario Rossi", "Maria Rossi", "contradict"),
        ("Carmen García López", "María García López", "contradict"),
        ("José García", "María José García", "contradict"),
        ("Ana Puig", "Ana Vidal", "contradict"),
        ("Pedro Ruiz", "Ana Torres", "contradict"),
        # not enough to tell
        ("Ana", "Ana Puig", "weak"),
        ("", "Ana Puig", "unknown"),
    ],
)
def test_compare_names(a, b, verdict):
    assert compare_names(a, b).verdict == verdict
    assert compare_names(b, a).verdict == verdict


def test_role_mailbox_of_another_person_links_the_company():
    candidates = [
        {
            "id": 7,
            "model": "res.partner",
            "name": "Anna Puig",
            "email": "info@fusteria.cat",
            "parent_id": 3,
            "company_name": "Fusteria Puig SL",
        },
    ]
    colleague = {"name": "Josep Ferrer", "email": "INFO@fusteria.cat"}
    decision = best_match(colleague, candidates)
    assert (decision.action, decision.target_id) == ("link_partner", 3)
    assert "shared mailbox, other person" in decision.evidence
    assert "company of contact 7" in decision.evidence
    holder = best_match({"name": "Anna Puig Soler", "email": "info@fusteria.cat"}, candidates)
    assert (holder.action, holder.target_id) == ("link_partner", 7)
    # without a company to link, the lead stays new with the reason
    alone = best_match(colleague, [{**candidates[0], "parent_id": None}])
    assert alone.action == "new" and "shared mailbox, other person" in alone.evidence


def test_family_landline_is_no_person():
    holder = {
        "id": 1,
        "model": "res.partner",
        "name": "María García López",
        "phone": "+34 933 12 34 56",
    }
    relative = {"name": "Carmen García López", "phone": "933 123 456", "country_code": "ES"}
    result = score_candidate(relative, holder)
    assert result.reasons == ["same landline, other first name"]
    assert result.score == 0
    same = score_candidate({**relative, "name": "María García"}, holder)
    assert same.score >= 60


def test_gmail_variants_meet_by_key_and_by_score():
    assert "e:jdoe@gmail.com" in blocking_keys(None, None, "J.Doe+x@googlemail.com")
    assert "e:jdoe@gmail.com" in blocking_keys(None, None, "jdoe@gmail.com")
    assert not any(k.startswith("e:") for k in blocking_keys(None, None, "j.doe@acme.es"))
    result = score_candidate(
        {"email": "j.d.o.e+crm@googlemail.com"}, {"email": "jdoe@gmail.com", "name": "J Doe"}
    )
    assert result.reasons == ["email"]


def test_review_band():
    partner = {"id": 4, "model": "res.partner", "name": "Marc Vidal", "phone": "+34611223344"}
    decision = best_match(
        {"name": "Jordi Roca", "phone": "611223344", "country_code": "ES"}, [partner]
    )
    assert decision.action == "new"
    assert decision.review == (("res.partner", 4, 50.0, ("same mobile, other name",)),)
