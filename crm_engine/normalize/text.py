"""Text helpers shared by the normalisers: type checks, white space, case folding.

Part of :mod:`crm_engine.normalize`, which re-exports its public names.
"""

from __future__ import annotations

import unicodedata
from typing import Any

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def _as_text(value: Any, kind: str) -> str:
    """Return ``value`` as a string; ``None``/``False`` give ``""``.

    Integers are accepted (phones imported from spreadsheets); anything else
    that is not a string raises ``ValueError("invalid <kind>: ...")``.
    """
    if value is None or value is False:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"invalid {kind}: expected text, got {type(value).__name__}")


def _shown(text: str, limit: int = 60) -> str:
    """Quote ``text`` for an error message, shortened to ``limit`` characters."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _fold(text: str) -> str:
    """Lower-case ``text`` and drop accents (``"Ñandú"`` -> ``"nandu"``)."""
    # compatibility forms first ("㎴" -> "pV"), then case, then accents
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def clean_text(value: Any) -> str:
    """Trim ``value`` and collapse runs of white space into one space.

    Control characters count as white space and zero-width characters are
    removed; the result is in Unicode NFC form.

    Parameters
    ----------
    value : str or None
        Any text; ``None`` and ``False`` give ``""``.

    Returns
    -------
    str

    Examples
    --------
    >>> clean_text("  Acme\\t\\n  Widgets ")
    'Acme Widgets'
    """
    text = _as_text(value, "text").translate(_ZERO_WIDTH)
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _is_single_case(text: str) -> bool:
    return text == text.lower() or text == text.upper()


def _capitalize(word: str) -> str:
    """Title-case the first character and lower-case the rest."""
    return word[:1].title() + word[1:].lower()
