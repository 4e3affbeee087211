"""Contact details found in e-mail bodies: :func:`extract_contact_from_text`,
:func:`html_to_text`.

Part of :mod:`crm_engine.normalize`, which re-exports its public names.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import phonenumbers

from .data import _PARTICLES, LEGAL_SUFFIXES
from .domains import company_domain, is_free_mail_domain, region_from_domain, website_domain
from .emails import normalize_email
from .names import _letters, _split_legal_suffix, company_key, normalize_company, normalize_name
from .phones import normalize_country_code

_BLOCK_TAGS = frozenset(
    "address article blockquote br dd div dl dt footer h1 h2 h3 h4 h5 h6 header hr li ol p "
    "pre section table td th tr ul".split()
)
_SKIP_TAGS = frozenset({"script", "style", "head", "title"})
_QUOTE_CLASSES = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix")
_VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())


class _TextExtractor(HTMLParser):
    """HTML -> text with line breaks for block tags; quoted parts dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip: list[str] = []  # stack of tags whose content is skipped

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            if tag not in _VOID_TAGS:
                self._skip.append(tag)
            return
        attributes = {key: value or "" for key, value in attrs}
        quoted = (
            tag == "blockquote"
            or any(cls in attributes.get("class", "") for cls in _QUOTE_CLASSES)
            or attributes.get("id", "") in {"divRplyFwdMsg", "appendonsend"}
        )
        if tag in _SKIP_TAGS or quoted:
            if tag not in _VOID_TAGS:
                self._skip.append(tag)
            return
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag in self._skip:
                while self._skip and self._skip.pop() != tag:
                    pass
            return
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Return the visible text of an HTML fragment, one block per line.

    Script, style and quoted-reply blocks (``<blockquote>``, Gmail/Outlook
    quote containers) are dropped; entities are decoded.
    """
    return _html_to_text(html)[0]


def _html_to_text(html: str) -> tuple[str, list[str]]:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(lines), parser.links


_HTML_RE = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*\b[^>]*|/[a-zA-Z][a-zA-Z0-9]*\s*)>")
_REPLY_HEADER_RE = re.compile(
    r"^(?:on\b.*\bwrote:|el\b.*\bescribi[oó]:|le\b.*\ba [ée]crit\s?:|am\b.*\bschrieb.*:"
    r"|il\b.*\bha scritto:|-{2,}\s*(?:original message|mensaje original|message d'origine"
    r"|ursprüngliche nachricht|messaggio originale)\s*-{2,})\s*$",
    re.IGNORECASE,
)
_VALEDICTION_RE = re.compile(
    r"^(?:best|best regards|kind regards|warm regards|regards|many thanks|thanks|thank you"
    r"|cheers|sincerely|yours sincerely|saludos|un saludo|saludos cordiales|atentamente"
    r"|cordialement|bien cordialement|bien à vous|mit freundlichen grüßen|mit freundlichen grüssen"
    r"|viele grüße|beste grüße|un saluto|cordiali saluti|distinti saluti|saluti"
    r"|salutacions|una salutació|cordialment|atentament|salut)\s*[,.!]?$",
    re.IGNORECASE,
)
_PHONE_LABEL_RE = re.compile(
    r"\b(?:tel|tél|telf|tfno|tlf|tlfn|phone|ph|fon|telefon|teléfono|telèfon|telefono|mob|mobile"
    r"|móvil|movil|mòbil|cell|cellulare|portable|handy|fax)\b",
    re.IGNORECASE,
)
_MOBILE_LABEL_RE = re.compile(
    r"\b(?:mob|mobile|móvil|movil|mòbil|cell|cellulare|portable|handy)\b", re.IGNORECASE
)
_FAX_LABEL_RE = re.compile(r"\bfax\b", re.IGNORECASE)
_URL_RE = re.compile(
    r"(?<![@\w.-])(?:https?://[^\s<>\"')]+|www\.[^\s<>\"')]+|"
    r"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9][a-z0-9-]*)*\.(?:com|net|org|es|cat|eu|fr|it|de|co\.uk"
    r"|uk|io|co|us|pt|nl|be|ch|at|biz|info)\b(?:/[^\s<>\"')]*)?)(?![@\w-])",
    re.IGNORECASE,
)
_EMAIL_RE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_NAME_WORD_RE = re.compile(r"^[^\W\d_][\w'’.-]*$", re.UNICODE)
_MAX_SIGNATURE_LINES = 10


def _strip_quoted(lines: list[str]) -> list[str]:
    """Drop quoted reply text: ``>`` lines and everything after a reply header."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(">"):
            continue
        two_lines = f"{stripped} {lines[index + 1].strip()}" if index + 1 < len(lines) else ""
        if _REPLY_HEADER_RE.match(stripped) or (
            stripped.lower().startswith("on ") and _REPLY_HEADER_RE.match(two_lines)
        ):
            break
        kept.append(line.rstrip())
    return kept


def _signature(lines: list[str]) -> list[str]:
    """Return the signature lines (without the delimiter or valediction)."""
    start = None
    for index, line in enumerate(lines):
        if line in ("-- ", "--") or _VALEDICTION_RE.match(line.strip()):
            start = index + 1
    if start is None:
        labelled = [i for i, line in enumerate(lines) if _PHONE_LABEL_RE.search(line)]
        if not labelled:
            return []
        # the block of non-empty lines around the first labelled phone line
        start = labelled[0]
        while start > 0 and lines[start - 1].strip():
            start -= 1
    sig = [line.strip() for line in lines[start:] if line.strip()]
    return sig[:_MAX_SIGNATURE_LINES]


def _looks_like_name(line: str) -> bool:
    words = line.replace(",", " ").split()
    if not 2 <= len(words) <= 4 or len(line) > 60 or _VALEDICTION_RE.match(line):
        return False
    if not all(_NAME_WORD_RE.match(w) for w in words):
        return False
    significant = [w for w in words if w.lower() not in _PARTICLES]
    return all(w[:1].isupper() for w in significant)


def _looks_like_company(line: str, domain: str | None) -> bool:
    if not line or len(line) > 80 or "@" in line or _PHONE_LABEL_RE.search(line):
        return False
    tokens = line.split()
    if _split_legal_suffix(tokens)[1] and any(
        _letters(t) in LEGAL_SUFFIXES or len(_letters(t)) <= 1 for t in tokens[1:]
    ):
        return True
    if domain:
        label = domain.split(".")[0].replace("-", "")
        key = company_key(line).replace(" ", "")
        return len(key) >= 3 and (key == label or (len(label) >= 4 and label in key))
    return False


def _phone_kind(line: str, start: int) -> str:
    """``"mobile"``, ``"fax"`` or ``"phone"`` from the last label before ``start``."""
    labels = list(_PHONE_LABEL_RE.finditer(line, 0, start))
    label = labels[-1].group(0) if labels else ""
    if _MOBILE_LABEL_RE.fullmatch(label):
        return "mobile"
    return "fax" if _FAX_LABEL_RE.fullmatch(label) else "phone"


def _phones(text: str, region: str | None) -> list[tuple[str, str]]:
    """``(e164, kind)`` pairs for numbers found in ``text``, in order.

    ``kind`` is ``"mobile"``, ``"fax"`` or ``"phone"`` after the label that
    precedes the number on its line (``"Tel. 93 ... | Mob. 600 ..."``).
    """
    found: list[tuple[str, str]] = []
    for line in text.splitlines():
        try:
            matches = list(phonenumbers.PhoneNumberMatcher(line, region))
        except Exception:  # the matcher must never break extraction
            continue
        for match in matches:
            e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            found.append((e164, _phone_kind(line, match.start)))
    return found


def extract_contact_from_text(body: Any, country_code: str | None = None) -> dict[str, Any]:
    """Extract contact details from an e-mail body and its signature.

    HTML bodies are converted to text with :mod:`html.parser`. Quoted reply
    text (lines starting with ``>``, ``"On ... wrote:"`` headers and what
    follows them, ``<blockquote>``) is ignored. The signature starts after
    the last ``"-- "`` line or valediction (``"Best regards"``,
    ``"Saludos"``, ``"Cordialement"``, ``"Mit freundlichen Grüßen"``,
    ``"Un saluto"``...), or else at the block holding a ``Tel``/``Phone``/
    ``Mob``/``Tlf`` line.

    Parameters
    ----------
    body : str
        Plain-text or HTML e-mail body.
    country_code : str, optional
        Default region for national phone numbers. When missing (or
        invalid), the country TLD of the website/e-mail domain found in the
        signature is used (``acme.es`` -> ``ES``).

    Returns
    -------
    dict
        ``contact_name``, ``company_name``, ``email``, ``phone``, ``mobile``,
        ``website``, ``domain`` (``None`` when not found), plus ``phones``
        and ``emails`` (lists of every distinct value, signature first).
        Phones are E.164. ``company_name`` maps to ``crm.lead.partner_name``.
        Never raises.
    """
    result: dict[str, Any] = {
        "contact_name": None,
        "company_name": None,
        "email": None,
        "phone": None,
        "mobile": None,
        "website": None,
        "domain": None,
        "phones": [],
        "emails": [],
    }
    if not isinstance(body, str) or not body.strip():
        return result
    links: list[str] = []
    text = body
    if _HTML_RE.search(body):
        text, links = _html_to_text(body)
    lines = _strip_quoted(text.replace("\r\n", "\n").replace("\r", "\n").splitlines())
    signature = _signature(lines)
    sig_text = "\n".join(signature)
    all_text = "\n".join(lines)

    emails: list[str] = []
    for candidate in (
        _EMAIL_RE.findall(sig_text)
        + _EMAIL_RE.findall(all_text)
        + [
            link[len("mailto:") :].split("?")[0]
            for link in links
            if link.lower().startswith("mailto:")
        ]
    ):
        try:
            email = normalize_email(candidate)
        except ValueError:
            continue
        if email not in emails:
            emails.append(email)
    result["emails"] = emails
    result["email"] = emails[0] if emails else None

    website = None
    web_links = [link for link in links if link.lower().startswith(("http://", "https://"))]
    for candidate in _URL_RE.findall(sig_text) + web_links + _URL_RE.findall(all_text):
        candidate = candidate.rstrip(".,;:")
        try:
            domain = website_domain(candidate)
        except ValueError:
            continue
        if not is_free_mail_domain(domain):
            website = candidate
            result["domain"] = domain
            break
    result["website"] = website
    if result["domain"] is None:
        result["domain"] = next((d for d in map(company_domain, emails) if d is not None), None)

    try:
        region = normalize_country_code(country_code)
    except ValueError:
        region = None
    region = region or region_from_domain(result["domain"])
    tel_links = "\n".join(link[4:] for link in links if link.lower().startswith("tel:"))
    phones = _phones(sig_text, region) + _phones(tel_links, region) + _phones(all_text, region)
    ordered: list[str] = []
    for e164, kind in phones:
        if e164 in ordered:
            continue
        ordered.append(e164)
        if kind != "fax" and result[kind] is None:
            result[kind] = e164
    result["phones"] = ordered

    for index, line in enumerate(signature):
        if result["contact_name"] is None and index <= 1 and _looks_like_name(line):
            result["contact_name"] = normalize_name(line.strip(" ,"))
            continue
        if result["company_name"] is None and _looks_like_company(line, result["domain"]):
            result["company_name"] = normalize_company(line)
    return result
