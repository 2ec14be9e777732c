"""The catalogue's public pages: categories, the buyer's search, the
side-by-side comparison and an offer's page. No sign-in needed; a buyer (or
anyone not of the seller's firm) does not see who the seller is (direct
purchase hides names until the decision)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kraya.accounts.middleware import request_actor
from kraya.catalog import selectors
from kraya.catalog import web_selectors as pages
from kraya.catalog.forms import PARAM_PREFIX, CompareForm, SearchForm
from kraya.catalog.search import selectors as search
from kraya.core.errors import DomainError
from kraya.core.pages import public_page
from kraya.sellers.models import Segment

OFFERS_PER_PAGE = 50
RESULTS_PER_PAGE = 20

# Facet name (as `search_offers` names them) → the address parameter it sets.
FACET_PARAMETERS = {
    "category": "category",
    "mii_class": "mii_class",
    "segments": "segment",
    "segment": "segment",
    "delivery_state": "state",
    "seller_state": "seller_state",
    "gi": "gi",
    "gi_only": "gi",
}
# Parameters that may repeat in the address (several seller categories at once).
MULTIPLE = {"segment"}


@public_page
def catalogue_index(request: HttpRequest) -> HttpResponse:
    categories = selectors.categories_with_offer_counts()
    return render(request, "catalog/index.html", {"categories": categories})


@public_page
def category_detail(request: HttpRequest, code: str) -> HttpResponse:
    category = selectors.category_by_code(code=code)
    if category is None:
        raise Http404(code)
    paginator = Paginator(selectors.offers_in_category(category=category), OFFERS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/category.html",
        {
            "category": category,
            "page": page,
            "parameters": pages.spec_template(category=category),
        },
    )


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int
    url: str
    chosen: bool


@dataclass(frozen=True)
class Facet:
    name: str
    title: str
    links: list[FacetLink]


def _address(params: QueryDict, **changes: Any) -> str:
    """This search's address with `changes` (None removes a parameter) and
    without the cursor: a changed filter starts again at the first page."""
    query = params.copy()
    query.pop("cursor", None)
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query.setlist(name, value if isinstance(value, list) else [value])
    encoded = query.urlencode()
    return "?" + encoded if encoded else "?"


def _facet_parameter(name: str, golden_codes: set[str]) -> str | None:
    if name in FACET_PARAMETERS:
        return FACET_PARAMETERS[name]
    for prefix in ("param:", "params.", "param_", PARAM_PREFIX):
        if name.startswith(prefix) and name.removeprefix(prefix) in golden_codes:
            return PARAM_PREFIX + name.removeprefix(prefix)
    if name in golden_codes:
        return PARAM_PREFIX + name
    return None


FACET_TITLES: dict[str, Any] = {
    "category": gettext_lazy("Category"),
    "mii_class": gettext_lazy("Make in India class"),
    "segment": gettext_lazy("Seller category"),
    "state": gettext_lazy("Delivers to state"),
    "seller_state": gettext_lazy("Seller's state"),
    "gi": gettext_lazy("GI product"),
    "price_band": gettext_lazy("Price"),
}


def _rupees_text(paise: int) -> str:
    """Paise as the rupees a price box holds: 499999 → "4999.99", 100000 → "1000"."""
    rupees, rest = divmod(paise, 100)
    return f"{rupees}.{rest:02d}" if rest else str(rupees)


def _price_band_links(params: QueryDict, rows: list[Any]) -> list[FacetLink]:
    """A price band's value is "min..max" in paise (either end may be empty)."""
    links = []
    for value, label, count in rows:
        if not count:
            continue
        low, _sep, high = str(value).partition("..")
        price_min = _rupees_text(int(low)) if low and int(low) else None
        price_max = _rupees_text(int(high)) if high else None
        chosen = params.get("price_min") == price_min and params.get("price_max") == price_max
        url = (
            _address(params, price_min=None, price_max=None)
            if chosen
            else _address(params, price_min=price_min, price_max=price_max)
        )
        links.append(FacetLink(str(label), int(count), url, chosen))
    return links


def _facets(params: QueryDict, result: Any, golden: list[Any]) -> list[Facet]:
    """The result's facet counts as links that add (or, when chosen, remove)
    their filter, so filtering works without JavaScript."""
    golden_names = {parameter.code: parameter.display_name for parameter in golden}
    facets = []
    for name, rows in (result.facets or {}).items():
        if not rows:
            continue
        if name in ("price_band", "price"):
            facets.append(
                Facet(name, str(FACET_TITLES["price_band"]), _price_band_links(params, rows))
            )
            continue
        parameter = _facet_parameter(name, set(golden_names))
        if parameter is None:
            continue
        code = parameter.removeprefix(PARAM_PREFIX)
        title = golden_names.get(code) if parameter.startswith(PARAM_PREFIX) else None
        links = []
        for value, label, count in rows:
            value = str(value)
            if not count and value not in params.getlist(parameter):
                continue
            if parameter == "gi":
                value = "on" if value.lower() in ("true", "1", "on", "yes") else ""
                if not value:
                    continue
            current = params.getlist(parameter)
            chosen = value in current
            if parameter in MULTIPLE:
                kept = [v for v in current if v != value]
                url = _address(params, **{parameter: kept if chosen else [*current, value]})
            elif chosen:
                url = _address(params, **{parameter: None})
            else:
                url = _address(params, **{parameter: value})
            links.append(FacetLink(str(label), int(count), url, chosen))
        if links:
            facets.append(Facet(name, str(title or FACET_TITLES.get(parameter, name)), links))
    return facets


SEGMENT_TAGS = dict(Segment.choices)


@public_page
def search_page(request: HttpRequest) -> HttpResponse:
    """The buyer's search (CAT-5): one text box, filters and facet counts as
    links, sort, a typo correction notice and a cursor "next page"."""
    actor = request_actor(request)
    category = None
    if request.GET.get("category"):
        category = selectors.category_by_code(code=request.GET["category"])
    golden = pages.golden_parameters(category=category) if category is not None else []
    form = SearchForm(request.GET, golden=golden)
    result = None
    problem = ""
    if form.is_valid():
        try:
            result = search.search_offers(actor=actor, query=form.query(limit=RESULTS_PER_PAGE))
        except DomainError as error:
            problem = _problem_text(error)
    facets = _facets(request.GET, result, golden) if result is not None else []
    context = {
        "form": form,
        "category": category,
        "result": result,
        "problem": problem,
        "facets": facets,
        "chosen_facets": sum(link.chosen for facet in facets for link in facet.links),
        "next_url": (
            _address(request.GET, cursor=result.next_cursor)
            if result is not None and result.next_cursor
            else ""
        ),
        "segment_tags": SEGMENT_TAGS,
        "filter_fields": [name for name in form.fields if name not in ("q", "cursor", "segment")],
    }
    return render(request, "catalog/search.html", context)


def _problem_text(error: DomainError) -> str:
    """A refusal's own words: its field messages, or else its message."""
    texts = [str(message) for messages in error.fields.values() for message in messages]
    return " ".join(texts) or str(error.message)


@public_page
def compare_page(request: HttpRequest) -> HttpResponse:
    """2–3 offers of one category side by side, golden parameters aligned in
    rows, the lowest price marked."""
    # From the search page's checkboxes (offers=1&offers=2) or a link (offers=1,2).
    chosen = ",".join(part for part in request.GET.getlist("offers") if part)
    form = CompareForm({"offers": chosen} if "offers" in request.GET else None)
    comparison = None
    problem = ""
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                comparison = search.offers_for_compare(
                    actor=request_actor(request), offer_ids=form.offer_ids()
                )
            except DomainError as error:
                problem, status = _problem_text(error), 400
        else:
            problem, status = _("Choose two or three offers to compare."), 400
    context: dict[str, Any] = {"offers": comparison or [], "problem": problem}
    if comparison:
        context.update(_compare_rows(comparison))
    return render(request, "catalog/compare.html", context, status=status)


def _compare_rows(offers: list[Any]) -> dict[str, Any]:
    """The golden parameters as rows, one cell per offer, in the order the
    first offer lists them; the lowest price marked."""
    labels: dict[str, None] = {}
    for offer in offers:
        labels.update(dict.fromkeys(offer.golden or {}))
    lowest = min(offer.price_paise for offer in offers)
    return {
        "rows": [
            (label, [(offer.golden or {}).get(label, "—") for offer in offers]) for label in labels
        ],
        "lowest_price_paise": lowest,
        "offer_ids": ",".join(str(offer.offer_id) for offer in offers),
    }


@public_page
def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    """An offer: its product and specification, price history and (CAT-4)
    a price flag with the evidence."""
    actor = request_actor(request)
    detail = pages.offer_detail(actor=actor, offer_id=offer_id)
    return render(request, "catalog/offer.html", {"detail": detail})
