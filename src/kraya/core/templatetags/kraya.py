"""Display filters, in the active language: `{% load kraya %}`.

    {{ offer.price_paise|rupees }}        ₹12,34,567.00
    {{ total_paise|rupees_words }}        ₹2,584.47 crore / ₹2,584.47 करोड़
    {{ order.placed_at|ist }}             22 Nov 2026, 14:05 IST
    {{ seller_count|indian_number }}      12,34,567

Amounts are integer paise (or `Money`); an empty value (None or "") renders as
nothing. A float is refused with TypeError: it means paise were lost upstream."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language

from kraya.core.display import format_count, format_ist, state_name
from kraya.core.money import Money, format_rupees, format_rupees_words

register = template.Library()


def _paise(value: Any) -> Money | int:
    if isinstance(value, Money) or type(value) is int:
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        # Database aggregates (Sum) may come back as an integral Decimal.
        return int(value)
    raise TypeError(f"expected integer paise or Money, not {type(value).__name__}: {value!r}")


def _empty(value: Any) -> bool:
    return value is None or value == ""


@register.filter
def rupees(value: Any) -> str:
    """Paise → the full amount: `₹12,34,567.00`."""
    if _empty(value):
        return ""
    return format_rupees(_paise(value), language=get_language())


@register.filter
def rupees_words(value: Any) -> str:
    """Paise → a summary in lakh/crore: `₹7.4 lakh`, `₹7.4 लाख`."""
    if _empty(value):
        return ""
    return format_rupees_words(_paise(value), language=get_language())


@register.filter
def ist(value: Any) -> str:
    """An aware datetime → Indian time: `22 Nov 2026, 14:05 IST`."""
    if _empty(value):
        return ""
    if not isinstance(value, dt.datetime):
        raise TypeError(f"ist expects an aware datetime, not {type(value).__name__}")
    return format_ist(value, language=get_language())


@register.filter
def indian_number(value: Any) -> str:
    """A plain count with Indian grouping: `12,34,567`."""
    if _empty(value):
        return ""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return format_count(value, language=get_language())


@register.filter
def state(value: Any) -> str:
    """A state's stored name in the reader's language: `उत्तर प्रदेश`."""
    if _empty(value):
        return ""
    return state_name(str(value), language=get_language())
