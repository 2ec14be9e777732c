"""Display filters of the catalogue pages: `{% load catalogue %}`.

{{ hit.title|hindi_or:hit.title_hi }}   the Hindi text on a Hindi page, when there is one
{{ hit.mii_class|mii_label }}           Class-I local supplier
{{ code|segment_label }}                Woman-owned
{{ offers|join_ids }}                   1,2,3
{{ hit.rating_hundredths|out_of_five }}  4.3 (ORD-9's seller rating; "" when unrated)"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language

from kraya.catalog.models import Product
from kraya.sellers.models import Segment

register = template.Library()

_MII = dict(Product.MiiClass.choices)
_SEGMENTS = dict(Segment.choices)


@register.filter
def hindi_or(english: Any, hindi: Any) -> Any:
    """`english`, or `hindi` when the page is in Hindi and `hindi` is not empty."""
    if hindi and (get_language() or "").startswith("hi"):
        return hindi
    return english


@register.filter
def mii_label(value: Any) -> Any:
    return _MII.get(value, value or "")


@register.filter
def segment_label(value: Any) -> Any:
    return _SEGMENTS.get(value, value or "")


@register.filter
def join_ids(values: Iterable[Any]) -> str:
    return ",".join(str(getattr(value, "offer_id", value)) for value in values)


@register.filter
def out_of_five(hundredths: Any) -> str:
    """ORD-9: a rating stored in hundredths (430) as shown, one decimal ("4.3")."""
    if hundredths is None or hundredths == "":
        return ""
    return str((Decimal(int(hundredths)) / 100).quantize(Decimal("0.1")))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """`mapping[key]` in a template, or "" when it is missing."""
    if mapping is None:
        return ""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def get_field(form: Any, name: str) -> Any:
    """The bound field `name` of `form` (for fields named at run time)."""
    return form[name]
