"""The values search takes and gives (CAT-5), and its refusals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kraya.catalog.search import rules
from kraya.core.errors import DomainError


@dataclass(frozen=True)
class SearchQuery:
    """One search. `params` maps a golden parameter code of the chosen
    category to a choice value, "true"/"false", or a "min..max" number range.
    Several `segments` match a seller holding any of them. The cursor is the
    opaque `next_cursor` of the previous page."""

    text: str = ""
    category_code: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    price_min_paise: int | None = None
    price_max_paise: int | None = None
    delivery_state: str | None = None
    pincode: str | None = None
    segments: frozenset[str] = frozenset()
    mii_class: str | None = None
    gi_only: bool = False
    seller_state: str | None = None
    sort: str = rules.RELEVANCE
    cursor: str | None = None
    limit: int = rules.DEFAULT_LIMIT
    with_facets: bool = False


@dataclass(frozen=True)
class OfferHit:
    """One listed offer as search shows it. `seller_name` is None when this
    actor may not see who sells (buyers before the decision). `golden` maps a
    golden parameter's name (active language) to its shown value;
    `golden_specs` maps its code to the raw value."""

    offer_id: int
    product_id: int
    title: str
    title_hi: str
    brand: str
    model: str
    category_code: str
    category_name: str
    category_name_hi: str
    price_paise: int
    mrp_paise: int
    lead_time_days: int
    mii_class: str
    gi_tag: str
    seller_name: str | None
    seller_state: str
    segments: tuple[str, ...]
    price_flag: str
    rating_hundredths: int | None
    golden: dict[str, str]
    golden_specs: dict[str, Any]
    # ORD-9: links to the seller's rating; None, like `seller_name`, when hidden.
    seller_firm_id: int | None = None

    @property
    def display_title(self) -> str:
        return _in_language(self.title, self.title_hi)

    @property
    def display_category_name(self) -> str:
        return _in_language(self.category_name, self.category_name_hi)


# A facet row: (value to filter by, label in the active language, count).
FacetRow = tuple[str, str, int]


@dataclass(frozen=True)
class SearchResult:
    """A page of hits. `facets` is only filled when asked for; each count is
    computed with every other filter applied. `total` (offers matching every
    filter) and the facet counts are exact when `counts_exact`; over a very
    large match they are counted on its first `selectors.FACET_SCAN_LIMIT`
    offers only. `corrected_text` is the query as corrected for typos, when
    a correction was used."""

    hits: list[OfferHit]
    facets: dict[str, list[FacetRow]]
    next_cursor: str | None
    corrected_text: str | None
    total: int | None = None
    counts_exact: bool = True


def _in_language(english: str, hindi: str) -> str:
    if hindi and (translation.get_language() or "").startswith("hi"):
        return hindi
    return english


class SearchRefused(DomainError):
    """A search with an unreadable value: 400 with field messages."""

    code = "search.bad_query"
    status = 400
    default_message = _("Some search values could not be read.")


class BadSearchCursor(DomainError):
    code = "search.bad_cursor"
    status = 400
    default_message = _("This page link is not valid. Start again from the first page.")

    def __init__(self) -> None:
        super().__init__(fields={"cursor": [self.default_message]})


PROBLEM_MESSAGES: dict[str, Any] = {
    "search.text_too_long": _("Search for at most 200 characters."),
    "search.bad_sort": _("Choose one of the offered sort orders."),
    "search.bad_limit": _("Ask for 1 to 100 offers a page."),
    "search.bad_price": _("Enter a price of zero or more."),
    "search.price_range_inverted": _("The highest price is below the lowest."),
    "search.unknown_state": _("Choose a state or union territory of India."),
    "search.bad_pincode": _("Enter a 6-digit PIN code."),
    "search.unknown_segment": _("Choose seller categories from the list."),
    "search.unknown_mii_class": _("Choose a Make in India class from the list."),
    "search.unknown_category": _("There is no such category."),
    "search.params_need_category": _("Choose a category to filter on its parameters."),
    "search.unknown_parameter": _("This category has no such golden parameter."),
    "search.bad_parameter_value": _("This value is not one this parameter takes."),
    "search.compare_count": _("Choose two or three different offers to compare."),
    "search.compare_categories_differ": _("Offers of different categories cannot be compared."),
}


def refuse(problems: list[rules.Problem]) -> SearchRefused:
    fields: dict[str, list[Any]] = {}
    for problem in problems:
        fields.setdefault(problem.field, []).append(PROBLEM_MESSAGES[problem.code])
    # The first problem names the refusal; every problem is in `fields`.
    return SearchRefused(code=problems[0].code, fields=fields)
