"""Offers as search shows them (CAT-5): who may see the seller, golden
values named in the active language, and the side-by-side comparison."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from kraya.accounts.selectors import Actor
from kraya.catalog.models import SpecParameter
from kraya.catalog.search import facets, rules
from kraya.catalog.search.models import OfferDocument
from kraya.catalog.search.types import OfferHit, refuse
from kraya.catalog.selectors import may_see_seller
from kraya.core.errors import NotFound

HIT_COLUMNS = (
    "offer_id, product_id, title, title_hi, brand, model, category_id, category_code,"
    " category_name, category_name_hi, price_paise, mrp_paise, lead_time_days, mii_class,"
    " gi_tag, seller_firm_id, seller_name, seller_state, segment_bits, price_flag,"
    " rating_hundredths, golden_specs"
)


# (index version prefix, category id) → (expires at, its golden parameters).
_GOLDEN_MEMO: dict[tuple[str, int], tuple[float, list[SpecParameter]]] = {}
_GOLDEN_MEMO_MAX = 5000


def _golden_labels(
    category_ids: set[int], known: list[SpecParameter]
) -> dict[int, list[SpecParameter]]:
    by_category: dict[int, list[SpecParameter]] = {}
    for parameter in known:
        by_category.setdefault(parameter.category_id, []).append(parameter)
    missing = category_ids - set(by_category)
    if not missing:
        return by_category
    # Remembered per index version for the cache's seconds, in this process's
    # memory: the parameters are model instances, and unpickling them from
    # the shared cache cost more than the query it saved. The version prefix
    # comes from the shared cache, so a change anywhere is seen at once.
    seconds = facets.cache_seconds()
    prefix = facets.cache_prefix() if seconds else ""
    now = time.monotonic()
    if seconds:
        for category in list(missing):
            remembered = _GOLDEN_MEMO.get((prefix, category))
            if remembered is not None and remembered[0] > now:
                if remembered[1]:
                    by_category[category] = remembered[1]
                missing.discard(category)
    if missing:
        found: dict[int, list[SpecParameter]] = {category: [] for category in missing}
        for parameter in SpecParameter.objects.filter(
            category_id__in=missing, is_golden=True
        ).order_by("position", "id"):
            found[parameter.category_id].append(parameter)
        by_category.update({c: parameters for c, parameters in found.items() if parameters})
        if seconds:
            if len(_GOLDEN_MEMO) > _GOLDEN_MEMO_MAX:
                _GOLDEN_MEMO.clear()
            expires = now + seconds
            _GOLDEN_MEMO.update(
                {(prefix, c): (expires, parameters) for c, parameters in found.items()}
            )
    return by_category


def golden_parameters(category_id: int) -> list[SpecParameter]:
    """A category's golden parameters, in order (remembered as above)."""
    return _golden_labels({category_id}, []).get(category_id, [])


def shown_value(parameter: SpecParameter, value: Any, *, hindi: bool | None = None) -> str:
    """A golden value as a buyer reads it: a choice's label, yes/no, a number
    with its unit. `hindi`: whether the active language is Hindi, if known."""
    text = "" if value is None else str(value)
    if parameter.kind == SpecParameter.Kind.CHOICE:
        if hindi is None:
            hindi = (translation.get_language() or "").startswith("hi")
        for choice in parameter.choices or []:
            if str(choice.get("value")) == text:
                return str(
                    choice.get("hi") if hindi and choice.get("hi") else choice.get("en") or text
                )
    if parameter.kind == SpecParameter.Kind.BOOLEAN:
        return _("Yes") if text == "true" else _("No") if text == "false" else text
    if parameter.kind == SpecParameter.Kind.NUMBER and parameter.unit and text:
        return f"{text} {parameter.unit}"
    return text


def hits_of(
    actor: Actor | None, rows: list[dict[str, Any]], known: list[SpecParameter]
) -> list[OfferHit]:
    """The hits of rows of the document table, golden values named."""
    labels = _golden_labels({int(row["category_id"]) for row in rows}, known)
    hindi = (translation.get_language() or "").startswith("hi")
    # Each parameter's name once a page, not once a hit.
    named = {
        category: [(parameter, parameter.display_name) for parameter in parameters]
        for category, parameters in labels.items()
    }
    return [
        _hit(actor, row, named.get(int(row["category_id"]), []), aligned=False, hindi=hindi)
        for row in rows
    ]


def _hit(
    actor: Actor | None,
    row: dict[str, Any],
    parameters: list[tuple[SpecParameter, str]],
    *,
    aligned: bool,
    hindi: bool | None = None,
) -> OfferHit:
    specs = row["golden_specs"]
    if isinstance(specs, str):  # SQLite hands JSON back as text
        specs = json.loads(specs)
    golden: dict[str, str] = {}
    for parameter, name in parameters:
        if parameter.code in specs:
            golden[name] = shown_value(parameter, specs[parameter.code], hindi=hindi)
        elif aligned:
            golden[name] = "—"
    visible = may_see_seller(actor, int(row["seller_firm_id"]))
    return OfferHit(
        offer_id=int(row["offer_id"]),
        product_id=int(row["product_id"]),
        title=row["title"],
        title_hi=row["title_hi"],
        brand=row["brand"],
        model=row["model"],
        category_code=row["category_code"],
        category_name=row["category_name"],
        category_name_hi=row["category_name_hi"],
        price_paise=int(row["price_paise"]),
        mrp_paise=int(row["mrp_paise"]),
        lead_time_days=int(row["lead_time_days"]),
        mii_class=row["mii_class"],
        gi_tag=row["gi_tag"],
        seller_name=row["seller_name"] if visible else None,
        seller_state=row["seller_state"],
        segments=tuple(rules.segments_in(int(row["segment_bits"]))),
        price_flag=row["price_flag"],
        rating_hundredths=row["rating_hundredths"],
        golden=golden,
        golden_specs=dict(specs),
        seller_firm_id=int(row["seller_firm_id"]) if visible else None,
    )


def offers_for_compare(*, actor: Actor | None, offer_ids: Sequence[int]) -> list[OfferHit]:
    """2–3 listed offers of one category, in the order asked, each with every
    golden parameter of the category in the same order ("—" where the
    product states none), for the side-by-side comparison."""
    ids = list(dict.fromkeys(int(i) for i in offer_ids))
    if not 2 <= len(ids) <= 3 or len(ids) != len(offer_ids):
        raise refuse([rules.Problem("offers", "search.compare_count")])
    documents = {
        doc["offer_id"]: doc
        for doc in OfferDocument.objects.filter(offer_id__in=ids).values(
            *[column.strip() for column in HIT_COLUMNS.split(",")]
        )
    }
    if len(documents) != len(ids):
        raise NotFound(code="search.offer_not_listed")
    categories = {doc["category_id"] for doc in documents.values()}
    if len(categories) != 1:
        raise refuse([rules.Problem("offers", "search.compare_categories_differ")])
    parameters = list(
        SpecParameter.objects.filter(category_id=categories.pop(), is_golden=True).order_by(
            "position", "id"
        )
    )
    named = [(parameter, parameter.display_name) for parameter in parameters]
    return [_hit(actor, documents[i], named, aligned=True) for i in ids]
