"""Display helpers shared by templates, PDFs and the API: which Babel locale a
language uses, IST date-times and Indian digit grouping for plain counts.

Pure Python (Babel, no Django), so rules and PDF renderers can use them too;
the template filters in `kraya.core.templatetags.kraya` pass the active language."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_datetime
from babel.numbers import format_decimal

from kraya.core.clock import IST, to_ist

DEFAULT_LOCALE = "en_IN"
# Kraya speaks English and Hindi, both as used in India: `en_IN` and `hi_IN`
# give ₹ and lakh/crore grouping (12,34,567).
_LOCALES = {"en": "en_IN", "hi": "hi_IN"}


def babel_locale(language: str | None) -> str:
    """The Babel locale for a Django language code (`hi`, `hi-in`, `en`, ...)."""
    if not language:
        return DEFAULT_LOCALE
    base = language.replace("-", "_").split("_", 1)[0].lower()
    return _LOCALES.get(base, DEFAULT_LOCALE)


def language_base(language: str | None) -> str:
    """`hi` or `en`: the language whose words (lakh/लाख) a summary uses."""
    return babel_locale(language).split("_", 1)[0]


def format_ist(moment: dt.datetime, *, language: str | None = None) -> str:
    """An aware datetime as Indian time, e.g. `22 Nov 2026, 14:05 IST`.

    Month names follow the language (`22 नव॰ 2026, 14:05 IST` in Hindi); the
    24-hour clock and the `IST` label are the same in both, so times read the
    same on a bilingual order PDF."""
    local = to_ist(moment)
    text = format_datetime(local, "d MMM y, HH:mm", tzinfo=IST, locale=babel_locale(language))
    return f"{text} IST"


def format_count(number: int, *, language: str | None = None) -> str:
    """A plain count with Indian grouping: 1234567 → `12,34,567`."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError(f"format_count takes an int, not {type(number).__name__}")
    return format_decimal(number, locale=babel_locale(language))
