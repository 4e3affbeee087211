"""De-duplication decision for incoming contacts and leads.

Given an *incoming* record (a new lead, a web form, a parsed e-mail) and a
small set of *candidates* (existing partners and leads), decide whether to
link the incoming record to a partner, merge it into a lead, or keep it new.
The functions are independent of where the candidates come from.

Contract with the Odoo addon
----------------------------
The addon fetches at most a few dozen candidates with indexed SQL: exact
normalised e-mail, exact E.164 phone, same company domain, and shared name
keys (:func:`blocking_keys`, stored in a GIN-indexed array column). It then hands plain dictionaries to :func:`best_match` (or a
``pandas.DataFrame`` with the same columns to :func:`score_candidates`).

Candidate keys (missing keys and ``None``/``False`` values count as empty):

=================  ======================================================
``id``             ``int``, record id (required)
``model``          ``"res.partner"`` or ``"crm.lead"`` (required)
``name``           person's name: partner name, or the lead's
                   ``contact_name`` (not the lead title). Leave it empty
                   for company partners and put their name in
                   ``company_name``. ``contact_name`` is read first if given.
``company_name``   company name (``partner_name`` of a lead, commercial
                   partner name of a contact); ``partner_name`` is read
                   if ``company_name`` is missing
``email``          e-mail as stored (``email_from`` is read if missing)
``phone``          phone as stored; ``mobile`` is also compared if given
``domain``         company domain; derived from ``website``/``email``
                   when missing. Free-mail domains never count
``country_code``   optional ISO code, default region for its phones
=================  ======================================================

The incoming record uses the same keys (``id`` and ``model`` optional; a
candidate with the same ``model`` and ``id`` as the incoming record is
skipped). Every value is normalised with :mod:`crm_engine.normalize` before
comparing, so raw stored values are fine; invalid values are ignored.
Candidate phones without their own ``country_code`` use the incoming one.

Scoring
-------
The score is the sum of the weights of the evidence found, capped at 100
(default :class:`Weights` in brackets):

* ``email`` (60): a normalised e-mail in common;
* ``phone`` (50): an E.164 phone or mobile in common;
* ``domain`` (15): same company domain (free mail never counts);
* ``name`` (30 × similarity / 100): person names compared with
  :func:`rapidfuzz.fuzz.token_sort_ratio` (word order does not matter:
  "Doe John" = "John Doe") on accent-folded lower-case text;
* ``company`` (20 × similarity / 100): :func:`company_key` values compared
  with :func:`rapidfuzz.fuzz.WRatio` (tolerates one name containing the
  other, "Acme" vs "Acme Iberia").

Fuzzy similarities below ``Thresholds.fuzzy_min`` add nothing. Reasons read
like ``["email", "phone", "domain", "name 92"]``.

Decision (:func:`best_match`, default :class:`Thresholds` in brackets):

1. ``link_partner`` if some ``res.partner`` scores at least ``link`` (60):
   an e-mail alone is enough, a phone needs a matching name or company;
2. else ``merge_lead`` if some ``crm.lead`` scores at least ``merge`` (80):
   e-mail plus a similar name, or e-mail plus phone, or phone plus an
   identical name;
3. else ``new``.

Ties are broken deterministically: partners before leads (step 1 comes
first), then the higher score, then the lowest id.

This module imports no Odoo.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from .identity import (
    _compare_tokens,
    canonical_email,
    email_is_canonicalised,
    is_role_mailbox,
    name_tokens,
    phone_kind,
)
from .normalize import (
    _fold,
    company_domain,
    company_key,
    is_free_mail_domain,
    normalize_country_code,
    normalize_email,
    normalize_phone,
    website_domain,
)

__all__ = [
    "ACTIONS",
    "MODELS",
    "MatchDecision",
    "MatchScore",
    "Thresholds",
    "Weights",
    "best_match",
    "blocking_keys",
    "score_candidate",
    "score_candidates",
]

#: Possible :attr:`MatchDecision.action` values.
ACTIONS: tuple[str, ...] = ("link_partner", "merge_lead", "new")
PARTNER = "res.partner"
LEAD = "crm.lead"
#: Candidate models understood by :func:`best_match`.
MODELS: tuple[str, ...] = (PARTNER, LEAD)


def _check_number(name: str, value: Any, upper: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < 0 or (upper is not None and value > upper):
        bound = f" and <= {upper:g}" if upper is not None else ""
        raise ValueError(f"{name} must be >= 0{bound}, got {value!r}")
    return value


@dataclass(frozen=True)
class Weights:
    """Points each kind of evidence adds to a score (the sum is capped at 100).

    Parameters
    ----------
    email, phone, domain : float
        Points for an exact normalised e-mail / E.164 phone / company domain.
    name, company : float
        Points for identical person / company names; a similarity ``s``
        (0-100) at or above ``fuzzy_min`` adds ``weight * s / 100``.
    """

    email: float = 60.0
    phone: float = 50.0
    domain: float = 15.0
    name: float = 30.0
    company: float = 20.0

    def __post_init__(self) -> None:
        for name in ("email", "phone", "domain", "name", "company"):
            object.__setattr__(self, name, _check_number(f"weight {name}", getattr(self, name)))


@dataclass(frozen=True)
class Thresholds:
    """Score thresholds (0-100) of :func:`best_match`.

    Parameters
    ----------
    link : float, default 60
        Minimum score to link the incoming record to a ``res.partner``.
    merge : float, default 80
        Minimum score to merge it into a ``crm.lead`` (higher than ``link``
        because merging is destructive).
    fuzzy_min : float, default 85
        Minimum name similarity that counts as evidence at all.
    review : float, default 45
        A candidate scoring at least this, but under ``link`` (partners) or
        ``merge`` (leads), is a near miss for a person to review
        (:attr:`MatchDecision.review`). Chosen on the evaluation set of
        ``tests/engine/test_dedup_evaluation.py``: its near misses (a full
        name with the company's name or domain) score 45 to 50, while a name
        alone scores 30 and contradicted pairs (other first name on a shared
        line) less; 35 to 45 queue the near misses and nothing else.
    """

    link: float = 60.0
    merge: float = 80.0
    fuzzy_min: float = 85.0
    review: float = 45.0

    def __post_init__(self) -> None:
        for name in ("link", "merge", "fuzzy_min", "review"):
            value = _check_number(f"threshold {name}", getattr(self, name), 100.0)
            object.__setattr__(self, name, value)


@dataclass
class MatchScore:
    """Score of one candidate.

    Attributes
    ----------
    score : float
        0-100, rounded to 2 decimals.
    reasons : list of str
        Evidence found, e.g. ``["email", "phone", "domain", "name 92"]``.
    """

    score: float
    reasons: list[str] = field(default_factory=list)
    #: score the evidence gives the candidate's company (a shared mailbox or landline
    #: of another person identifies the company, not the person); 0 if none
    company_score: float = field(default=0.0, repr=False, compare=False)


@dataclass(frozen=True)
class MatchDecision:
    """What to do with an incoming record.

    Attributes
    ----------
    action : {"link_partner", "merge_lead", "new"}
    target_id : int or None
        Id of the partner to link or the lead to merge into.
    target_model : {"res.partner", "crm.lead"} or None
    score : float
        Score of the target (of the best candidate for ``"new"``; 0 if none).
    reasons : str
        Human-readable explanation, e.g.
        ``"res.partner 7: email, name 92 (score 87.6 >= link 60)"``.
    evidence : tuple of str
        The reason labels of the target (or of the best candidate), e.g.
        ``("email", "name 92")``, for a translated explanation.
    limit : float
        The threshold the score was compared with (``link`` or ``merge``).
    review : tuple of (model, id, score, labels)
        Near misses for a person to confirm or reject: candidates scoring
        between ``Thresholds.review`` and their threshold, best first (only
        when the action is ``"new"``).
    """

    action: str
    target_id: int | None
    target_model: str | None
    score: float
    reasons: str
    evidence: tuple[str, ...] = field(default=(), compare=False)
    limit: float = field(default=0.0, compare=False)
    review: tuple[tuple[str, int, float, tuple[str, ...]], ...] = field(default=(), compare=False)


# ---------------------------------------------------------------------------
# Features
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Features:
    emails: frozenset[str]  # canonical mailboxes (Gmail dots, +tags, aliases folded)
    roles: frozenset[str]  # the ones that are shared role mailboxes (info@, ventas@...)
    phones: frozenset[str]
    domain: str | None
    name: str
    company: str
    tokens: tuple[str, ...] = ()
    parent_id: int | None = None


def _get(record: Mapping[str, Any], *keys: str) -> Any:
    """First non-empty value of ``keys`` in ``record`` (NaN counts as empty)."""
    for key in keys:
        value = record.get(key)
        if value is None or value is False or (isinstance(value, float) and math.isnan(value)):
            continue
        if isinstance(value, str) and not value.strip():
            continue
        return value
    return None


def _name_key(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(re.sub(r"[^\w]+|_", " ", _fold(value)).split())


def _features(record: Mapping[str, Any], default_region: str | None) -> _Features:
    try:
        region = normalize_country_code(_get(record, "country_code")) or default_region
    except ValueError:
        region = default_region
    emails, roles, plain = set(), set(), set()
    for key in ("email", "email_from"):
        try:
            email = normalize_email(record.get(key))
        except ValueError:
            continue
        plain.add(email)
        canonical = canonical_email(email)
        emails.add(canonical)
        if is_role_mailbox(canonical):
            roles.add(canonical)
    phones = set()
    for key in ("phone", "mobile"):
        try:
            phones.add(normalize_phone(record.get(key), region))
        except ValueError:
            pass
    domain = None
    raw_domain = _get(record, "domain")
    if raw_domain is not None:
        try:
            domain = website_domain(raw_domain)
        except ValueError:
            domain = None
    else:
        domain = company_domain(email=min(plain, default=None), website=record.get("website"))
    if is_free_mail_domain(domain):
        domain = None
    try:
        company = company_key(_get(record, "company_name", "partner_name"))
    except ValueError:
        company = ""
    person = _get(record, "contact_name", "name")
    parent = record.get("parent_id")
    if isinstance(parent, float) and math.isfinite(parent):
        parent = int(parent)
    return _Features(
        emails=frozenset(emails),
        roles=frozenset(roles),
        phones=frozenset(phones),
        domain=domain,
        name=_name_key(person),
        company=company,
        tokens=name_tokens(person),
        parent_id=parent if isinstance(parent, (int, np.integer)) and parent > 0 else None,
    )


def _region_of(record: Mapping[str, Any]) -> str | None:
    try:
        return normalize_country_code(_get(record, "country_code"))
    except ValueError:
        return None


def _as_weights(weights: Weights | Mapping[str, float] | None) -> Weights:
    if weights is None:
        return Weights()
    if isinstance(weights, Weights):
        return weights
    if isinstance(weights, Mapping):
        unknown = set(weights) - {"email", "phone", "domain", "name", "company"}
        if unknown:
            raise ValueError(f"unknown weights: {sorted(unknown)}")
        return Weights(**weights)
    raise ValueError(f"weights must be a Weights or a mapping, got {type(weights).__name__}")


#: Company names less similar than this (``rapidfuzz.fuzz.WRatio``, 0-100) name two
#: different companies.
OTHER_COMPANY_BELOW = 50.0

#: Reason labels beyond "email", "phone", "domain", "name N", "company N" (the
#: addon translates each of them).
REASON_LABELS: tuple[str, ...] = (
    "shared mailbox",
    "shared mailbox, other person",
    "same email, other name",
    "same email, other company",
    "same landline",
    "same landline, other first name",
    "same mobile, other name",
)


def _score_features(
    incoming: _Features, candidate: _Features, weights: Weights, fuzzy_min: float
) -> MatchScore:
    """Weigh the evidence of one candidate by how surely it identifies a person.

    * an e-mail in common counts fully unless the names contradict each other
      (another first name, or no surname in common): then a shared role
      mailbox counts nothing for the person, a personal one half; held by a
      company whose name is clearly another (similarity under 50), it counts
      half ("hello@gmail.com" written by two firms);
    * a role mailbox held by a person counts fully only when the names agree,
      half when a name is missing;
    * a landline in common counts fully when the names agree or one is
      missing, 60% when they only share a word, nothing when they contradict;
      a mobile counts fully;
    * the names add ``weight * similarity`` from :func:`rapidfuzz.fuzz.token_sort_ratio`
      or, when higher, from :func:`crm_engine.identity.compare_names` (nicknames,
      initials, a dropped surname); a shortened name (``compatible``) only
      counts next to an e-mail, phone, domain or company name in common (a
      name and a company alone score at most 50: a near miss to review, never
      a link); contradicting names count at most 50% similar.

    Evidence that identifies the company rather than the person (a shared
    mailbox, a landline, of another person) goes to ``company_score``.
    """
    names = _compare_tokens(incoming.tokens, candidate.tokens)
    contradict = names.verdict == "contradict"
    person_candidate = bool(candidate.tokens)
    score = 0.0
    company_score = 0.0
    reasons: list[str] = []

    company_sim = (
        float(fuzz.WRatio(incoming.company, candidate.company))
        if incoming.company and candidate.company
        else 0.0
    )
    common_emails = incoming.emails & candidate.emails
    # two clearly different company names: one address does not make them one company
    other_company = (
        not person_candidate
        and bool(incoming.company and candidate.company)
        and company_sim < OTHER_COMPANY_BELOW
    )
    if common_emails:
        role = bool(common_emails & (incoming.roles | candidate.roles))
        if other_company:
            score += weights.email / 2
            reasons.append("same email, other company")
        elif role and person_candidate and contradict:
            reasons.append("shared mailbox, other person")
            company_score += weights.email
        elif role and person_candidate and not names.agrees and names.verdict != "weak":
            score += weights.email / 2
            company_score += weights.email
            reasons.append("shared mailbox")
        elif role:
            score += weights.email
            company_score += weights.email
            reasons.append("shared mailbox")
        elif contradict:
            score += weights.email / 2
            reasons.append("same email, other name")
        else:
            score += weights.email
            reasons.append("email")

    common_phones = incoming.phones & candidate.phones
    if common_phones:
        mobile = any(phone_kind(p) == "mobile" for p in common_phones)
        if mobile:
            score += weights.phone
            reasons.append("same mobile, other name" if contradict else "phone")
        elif contradict:
            company_score += weights.phone
            reasons.append("same landline, other first name")
        elif names.verdict == "weak":
            score += weights.phone * 0.6
            company_score += weights.phone
            reasons.append("same landline")
        else:
            score += weights.phone
            company_score += weights.phone
            reasons.append("phone")

    if incoming.domain is not None and incoming.domain == candidate.domain:
        score += weights.domain
        company_score += weights.domain
        reasons.append("domain")

    name_sim = (
        float(fuzz.token_sort_ratio(incoming.name, candidate.name))
        if incoming.name and candidate.name
        else 0.0
    )
    if contradict:
        # names that contradict each other are no evidence of one person, however
        # many letters they share ("Maria Garcia Lopez" / "Marta Garcia Lopez")
        name_sim = min(name_sim, 50.0)
    elif names.verdict == "same" or (
        names.verdict == "compatible"
        and (common_emails or common_phones or "domain" in reasons or company_sim >= fuzzy_min)
    ):
        name_sim = max(name_sim, names.similarity)
    if name_sim > 0 and name_sim >= fuzzy_min:
        score += weights.name * name_sim / 100.0
        reasons.append(f"name {round(name_sim)}")
    if company_sim > 0 and company_sim >= fuzzy_min:
        points = weights.company * company_sim / 100.0
        score += points
        company_score += points if company_score else 0.0
        reasons.append(f"company {round(company_sim)}")
    return MatchScore(
        score=round(min(score, 100.0), 2),
        reasons=reasons,
        company_score=round(min(company_score, 100.0), 2) if person_candidate else 0.0,
    )


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def score_candidate(
    incoming: Mapping[str, Any],
    candidate: Mapping[str, Any],
    weights: Weights | Mapping[str, float] | None = None,
    *,
    fuzzy_min: float = Thresholds.fuzzy_min,
) -> MatchScore:
    """Score how likely ``candidate`` is the same contact as ``incoming``.

    Parameters
    ----------
    incoming, candidate : Mapping
        Records with the keys described in the module docstring.
    weights : Weights or mapping, optional
        Points per evidence; defaults to :class:`Weights()`.
    fuzzy_min : float, default 85
        Minimum name similarity that counts.

    Returns
    -------
    MatchScore

    Examples
    --------
    >>> score_candidate(
    ...     {"email": " John.Doe@Acme.com ", "name": "john doe"},
    ...     {"email": "john.doe@acme.com", "name": "Doe, John"},
    ... )
    MatchScore(score=100.0, reasons=['email', 'domain', 'name 100'])
    """
    weights = _as_weights(weights)
    fuzzy_min = _check_number("fuzzy_min", fuzzy_min, 100.0)
    _check_mapping(incoming, "incoming")
    _check_mapping(candidate, "candidate")
    region = _region_of(incoming)
    return _score_features(
        _features(incoming, region), _features(candidate, region), weights, fuzzy_min
    )


def _check_mapping(record: Any, what: str) -> None:
    if not isinstance(record, Mapping):
        raise ValueError(f"{what} must be a mapping, got {type(record).__name__}")


def _check_identity(model: Any, record_id: Any) -> tuple[str, int]:
    if model not in MODELS:
        raise ValueError(f"candidate model must be one of {MODELS}, got {model!r}")
    if isinstance(record_id, bool) or not isinstance(record_id, (int, np.integer)):
        raise ValueError(f"candidate id must be an integer, got {record_id!r}")
    return str(model), int(record_id)


def score_candidates(
    incoming: Mapping[str, Any],
    candidates: pd.DataFrame,
    weights: Weights | Mapping[str, float] | None = None,
    *,
    fuzzy_min: float = Thresholds.fuzzy_min,
) -> pd.DataFrame:
    """Score many candidates at once.

    Each row is normalised and scored like :func:`score_candidate` (the
    scores are equal).

    Parameters
    ----------
    incoming : Mapping
        The incoming record.
    candidates : pandas.DataFrame, shape (n_candidates, n_columns)
        One row per candidate, columns as the candidate keys of the module
        docstring (``id`` and ``model`` required, others optional).
    weights : Weights or mapping, optional
    fuzzy_min : float, default 85

    Returns
    -------
    pandas.DataFrame, shape (n_candidates, n_columns + 2)
        A copy of ``candidates`` with a float ``score`` column and a
        ``reasons`` column (list of str), in the input order.

    Raises
    ------
    ValueError
        If ``candidates`` is not a DataFrame or lacks ``id``/``model``.
    """
    weights = _as_weights(weights)
    fuzzy_min = _check_number("fuzzy_min", fuzzy_min, 100.0)
    _check_mapping(incoming, "incoming")
    if not isinstance(candidates, pd.DataFrame):
        raise ValueError(f"candidates must be a pandas DataFrame, got {type(candidates).__name__}")
    missing = {"id", "model"} - set(candidates.columns)
    if missing:
        raise ValueError(f"candidates lacks columns {sorted(missing)}")
    result = candidates.copy()
    region = _region_of(incoming)
    mine = _features(incoming, region)
    rows = candidates.to_dict("records")
    for row in rows:
        _check_identity(row["model"], row["id"])
    feats = [_features(row, region) for row in rows]

    scores = [_score_features(mine, f, weights, fuzzy_min) for f in feats]
    result["score"] = np.array([s.score for s in scores], dtype=float)
    result["reasons"] = pd.Series([s.reasons for s in scores], index=result.index, dtype=object)
    return result


def best_match(
    incoming: Mapping[str, Any],
    candidates: Iterable[Mapping[str, Any]] | pd.DataFrame,
    thresholds: Thresholds | None = None,
    weights: Weights | Mapping[str, float] | None = None,
) -> MatchDecision:
    """Decide whether to link, merge or keep an incoming record.

    Parameters
    ----------
    incoming : Mapping
        The incoming record (see the module docstring).
    candidates : iterable of Mapping or pandas.DataFrame
        Candidate partners and leads. A DataFrame is scored with
        :func:`score_candidates`.
    thresholds : Thresholds, optional
        Defaults to ``Thresholds(link=60, merge=80, fuzzy_min=85)``.
    weights : Weights or mapping, optional
        Defaults to :class:`Weights()`.

    Returns
    -------
    MatchDecision
        ``link_partner`` to the best partner scoring >= ``link``; else
        ``merge_lead`` into the best lead scoring >= ``merge``; else
        ``new``. "Best" is the highest score, then the lowest id.

    Raises
    ------
    ValueError
        For a candidate without an integer ``id`` or with an unknown
        ``model``, or invalid thresholds/weights.

    Examples
    --------
    >>> best_match(
    ...     {"email": "ana@acme.es", "name": "Ana Puig"},
    ...     [{"id": 3, "model": "crm.lead", "email": "ANA@acme.es", "name": "Ana Puig"},
    ...      {"id": 9, "model": "res.partner", "email": "ana@acme.es"}],
    ... ).action
    'link_partner'
    """
    thresholds = Thresholds() if thresholds is None else thresholds
    if not isinstance(thresholds, Thresholds):
        raise ValueError(f"thresholds must be a Thresholds, got {type(thresholds).__name__}")
    weights = _as_weights(weights)
    _check_mapping(incoming, "incoming")
    own = (incoming.get("model"), incoming.get("id"))

    if isinstance(candidates, pd.DataFrame):
        missing = {"id", "model"} - set(candidates.columns)
        if missing:
            raise ValueError(f"candidates lacks columns {sorted(missing)}")
        candidates = candidates.to_dict("records")
    scored: list[tuple[str, int, MatchScore]] = []
    parents: dict[int, int] = {}
    region = _region_of(incoming)
    mine = _features(incoming, region)
    for candidate in candidates:
        _check_mapping(candidate, "candidate")
        model, record_id = _check_identity(candidate.get("model"), candidate.get("id"))
        feats = _features(candidate, region)
        if model == PARTNER and feats.parent_id:
            parents[record_id] = feats.parent_id
        scored.append(
            (model, record_id, _score_features(mine, feats, weights, thresholds.fuzzy_min))
        )
    scored = _with_companies([item for item in scored if (item[0], item[1]) != own], parents, own)

    def rank(item: tuple[str, int, MatchScore]) -> tuple[float, int]:
        return (-item[2].score, item[1])

    for model, action, limit, label in (
        (PARTNER, "link_partner", thresholds.link, "link"),
        (LEAD, "merge_lead", thresholds.merge, "merge"),
    ):
        eligible = sorted(
            (item for item in scored if item[0] == model and item[2].score >= limit), key=rank
        )
        if eligible:
            model, record_id, match = eligible[0]
            return MatchDecision(
                action=action,
                target_id=record_id,
                target_model=model,
                score=match.score,
                reasons=f"{model} {record_id}: {', '.join(match.reasons)} "
                f"(score {match.score:g} >= {label} {limit:g})",
                evidence=tuple(match.reasons),
                limit=limit,
            )
    if not scored:
        return MatchDecision("new", None, None, 0.0, "no candidate")
    model, record_id, match = sorted(scored, key=lambda item: (*rank(item), item[0] != PARTNER))[0]
    limit = thresholds.link if model == PARTNER else thresholds.merge
    label = "link" if model == PARTNER else "merge"
    evidence = ", ".join(match.reasons) or "no evidence"
    review = tuple(
        (m, rid, ms.score, tuple(ms.reasons))
        for m, rid, ms in sorted(scored, key=rank)
        if thresholds.review <= ms.score < (thresholds.link if m == PARTNER else thresholds.merge)
        and thresholds.review > 0
    )
    return MatchDecision(
        action="new",
        target_id=None,
        target_model=None,
        score=match.score,
        reasons=f"best {model} {record_id}: {evidence} (score {match.score:g} < {label} {limit:g})",
        evidence=tuple(match.reasons),
        limit=limit,
        review=review,
    )


def _with_companies(
    scored: list[tuple[str, int, MatchScore]], parents: dict[int, int], own: tuple[Any, Any]
) -> list[tuple[str, int, MatchScore]]:
    """Add the companies of contacts whose shared mailbox or landline the incoming record uses.

    A role mailbox or a landline of *another* person identifies the company, not
    that person: the company partner gets the company part of the evidence, with
    the contact's reasons and ``"company of contact N"`` (replacing the company's
    own score when higher).
    """
    derived: dict[int, MatchScore] = {}
    for model, record_id, match in scored:
        parent = parents.get(record_id) if model == PARTNER else None
        if not parent or match.company_score <= match.score or (PARTNER, parent) == own:
            continue
        if parent not in derived or derived[parent].score < match.company_score:
            derived[parent] = MatchScore(
                match.company_score, [*match.reasons, f"company of contact {record_id}"]
            )
    if not derived:
        return scored
    out = []
    for model, record_id, match in scored:
        if model == PARTNER and record_id in derived:
            if derived[record_id].score <= match.score:
                del derived[record_id]
            else:
                continue
        out.append((model, record_id, match))
    return out + [(PARTNER, parent, match) for parent, match in derived.items()]


# ---------------------------------------------------------------------------
# Blocking keys
# ---------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"[^\w]+|_")


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN_RE.split(_fold(text)) if t]


#: Blocking keys that many records share (name prefixes, a company's first word):
#: looked up only when the precise ones (e-mail, phone, domain, full name, company)
#: find no candidate, so that at a million records they do not add a page of
#: namesakes to score for every lead.
BROAD_KEY_PREFIXES: tuple[str, ...] = ("pp:", "cf:")


def blocking_keys(
    name: Any = None,
    company_name: Any = None,
    email: Any = None,
    phone: Any = None,
    region: str | None = None,
) -> list[str]:
    """Exact-match keys that bring similar names together, for an indexed lookup.

    Fuzzy comparison of every name in a large register is too slow, and even a
    trigram index reads long lists for common names. Instead, each record stores
    a few keys and candidates are the records sharing one (a GIN index on an
    array column answers that by reading only the records with that key); the
    candidates are then scored with :func:`score_candidate`.

    Keys (accents and case folded, punctuation dropped):

    * ``p:<tokens sorted>``: the person's name, word order ignored
      ("García, Laura" and "laura garcia" -> ``p:garcia laura``);
    * ``pp:<3-letter prefixes sorted>``: tolerates typos and endings after the
      third letter ("Lauro Garcya" -> ``pp:gar lau``); only for two words or more;
    * ``c:<company key>``: :func:`company_key` (legal suffixes dropped);
    * ``cf:<first word of the company key>``: "Acme" meets "Acme Iberia S.L.";
    * ``e:<canonical mailbox>``: only for providers that rewrite addresses
      (Gmail dots, ``+tags``, ``googlemail.com``): ``j.doe+x@googlemail.com``
      meets ``jdoe@gmail.com``, which an exact e-mail lookup does not;
    * ``t:<E.164 phone>``: the phone as :func:`normalize_phone` reads it
      (``00`` prefixes, extensions, ``(0)``), also where a stricter
      sanitiser (Odoo's) finds no valid number.

    Parameters
    ----------
    name : str, optional
        Person's name.
    company_name : str, optional
        Company name.
    email : str, optional
        E-mail address.
    phone : str, optional
        Phone number, national ones read in ``region``.
    region : str, optional
        ISO country code.

    Returns
    -------
    list of str
        Distinct keys, in the order above; empty when there is nothing to key on.

    Examples
    --------
    >>> blocking_keys("Laura García", "Acme Iberia S.L.")
    ['p:garcia laura', 'pp:gar lau', 'c:acme iberia', 'cf:acme']
    """
    keys: list[str] = []
    if isinstance(name, str) and name.strip():
        tokens = sorted(_tokens(name))
        if tokens:
            keys.append("p:" + " ".join(tokens))
            if len(tokens) >= 2:
                keys.append("pp:" + " ".join(sorted(t[:3] for t in tokens)))
    if isinstance(company_name, str) and company_name.strip():
        try:
            key = company_key(company_name)
        except ValueError:
            key = ""
        if key:
            keys.append("c:" + key)
            keys.append("cf:" + key.split()[0])
    if email:
        try:
            normalised = normalize_email(email)
        except ValueError:
            normalised = ""
        if normalised and email_is_canonicalised(normalised):
            keys.append("e:" + canonical_email(normalised))
    if phone:
        try:
            keys.append("t:" + normalize_phone(phone, region))
        except ValueError:
            pass
    return list(dict.fromkeys(keys))
