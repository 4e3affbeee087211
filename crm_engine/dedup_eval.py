"""A generated evaluation set for de-duplication, as Spanish and Italian registers are.

:func:`generate` builds, deterministically for a seed, a register of contacts
(people, companies with their contacts, households) and incoming leads of
several *kinds*, each with the partner it should be linked to (or ``None``):

=============================  ===============================================
kind                           the lead is
=============================  ===============================================
``case_accents``               the same person, e-mail in other case, name
                               without accents
``swapped_names``              "Surname Surname2, Given", same e-mail
``typos``                      a typo in the name, same e-mail
``company_suffix``             the company (no person), name with another legal
                               suffix ("ACME, S.L."), its mailbox
``phone_formats``              the same person, phone as ``0034``, ``00 34``,
                               ``0039``, ``(+34)``, with an extension
``gmail_variants``             the same person, Gmail address with other dots, a
                               ``+tag`` or ``googlemail.com``
``plus_tag``                   the same person, ``+tag`` at Outlook/iCloud
``nicknames``                  the same person under a short form (Pepe, Paco,
                               Montse, Pep, Beppe, Gianni, Sandro...)
``middle_initial``             the same person with a middle initial
``second_surname``             the same person without the second surname
``role_mailbox_same``          the holder of a shared box (``info@``...), again
``role_mailbox_colleague``     *another* person of the company writing from
                               the shared box: the company is expected
``household_member``           a registered relative sharing the landline: that
                               relative is expected, not the other
``family_landline``            an unregistered relative (same surname and
                               landline, other first name): nobody
``gender_pair``                Mario / Maria on the same landline: nobody
``namesake``                   same name, other e-mail and phone: nobody
``colleague_domain``           another person at the company, own address at
                               the company domain: nobody
``other_gmail``                a similar but other Gmail mailbox: nobody
``review_new_mailbox``         a company's contact by full name and company
                               name, from a new personal mailbox: not proof
                               enough to link, a near miss to *review*
``review_domain_alias``        a company's contact by full name, from another
                               mailbox of the company domain: a near miss to
                               *review*
=============================  ===============================================

The two ``review_*`` kinds are the near misses: the same person, but with
evidence that a namesake could also give (a name and a company, a name and a
domain). They carry ``review`` (the partner id a salesperson should be offered)
and ``expected = None``: linking them without asking counts as a false
positive, leaving them out of the review queue as a false negative.

:func:`score` turns predictions into precision and recall per kind and overall.
It is used by ``tests/engine/test_dedup_evaluation.py`` (engine alone) and by
the addon's HTTP test (through the JSON API). This module imports no Odoo.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .identity import _token_similarity as _similar
from .identity import name_tokens

KINDS: tuple[str, ...] = (
    "case_accents",
    "swapped_names",
    "typos",
    "company_suffix",
    "phone_formats",
    "gmail_variants",
    "plus_tag",
    "nicknames",
    "middle_initial",
    "second_surname",
    "role_mailbox_same",
    "role_mailbox_colleague",
    "household_member",
    "family_landline",
    "gender_pair",
    "namesake",
    "colleague_domain",
    "other_gmail",
    "review_new_mailbox",
    "review_domain_alias",
)

#: The kinds whose leads should wait in the review queue (not be linked).
REVIEW_KINDS: tuple[str, ...] = ("review_new_mailbox", "review_domain_alias")

_ES_GIVEN = (
    "José Francisco Ignacio Dolores Montserrat Manuel Antonio Jesús Enrique Guillermo "
    "Alejandro Roberto Fernando Rafael Concepción Rosario Mercedes Pilar Isabel Teresa "
    "Javier Santiago Carmen Lucía Marta Laura Elena Pablo Sergio David Jorge Ana Cristina "
    "Beatriz Joaquín Eduardo Raúl Alberto Sonia Silvia"
).split()
_CA_GIVEN = "Josep Jordi Núria Joan Francesc Joaquim Xavier Pere Marc Laia Mireia Gemma Bartomeu Gabriel Meritxell".split()
_IT_GIVEN = (
    "Giuseppe Giovanni Alessandro Alessandra Francesco Francesca Luigi Salvatore Domenico "
    "Vincenzo Massimo Marco Giulia Chiara Paola Matteo Stefano Lorenzo Federica Elisabetta "
    "Caterina Valentina Roberto Andrea Sara Davide Filippo Raffaele"
).split()
_ES_SURNAMES = (
    "García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín Jiménez "
    "Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Navarro Torres Domínguez Vázquez Ramos "
    "Gil Ramírez Serrano Blanco Molina Morales Suárez Ortega Delgado Castro Ortiz Rubio Marín "
    "Sanz Iglesias Núñez Medina Garrido Cortés Castillo Santos Lozano Guerrero Cano Prieto "
    "Méndez Cruz Puig Ferrer Vidal Soler Roca Serra Pujol Casas Font Riera Mas Vila Bosch"
).split()
_IT_SURNAMES = (
    "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti "
    "De_Luca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani "
    "Rinaldi Caruso Ferrara Galli Martini Leone Longo Gentile Martinelli Vitale Serra Coppola"
).split()
_NICKS = {
    "José": ["Pepe"],
    "Francisco": ["Paco", "Curro"],
    "Ignacio": ["Nacho"],
    "Dolores": ["Lola"],
    "Montserrat": ["Montse"],
    "Manuel": ["Manolo"],
    "Antonio": ["Toni"],
    "Jesús": ["Chus"],
    "Enrique": ["Quique"],
    "Guillermo": ["Guille"],
    "Alejandro": ["Álex"],
    "Concepción": ["Concha"],
    "Rosario": ["Charo"],
    "Mercedes": ["Merche"],
    "Pilar": ["Pili"],
    "Javier": ["Javi"],
    "Santiago": ["Santi"],
    "Rafael": ["Rafa"],
    "Josep": ["Pep"],
    "Francesc": ["Cesc"],
    "Joaquim": ["Quim"],
    "Xavier": ["Xavi"],
    "Bartomeu": ["Tomeu"],
    "Gabriel": ["Biel"],
    "Giuseppe": ["Beppe", "Peppe", "Pino"],
    "Giovanni": ["Gianni"],
    "Alessandro": ["Sandro"],
    "Alessandra": ["Sandra"],
    "Luigi": ["Gigi"],
    "Salvatore": ["Totò"],
    "Domenico": ["Mimmo"],
    "Massimo": ["Max"],
    "Elisabetta": ["Betta"],
    "Filippo": ["Pippo"],
    "Raffaele": ["Lello"],
}
_GENDER_PAIRS = {
    "ES": [("Mario", "María"), ("Antonio", "Antonia"), ("Juan", "Juana"), ("Daniel", "Daniela")],
    "IT": [
        ("Mario", "Maria"),
        ("Francesco", "Francesca"),
        ("Giulio", "Giulia"),
        ("Carlo", "Carla"),
    ],
}
_ES_ROLES = ["info", "ventas", "comercial", "administracion", "contacto", "oficina", "hola"]
_CA_ROLES = ["info", "comercial", "administracio", "vendes"]
_IT_ROLES = ["info", "amministrazione", "commerciale", "ufficio", "vendite", "contatti"]
_ES_ACTIVITIES = "Construcciones Talleres Muebles Transportes Reformas Distribuciones Asesoría Hostelería Climatización Electricidad".split()
_IT_ACTIVITIES = "Costruzioni Officina Mobili Trasporti Impianti Distribuzione Studio Ristorazione Ceramiche Serramenti".split()
_ES_SUFFIXES = [("SL", ["S.L.", "S.L", "sl", ", S.L."]), ("SA", ["S.A.", "sa", ", S.A."])]
_IT_SUFFIXES = [("Srl", ["S.r.l.", "SRL", "s.r.l."]), ("SpA", ["S.p.A.", "SPA"])]


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _same_given(a: str, b: str) -> bool:
    """Whether two first names could be one (a nickname, another language's form)."""
    return _similar(name_tokens(a)[0], name_tokens(b)[0]) > 0


def _slug(text: str) -> str:
    return "".join(ch for ch in _strip_accents(text).lower() if ch.isalnum())


@dataclass
class EvalSet:
    """A register and the leads to match against it.

    Attributes
    ----------
    partners : list of dict
        ``id``, ``name`` (people) or ``is_company`` + ``name`` (companies),
        ``email``, ``phone``, ``parent_id``, ``country_code``: as they would be
        stored in ``res.partner`` (ids are 1..n in creation order; a contact's
        company comes before it).
    leads : list of dict
        ``kind``, ``expected`` (partner id or ``None``) and ``incoming``: the
        JSON API body (``contact_name``, ``partner_name``, ``email``,
        ``phone``, ``country_code``); near misses also ``review``, the
        partner id to offer for review.
    """

    partners: list[dict[str, Any]] = field(default_factory=list)
    leads: list[dict[str, Any]] = field(default_factory=list)


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.set = EvalSet()
        self.serial = 0
        self.phones: set[str] = set()

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def partner(self, **values: Any) -> dict[str, Any]:
        record = {"id": len(self.set.partners) + 1, **values}
        self.set.partners.append(record)
        return record

    def phone(self, country: str, kind: str) -> tuple[str, str]:
        """(stored "+34 931 234 567", national "931234567") of a new unique number."""
        rng = self.rng
        while True:
            if country == "ES":
                national = (
                    f"6{rng.randrange(10**8):08d}"
                    if kind == "mobile"
                    else f"9{rng.choice('1345678')}{rng.randrange(10**7):07d}"
                )
                stored = f"+34 {national[:3]} {national[3:6]} {national[6:]}"
            else:
                national = (
                    f"3{rng.choice('234789')}{rng.randrange(10**8):08d}"
                    if kind == "mobile"
                    else f"0{rng.choice('26')}{rng.randrange(10**7):07d}"
                )
                stored = f"+39 {national[:3]} {national[3:]}"
            if national not in self.phones:
                self.phones.add(national)
                return stored, national

    def person_name(self, country: str, given: str | None = None) -> tuple[str, str, str | None]:
        rng = self.rng
        if country == "ES":
            pool = _CA_GIVEN if rng.random() < 0.25 else _ES_GIVEN
            first = given or rng.choice(pool)
            s1, s2 = rng.sample(_ES_SURNAMES, 2)
            return first, s1, s2
        first = given or rng.choice(_IT_GIVEN)
        return first, rng.choice(_IT_SURNAMES).replace("_", " "), None

    def lead(
        self, kind: str, expected: int | None, *, review: int | None = None, **incoming: Any
    ) -> None:
        body = {k: v for k, v in incoming.items() if v}
        lead = {"kind": kind, "expected": expected, "incoming": body}
        if review is not None:
            lead["review"] = review
        self.set.leads.append(lead)


def _full(first: str, s1: str, s2: str | None) -> str:
    return " ".join(p for p in (first, s1, s2) if p)


def _phone_variant(rng: random.Random, stored: str, country: str) -> str:
    digits = stored.replace(" ", "")
    cc, national = digits[:3], digits[3:]
    style = rng.randrange(5)
    if style == 0:
        return f"00{cc[1:]}{national}"
    if style == 1:
        return f"00 {cc[1:]} {national[:3]} {national[3:]}"
    if style == 2:
        return f"({cc}) {national[:3]}.{national[3:6]}.{national[6:]}"
    if style == 3:
        return f"{cc} {national} ext. {rng.randrange(10, 999)}"
    return f"{national[:3]} {national[3:]} int. {rng.randrange(1, 99)}"


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:  # transposition
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :]  # deletion


def _gmail_variant(rng: random.Random, local: str) -> str:
    plain = local.replace(".", "")
    style = rng.randrange(4)
    if style == 0:
        cut = rng.randrange(1, len(plain))
        return f"{plain[:cut]}.{plain[cut:]}@gmail.com"
    if style == 1:
        return f"{local}+{rng.choice(['news', 'shop', 'crm', 'promo'])}@gmail.com"
    if style == 2:
        return f"{local}@googlemail.com"
    return f"{plain.upper()}+web@GoogleMail.com"


def generate(seed: int = 16, contacts: int = 3000, per_kind: int = 80) -> EvalSet:
    """Build the evaluation set (deterministic for ``seed``).

    Parameters
    ----------
    seed : int
    contacts : int
        Approximate number of partners in the register.
    per_kind : int
        Leads per kind (fewer when the register has too few fitting contacts).
    """
    b = _Builder(seed)
    rng = b.rng
    people: list[dict[str, Any]] = []  # people with their parts, for the leads
    companies: list[dict[str, Any]] = []
    households: list[tuple[dict[str, Any], dict[str, Any]]] = []

    # companies with 1-3 contacts; one in two has a contact holding the shared box
    n_companies = max(contacts // 12, 10)
    for _ in range(n_companies):
        country = "ES" if rng.random() < 0.65 else "IT"
        activity = rng.choice(_ES_ACTIVITIES if country == "ES" else _IT_ACTIVITIES)
        owner = rng.choice(_ES_SURNAMES if country == "ES" else _IT_SURNAMES).replace("_", " ")
        suffix, variants = rng.choice(_ES_SUFFIXES if country == "ES" else _IT_SUFFIXES)
        serial = b.next_serial()
        base = f"{activity} {owner} {serial}"
        domain = f"{_slug(activity)}{_slug(owner)}{serial}.{country.lower()}"
        role = rng.choice(
            (_CA_ROLES if rng.random() < 0.3 else _ES_ROLES) if country == "ES" else _IT_ROLES
        )
        office, _nat = b.phone(country, "landline")
        holder_has_box = rng.random() < 0.6
        company = b.partner(
            is_company=True,
            name=f"{base} {suffix}",
            email=None if holder_has_box and rng.random() < 0.5 else f"{role}@{domain}",
            phone=office,
            country_code=country,
        )
        info = {
            "record": company,
            "base": base,
            "variants": variants,
            "domain": domain,
            "role": f"{role}@{domain}",
            "country": country,
            "holder": None,
            "staff": [],
        }
        for index in range(rng.randint(1, 3)):
            first, s1, s2 = b.person_name(country)
            email = f"{_slug(first)}.{_slug(s1)}@{domain}"
            if index == 0 and holder_has_box:
                email = info["role"]
            mobile, _nat = b.phone(country, "mobile")
            contact = b.partner(
                name=_full(first, s1, s2),
                email=email,
                phone=mobile,
                parent_id=company["id"],
                country_code=country,
            )
            person = {"record": contact, "parts": (first, s1, s2), "country": country}
            info["staff"].append(person)
            if email == info["role"]:
                info["holder"] = person
        companies.append(info)

    # households: two registered members sharing a landline
    for _ in range(max(contacts // 15, 5)):
        country = "ES" if rng.random() < 0.6 else "IT"
        landline, _nat = b.phone(country, "landline")
        first, s1, s2 = b.person_name(country)
        members = []
        for given in (first, None):
            g, _s1, _s2 = b.person_name(country, given)
            while members and _same_given(g, members[0]["parts"][0]):
                g, _s1, _s2 = b.person_name(country)
            serial = b.next_serial()
            record = b.partner(
                name=_full(g, s1, s2),
                email=f"{_slug(g)}{_slug(s1)}{serial}@{rng.choice(['gmail.com', 'hotmail.com', 'libero.it', 'telefonica.net'])}",
                phone=landline,
                country_code=country,
            )
            members.append({"record": record, "parts": (g, s1, s2), "country": country})
        households.append((members[0], members[1]))

    # individuals
    while len(b.set.partners) < contacts:
        country = "ES" if rng.random() < 0.65 else "IT"
        first, s1, s2 = b.person_name(country)
        serial = b.next_serial()
        provider = rng.choice(
            ["gmail.com", "gmail.com", "hotmail.com", "outlook.com", "icloud.com", "yahoo.es"]
            if country == "ES"
            else ["gmail.com", "gmail.com", "libero.it", "hotmail.it", "icloud.com", "virgilio.it"]
        )
        sep = rng.choice([".", "", "_"])
        local = f"{_slug(first)}{sep}{_slug(s1)}{serial}"
        phone, _nat = b.phone(country, "mobile" if rng.random() < 0.6 else "landline")
        record = b.partner(
            name=_full(first, s1, s2),
            email=f"{local}@{provider}",
            phone=phone,
            country_code=country,
        )
        people.append({"record": record, "parts": (first, s1, s2), "country": country})

    _leads(b, people, companies, households, per_kind)
    return b.set


def _leads(
    b: _Builder,
    people: list[dict[str, Any]],
    companies: list[dict[str, Any]],
    households: list[tuple[dict[str, Any], dict[str, Any]]],
    per_kind: int,
) -> None:
    rng = b.rng

    def sample(pool: list[Any], predicate: Callable[[Any], bool] = lambda _p: True) -> list[Any]:
        fitting = [p for p in pool if predicate(p)]
        return rng.sample(fitting, min(per_kind, len(fitting)))

    def email_of(p: dict[str, Any]) -> str:
        return p["record"]["email"]

    for p in sample(people):
        first, s1, s2 = p["parts"]
        b.lead(
            "case_accents",
            p["record"]["id"],
            contact_name=_strip_accents(_full(first, s1, s2)).upper(),
            email=email_of(p).upper(),
            country_code=p["country"],
        )
    for p in sample(people):
        first, s1, s2 = p["parts"]
        b.lead(
            "swapped_names",
            p["record"]["id"],
            contact_name=f"{_full('', s1, s2).strip()}, {first}",
            email=email_of(p),
            country_code=p["country"],
        )
    for p in sample(people, lambda p: len(p["parts"][1]) >= 5):
        first, s1, s2 = p["parts"]
        b.lead(
            "typos",
            p["record"]["id"],
            contact_name=_full(first, _typo(rng, s1), s2),
            email=email_of(p),
            country_code=p["country"],
        )
    for c in sample(companies, lambda c: c["record"]["email"]):
        b.lead(
            "company_suffix",
            c["record"]["id"],
            partner_name=f"{c['base'].upper()} {rng.choice(c['variants'])}".replace(" ,", ","),
            email=c["record"]["email"],
            country_code=c["country"],
        )
    for p in sample(people):
        first, s1, s2 = p["parts"]
        b.lead(
            "phone_formats",
            p["record"]["id"],
            contact_name=_full(first, s1, s2),
            phone=_phone_variant(rng, p["record"]["phone"], p["country"]),
            country_code=p["country"],
        )
    for p in sample(people, lambda p: email_of(p).endswith("@gmail.com")):
        first, s1, s2 = p["parts"]
        b.lead(
            "gmail_variants",
            p["record"]["id"],
            contact_name=_full(first, s1, s2 if rng.random() < 0.5 else None),
            email=_gmail_variant(rng, email_of(p).split("@")[0]),
            country_code=p["country"],
        )
    for p in sample(
        people,
        lambda p: (
            email_of(p).split("@")[1] in ("hotmail.com", "outlook.com", "icloud.com", "hotmail.it")
        ),
    ):
        first, s1, s2 = p["parts"]
        local, domain = email_of(p).split("@")
        b.lead(
            "plus_tag",
            p["record"]["id"],
            contact_name=_full(first, s1, s2),
            email=f"{local}+{rng.choice(['tienda', 'negozio', 'web'])}@{domain}",
            country_code=p["country"],
        )
    for p in sample(people, lambda p: p["parts"][0] in _NICKS):
        first, s1, s2 = p["parts"]
        evidence = {"phone": p["record"]["phone"]} if rng.random() < 0.5 else {"email": email_of(p)}
        b.lead(
            "nicknames",
            p["record"]["id"],
            contact_name=_full(rng.choice(_NICKS[first]), s1, s2 if rng.random() < 0.6 else None),
            country_code=p["country"],
            **evidence,
        )
    for p in sample(people):
        first, s1, s2 = p["parts"]
        initial = rng.choice("ABCDEFGJLMPRS")
        b.lead(
            "middle_initial",
            p["record"]["id"],
            contact_name=_full(f"{first} {initial}.", s1, s2),
            phone=p["record"]["phone"],
            country_code=p["country"],
        )
    for p in sample(people, lambda p: p["parts"][2]):
        first, s1, _s2 = p["parts"]
        b.lead(
            "second_surname",
            p["record"]["id"],
            contact_name=_full(first, s1, None),
            phone=p["record"]["phone"],
            email=email_of(p) if rng.random() < 0.3 else None,
            country_code=p["country"],
        )
    for c in sample(companies, lambda c: c["holder"]):
        first, s1, s2 = c["holder"]["parts"]
        b.lead(
            "role_mailbox_same",
            c["holder"]["record"]["id"],
            contact_name=_full(first, s1, s2 if rng.random() < 0.5 else None),
            email=c["role"].upper() if rng.random() < 0.3 else c["role"],
            partner_name=c["base"],
            country_code=c["country"],
        )
    for c in sample(companies, lambda c: c["holder"]):
        holder = c["holder"]["parts"]
        first, s1, s2 = b.person_name(c["country"])
        while _same_given(first, holder[0]) or _slug(s1) == _slug(holder[1]):
            first, s1, s2 = b.person_name(c["country"])
        b.lead(
            "role_mailbox_colleague",
            c["record"]["id"],
            contact_name=_full(first, s1, s2),
            email=c["role"],
            partner_name=c["base"] if rng.random() < 0.5 else None,
            country_code=c["country"],
        )
    for _first, other in sample(households):
        first, s1, s2 = other["parts"]
        b.lead(
            "household_member",
            other["record"]["id"],
            contact_name=_full(first, s1, s2 if rng.random() < 0.5 else None),
            phone=other["record"]["phone"],
            country_code=other["country"],
        )
    landline_people = [p for p in people if p["record"]["phone"][4] in "09"]
    for p in sample(landline_people):
        first, s1, s2 = p["parts"]
        relative, _a, _b = b.person_name(p["country"])
        while _same_given(relative, first):
            relative, _a, _b = b.person_name(p["country"])
        b.lead(
            "family_landline",
            None,
            contact_name=_full(relative, s1, s2),
            phone=_phone_variant(rng, p["record"]["phone"], p["country"])
            if rng.random() < 0.3
            else p["record"]["phone"],
            country_code=p["country"],
        )
    for _ in range(per_kind):
        country = "ES" if rng.random() < 0.6 else "IT"
        him, her = rng.choice(_GENDER_PAIRS[country])
        _f, s1, s2 = b.person_name(country)
        landline, _nat = b.phone(country, "landline")
        registered = b.partner(
            name=_full(him, s1, s2),
            phone=landline,
            country_code=country,
            email=f"{_slug(him)}{_slug(s1)}{b.next_serial()}@gmail.com",
        )
        if rng.random() < 0.5:
            registered["name"] = _full(her, s1, s2)
            her = him
        b.lead(
            "gender_pair",
            None,
            contact_name=_full(her, s1, s2),
            phone=landline,
            country_code=country,
        )
    for p in sample(people):
        first, s1, s2 = p["parts"]
        other_phone, _nat = b.phone(p["country"], "mobile")
        b.lead(
            "namesake",
            None,
            contact_name=_full(first, s1, s2),
            email=f"{_slug(first)}{_slug(s2 or s1)}{b.next_serial()}@{rng.choice(['gmail.com', 'yahoo.es', 'libero.it'])}",
            phone=other_phone,
            country_code=p["country"],
        )
    for c in sample(companies):
        first, s1, s2 = b.person_name(c["country"])
        while any(_same_given(first, s["parts"][0]) for s in c["staff"]):
            first, s1, s2 = b.person_name(c["country"])
        b.lead(
            "colleague_domain",
            None,
            contact_name=_full(first, s1, s2),
            email=f"{_slug(first)}.{_slug(s1)}@{c['domain']}",
            country_code=c["country"],
        )
    for p in sample(people, lambda p: email_of(p).endswith("@gmail.com")):
        first, s1, s2 = p["parts"]
        local = email_of(p).split("@")[0].replace(".", "")
        b.lead(
            "other_gmail",
            None,
            contact_name=_full(rng.choice(_IT_GIVEN + _ES_GIVEN), s1, None),
            email=f"{local}{rng.randrange(2, 9)}@gmail.com",
            country_code=p["country"],
        )
    # near misses, generated last so that the kinds above stay as they were
    staff = [(c, p) for c in companies for p in c["staff"]]
    for c, p in sample(staff):
        first, s1, s2 = p["parts"]
        b.lead(
            "review_new_mailbox",
            None,
            review=p["record"]["id"],
            contact_name=_full(first, s1, s2 if rng.random() < 0.6 else None),
            partner_name=f"{c['base']} {rng.choice(c['variants'])}".replace(" ,", ","),
            email=f"{_slug(first)}{_slug(s1)}{b.next_serial()}@{rng.choice(['gmail.com', 'hotmail.com', 'libero.it'])}",
            country_code=c["country"],
        )
    for c, p in sample(staff, lambda cp: cp[1]["record"]["email"] != cp[0]["role"]):
        first, s1, s2 = p["parts"]
        b.lead(
            "review_domain_alias",
            None,
            review=p["record"]["id"],
            contact_name=_full(first, s1, s2),
            email=f"{_slug(first)[0]}{_slug(s1)}{b.next_serial()}@{c['domain']}",
            country_code=c["country"],
        )


@dataclass
class KindScore:
    """Counts and figures of one kind (or of all)."""

    leads: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when nothing was linked."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when nothing was to be linked (negative kinds)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score(
    leads: list[Mapping[str, Any]],
    predicted: list[int | None],
    reviewed: list[int | None] | None = None,
) -> dict[str, KindScore]:
    """Precision and recall per kind and ``"overall"``.

    A link to the expected partner is a true positive; a link to any other
    partner a false positive (and a false negative when a partner was expected);
    no link where one was expected a false negative.

    Near misses (leads with ``review``) are right when they are not linked and
    ``reviewed`` (the partner first offered for review, per lead) is that
    partner: a true positive; a link is a false positive; no link and no such
    review entry a false negative. Without ``reviewed`` they count as negatives.
    """
    result: dict[str, KindScore] = {}
    reviewed = reviewed if reviewed is not None else [None] * len(leads)
    for lead, got, offered in zip(leads, predicted, reviewed, strict=True):
        for key in (lead["kind"], "overall"):
            stats = result.setdefault(key, KindScore())
            stats.leads += 1
            expected = lead["expected"]
            if lead.get("review") is not None:
                hit = got is None and offered == lead["review"]
                stats.tp += hit
                stats.fp += got is not None
                stats.fn += got is None and not hit
            elif got is not None and got == expected:
                stats.tp += 1
            else:
                stats.fp += got is not None
                stats.fn += expected is not None
    return result


def report(scores: Mapping[str, KindScore]) -> str:
    """A table of the scores, one line per kind."""
    lines = [
        f"{'kind':<24} {'leads':>5} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7}"
    ]
    for kind in (*[k for k in KINDS if k in scores], "overall"):
        s = scores[kind]
        lines.append(
            f"{kind:<24} {s.leads:>5} {s.tp:>4} {s.fp:>4} {s.fn:>4} {s.precision:>9.3f} {s.recall:>7.3f}"
        )
    return "\n".join(lines)
