"""Tests for crm_engine.matching."""

import pandas as pd
import pytest

from crm_engine.matching import (
    MatchDecision,
    MatchScore,
    Thresholds,
    Weights,
    best_match,
    score_candidate,
    score_candidates,
)

INCOMING = {
    "contact_name": "JOAN PUIG",
    "partner_name": "Mobles Puig SL",
    "email_from": " Joan.Puig@Mobles-Puig.CAT ",
    "phone": "600 12 34 56",
    "country_code": "ES",
}


def _partner(record_id, **values):
    return {"id": record_id, "model": "res.partner", **values}


def _lead(record_id, **values):
    return {"id": record_id, "model": "crm.lead", **values}


# --- score_candidate ------------------------------------------------------


def test_exact_email_phone_domain_and_names():
    candidate = _partner(
        1,
        name="Joan Puig",
        company_name="MOBLES PUIG, S.L.",
        email="joan.puig@mobles-puig.cat",
        phone="+34600123456",
        domain="www.mobles-puig.cat",
    )
    result = score_candidate(INCOMING, candidate)
    assert result == MatchScore(100.0, ["email", "phone", "domain", "name 100", "company 100"])


def test_phone_uses_incoming_region_for_candidates_without_one():
    result = score_candidate(INCOMING, _partner(1, phone="600123456"))
    assert result.reasons == ["phone"]
    assert result.score == 50.0


def test_free_mail_domain_does_not_count():
    incoming = {"email": "joan@gmail.com", "name": "Joan Puig"}
    result = score_candidate(incoming, _partner(1, email="other@gmail.com", domain="gmail.com"))
    assert result.score == 0.0
    assert result.reasons == []


def test_same_company_domain_from_email():
    incoming = {"email": "anna@acme.es"}
    result = score_candidate(incoming, _partner(1, email="joan@ventas.acme.es"))
    assert result.reasons == ["domain"]
    assert result.score == 15.0


def test_fuzzy_name_counts_above_fuzzy_min_only():
    incoming = {"name": "Joan Puig Ferrer"}
    close = score_candidate(incoming, _partner(1, name="Puig Ferrer, Joan"))
    assert close.reasons == ["name 100"]
    assert close.score == 30.0
    typo = score_candidate(incoming, _partner(1, name="Joan Puig Ferer"))
    assert typo.reasons[0].startswith("name 9")
    assert 25 < typo.score < 30
    other = score_candidate(incoming, _partner(1, name="Joana Pujol"))
    assert other.reasons == [] and other.score == 0.0
    assert score_candidate(incoming, _partner(1, name="Joana Pujol"), fuzzy_min=0).score > 0


def test_accents_and_case_do_not_matter_for_names():
    result = score_candidate({"name": "MARÍA GARCÍA"}, _partner(1, name="maria garcia"))
    assert result.reasons == ["name 100"]


def test_company_similarity_ignores_legal_suffix_and_uses_wratio():
    result = score_candidate({"company_name": "Acme"}, _partner(1, company_name="ACME Iberia SA"))
    assert result.reasons == ["company 90"]
    assert result.score == 18.0


def test_custom_weights_and_cap():
    incoming = {"email": "a@acme.es", "phone": "+34600123456"}
    candidate = _partner(1, email="a@acme.es", phone="+34600123456")
    assert score_candidate(incoming, candidate).score == 100.0
    assert score_candidate(incoming, candidate, {"email": 10, "phone": 5, "domain": 0}).score == 15
    assert score_candidate(incoming, candidate, Weights(email=0, phone=0, domain=0)).score == 0


def test_invalid_values_are_ignored_not_raised():
    incoming = {"email": "not an email", "phone": "12", "name": 42, "domain": "http://"}
    assert score_candidate(incoming, _partner(1, email="x@y.com")).score == 0.0


@pytest.mark.parametrize(
    "kwargs",
    [{"weights": {"emial": 1}}, {"weights": {"email": -1}}, {"weights": 3}, {"fuzzy_min": 101}],
)
def test_bad_configuration_raises(kwargs):
    with pytest.raises(ValueError):
        score_candidate({}, {}, **kwargs)


def test_thresholds_validation():
    assert Thresholds() == Thresholds(link=60, merge=80, fuzzy_min=85)
    with pytest.raises(ValueError, match="threshold link"):
        Thresholds(link=120)
    with pytest.raises(ValueError, match="threshold merge"):
        Thresholds(merge="80")


# --- best_match -----------------------------------------------------------


def test_email_alone_links_partner():
    decision = best_match(INCOMING, [_partner(7, email="JOAN.PUIG@mobles-puig.cat")])
    assert decision.action == "link_partner"
    assert (decision.target_model, decision.target_id) == ("res.partner", 7)
    assert decision.score == 75.0  # email 60 + domain 15
    assert decision.reasons == "res.partner 7: email, domain (score 75 >= link 60)"


def test_partner_preferred_over_better_lead():
    candidates = [
        _lead(2, name="Joan Puig", email="joan.puig@mobles-puig.cat", phone="+34600123456"),
        _partner(9, email="joan.puig@mobles-puig.cat"),
    ]
    decision = best_match(INCOMING, candidates)
    assert decision.action == "link_partner"
    assert decision.target_id == 9


def test_merge_lead_when_no_partner_qualifies():
    candidates = [
        _lead(5, contact_name="Joan Puig", email_from="joan.puig@mobles-puig.cat"),
        _partner(9, name="Joan Puig"),  # name only: 30 < link
    ]
    decision = best_match(INCOMING, candidates)
    assert decision == MatchDecision(
        "merge_lead",
        5,
        "crm.lead",
        100.0,
        "crm.lead 5: email, domain, name 100 (score 100 >= merge 80)",
    )


def test_lead_below_merge_threshold_gives_new():
    decision = best_match(INCOMING, [_lead(5, email="joan.puig@mobles-puig.cat")])
    assert decision.action == "new"
    assert decision.target_id is None and decision.target_model is None
    assert decision.score == 75.0
    assert decision.reasons == "best crm.lead 5: email, domain (score 75 < merge 80)"


def test_phone_and_identical_name_merge_a_lead():
    incoming = {"name": "Marie Dupont", "phone": "06 12 34 56 78", "country_code": "FR"}
    decision = best_match(incoming, [_lead(4, name="DUPONT Marie", phone="+33 6 12 34 56 78")])
    assert (decision.action, decision.target_id, decision.score) == ("merge_lead", 4, 80.0)


def test_tie_breaks_on_score_then_lowest_id():
    same = {"email": "joan.puig@mobles-puig.cat"}
    candidates = [_partner(12, **same), _partner(3, **same), _partner(8, **same, name="Joan Puig")]
    assert best_match(INCOMING, candidates).target_id == 8  # higher score wins
    candidates = [_partner(12, **same), _partner(3, **same), _lead(1, **same, name="Joan Puig")]
    assert best_match(INCOMING, candidates).target_id == 3  # equal scores: lowest id
    assert best_match(INCOMING, list(reversed(candidates))).target_id == 3  # order-independent


def test_custom_thresholds():
    candidates = [_lead(5, email="joan.puig@mobles-puig.cat")]
    assert best_match(INCOMING, candidates, Thresholds(merge=70)).action == "merge_lead"
    assert (
        best_match(
            INCOMING, [_partner(1, email="joan.puig@mobles-puig.cat")], Thresholds(link=90)
        ).action
        == "new"
    )


def test_no_candidates_and_self_is_skipped():
    assert best_match(INCOMING, []) == MatchDecision("new", None, None, 0.0, "no candidate")
    me = {**INCOMING, "id": 5, "model": "crm.lead"}
    assert best_match(me, [_lead(5, **INCOMING)]).action == "new"
    assert best_match(me, [_lead(6, **INCOMING)]).target_id == 6


def test_nothing_in_common_gives_new_with_explanation():
    decision = best_match({"email": "x@other.com"}, [_partner(1, email="y@acme.com")])
    assert decision.action == "new"
    assert decision.reasons == "best res.partner 1: no evidence (score 0 < link 60)"


@pytest.mark.parametrize(
    "candidate",
    [
        {"id": 1, "model": "res.users"},
        {"id": "1", "model": "crm.lead"},
        {"model": "crm.lead"},
        {"id": True, "model": "crm.lead"},
    ],
)
def test_bad_candidates_raise(candidate):
    with pytest.raises(ValueError, match="candidate"):
        best_match(INCOMING, [candidate])


# --- vectorised scoring ---------------------------------------------------

CANDIDATES = [
    _partner(1, name="Joan Puig", email="joan.puig@mobles-puig.cat", phone="+34600123456"),
    _partner(2, name="Puig, Joan", company_name="Mobles Puig", domain="mobles-puig.cat"),
    _lead(3, name="Joana Pujol", email="joana@gmail.com", phone="600 12 34 56"),
    _lead(4, name=None, company_name="MOBLES PUIG SL", email="info@mobles-puig.cat"),
    _partner(5),
    _lead(6, name="Joan Puig Ferrer", phone="+33 6 12 34 56 78", country_code="FR"),
]


def test_score_candidates_matches_scalar_scores():
    frame = pd.DataFrame(CANDIDATES)
    scored = score_candidates(INCOMING, frame)
    assert list(scored.columns) == [*frame.columns, "score", "reasons"]
    assert "score" not in frame.columns  # input untouched
    for row, candidate in zip(scored.itertuples(), CANDIDATES, strict=True):
        expected = score_candidate(INCOMING, candidate)
        assert row.score == expected.score
        assert row.reasons == expected.reasons
    assert scored["score"].tolist() == [100.0, 65.0, 50.0, 35.0, 0.0, 0.0]


def test_best_match_accepts_a_frame():
    frame = pd.DataFrame(CANDIDATES).iloc[::-1]
    assert best_match(INCOMING, frame) == best_match(INCOMING, CANDIDATES)


def test_score_candidates_validates_input():
    with pytest.raises(ValueError, match="DataFrame"):
        score_candidates(INCOMING, CANDIDATES)
    with pytest.raises(ValueError, match="lacks columns"):
        score_candidates(INCOMING, pd.DataFrame({"id": [1]}))
    empty = score_candidates(INCOMING, pd.DataFrame(columns=["id", "model"]))
    assert empty.empty and "score" in empty.columns


def test_score_candidates_handles_missing_values():
    frame = pd.DataFrame(
        {
            "id": [1, 2],
            "model": ["res.partner", "crm.lead"],
            "name": ["Joan Puig", float("nan")],
            "email": [None, "joan.puig@mobles-puig.cat"],
        }
    )
    scored = score_candidates(INCOMING, frame)
    assert scored["reasons"].tolist() == [["name 100"], ["email", "domain"]]


class TestBlockingKeys:
    """Blocking keys bring variants of one name to a shared exact key."""

    def test_person_and_company_keys(self):
        from crm_engine.matching import blocking_keys

        assert blocking_keys("Laura García", "Acme Iberia S.L.") == [
            "p:garcia laura",
            "pp:gar lau",
            "c:acme iberia",
            "cf:acme",
        ]

    def test_variants_share_a_key(self):
        from crm_engine.matching import blocking_keys

        base = set(blocking_keys("Laura García"))
        for variant in ("garcia, laura", "LAURA GARCIA", "Lauro Garcya", "García Laura"):
            assert base & set(blocking_keys(variant)), variant
        assert set(blocking_keys(None, "ACME")) & set(blocking_keys(None, "Acme Iberia SL"))

    def test_unrelated_names_share_no_key(self):
        from crm_engine.matching import blocking_keys

        assert not set(blocking_keys("Laura García")) & set(blocking_keys("Marc Puig"))

    def test_empty_and_odd_input(self):
        from crm_engine.matching import blocking_keys

        assert blocking_keys() == []
        assert blocking_keys("", "  ") == []
        assert blocking_keys(42, ["x"]) == []
        assert blocking_keys("...", None) == []


def test_one_address_held_by_another_company_counts_half():
    """'hello@gmail.com' written by one firm and held by a clearly different one is
    no proof of one company; the same firm under another suffix still links."""
    held = {
        "id": 7,
        "model": "res.partner",
        "company_name": "Maple Coastal Solutions AG",
        "email": "hello@gmail.com",
    }
    other = score_candidate({"partner_name": "Solar Energy GmbH", "email": "hello@gmail.com"}, held)
    assert other.reasons == ["same email, other company"], other.reasons
    assert other.score == 30.0
    decision = best_match({"partner_name": "Solar Energy GmbH", "email": "hello@gmail.com"}, [held])
    assert decision.action == "new"
    same = best_match(
        {"partner_name": "MAPLE COASTAL SOLUTIONS", "email": "hello@gmail.com"}, [held]
    )
    assert same.action == "link_partner" and same.target_id == 7
