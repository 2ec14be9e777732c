"""The search API under `/api/v1/search/` (CAT-5), public: anyone may search
the catalogue; a signed-in caller (session or API token) is known so that
operators see sellers' names and a seller its own. Buyers and anonymous
callers never see who sells.

`GET /offers` takes the fields of `SearchQuery` as query parameters:
`text`, `category_code`, `params.<golden parameter code>` (a choice value,
"true"/"false", or "min..max"), `price_min_paise`, `price_max_paise`,
`delivery_state`, `pincode`, `segments` (comma-separated or repeated),
`mii_class`, `gi_only`, `seller_state`, `sort`, `cursor`, `limit`,
`with_facets`. Every unreadable value is a 400 with a stable code and a
message per field. `GET /compare?offers=1,2,3` puts 2–3 offers of one
category side by side."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from kraya.accounts.models import User
from kraya.accounts.selectors import Actor, actor_for
from kraya.api.auth import api_token_auth, session_auth
from kraya.api.schemas import error_responses
from kraya.catalog.search import rules, selectors
from kraya.catalog.search.types import OfferHit, SearchQuery, SearchRefused

router = Router(tags=["search"])

_PARAMS_PREFIX = "params."
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


class _Anyone:
    """Lets an anonymous caller through (after a presented token or session
    has been checked: a wrong token is still a 401)."""

    def __call__(self, request: HttpRequest) -> Any:
        return True


PUBLIC_AUTH = [api_token_auth, session_auth, _Anyone()]


class OfferHitOut(Schema):
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
    segments: list[str]
    price_flag: str
    rating_hundredths: int | None
    golden: dict[str, str]
    golden_specs: dict[str, Any]


class FacetValueOut(Schema):
    value: str
    label: str
    count: int


class SearchOut(Schema):
    items: list[OfferHitOut]
    next_cursor: str | None
    corrected_text: str | None
    total: int | None
    counts_exact: bool
    facets: dict[str, list[FacetValueOut]]


class CompareOut(Schema):
    items: list[OfferHitOut]


def _actor(request: HttpRequest) -> Actor | None:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    return actor_for(
        user=user, token_membership_id=getattr(request, "api_token_membership_id", None)
    )


def _hit_out(hit: OfferHit) -> dict[str, Any]:
    return {**hit.__dict__, "segments": list(hit.segments)}


class _Reader:
    """Reads query parameters, collecting a message per unreadable field."""

    def __init__(self, request: HttpRequest) -> None:
        self.get = request.GET
        self.fields: dict[str, list[Any]] = {}

    def text(self, name: str) -> str:
        return self.get.get(name, "").strip()

    def optional_text(self, name: str) -> str | None:
        return self.text(name) or None

    def integer(self, name: str, default: int | None = None) -> int | None:
        raw = self.text(name)
        if not raw:
            return default
        if not raw.isdigit() or len(raw) > 18:
            self.fields.setdefault(name, []).append(_("Enter a whole number of zero or more."))
            return default
        return int(raw)

    def flag(self, name: str) -> bool:
        raw = self.text(name).lower()
        if raw in _TRUE:
            return True
        if raw not in _FALSE:
            self.fields.setdefault(name, []).append(_("Enter true or false."))
        return False

    def listed(self, name: str) -> frozenset[str]:
        return frozenset(
            part.strip()
            for raw in self.get.getlist(name)
            for part in raw.split(",")
            if part.strip()
        )


# Read by hand from the query string (so that every unreadable value is one
# 400 with field messages); declared here for the OpenAPI description.
_QUERY_PARAMETERS = (
    ("text", "string", "Words to find (English or Hindi); typos are corrected."),
    ("category_code", "string", "A category; its sub-categories are included."),
    ("params.<code>", "string", "A golden parameter of the category: value, true/false, min..max."),
    ("price_min_paise", "integer", "Lowest price, in paise."),
    ("price_max_paise", "integer", "Highest price, in paise."),
    ("delivery_state", "string", "Delivers to this state or union territory."),
    ("pincode", "string", "Delivers to this 6-digit PIN code."),
    ("segments", "string", "Seller segments, comma-separated or repeated (any of them)."),
    ("mii_class", "string", "CLASS_1, CLASS_2 or NON_LOCAL."),
    ("gi_only", "boolean", "GI-tagged products only."),
    ("seller_state", "string", "The seller firm's state."),
    ("sort", "string", "relevance, price_asc, price_desc, delivery or rating."),
    ("cursor", "string", "The `next_cursor` of the previous page."),
    ("limit", "integer", "Offers a page, 1 to 100 (default 20)."),
    ("with_facets", "boolean", "Also count facets."),
)
_OPENAPI = {
    "parameters": [
        {
            "name": name,
            "in": "query",
            "required": False,
            "schema": {"type": kind},
            "description": text,
        }
        for name, kind, text in _QUERY_PARAMETERS
    ],
    # Added to the token and session schemes: anonymous callers are welcome too.
    "security": [{}],
}


@router.get(
    "/offers",
    auth=PUBLIC_AUTH,
    response={200: SearchOut, **error_responses(400, 401)},
    summary="Search the catalogue's listed offers",
    openapi_extra=_OPENAPI,
)
def search_offers(request: HttpRequest) -> Any:
    """Full-text search (English and Hindi, typo-tolerant) with filters,
    facet counts (`with_facets=true`), sorts (`relevance`, `price_asc`,
    `price_desc`, `delivery`, `rating`) and cursor pagination. Money in paise."""
    reader = _Reader(request)
    query = SearchQuery(
        text=reader.text("text"),
        category_code=reader.optional_text("category_code"),
        params={
            name.removeprefix(_PARAMS_PREFIX): str(request.GET.get(name, ""))
            for name in request.GET
            if name.startswith(_PARAMS_PREFIX)
        },
        price_min_paise=reader.integer("price_min_paise"),
        price_max_paise=reader.integer("price_max_paise"),
        delivery_state=reader.optional_text("delivery_state"),
        pincode=reader.optional_text("pincode"),
        segments=reader.listed("segments"),
        mii_class=reader.optional_text("mii_class"),
        gi_only=reader.flag("gi_only"),
        seller_state=reader.optional_text("seller_state"),
        sort=reader.text("sort") or rules.RELEVANCE,
        cursor=reader.optional_text("cursor"),
        limit=reader.integer("limit", rules.DEFAULT_LIMIT) or 0,
        with_facets=reader.flag("with_facets"),
    )
    if reader.fields:
        raise SearchRefused(code="search.bad_parameter", fields=reader.fields)
    result = selectors.search_offers(actor=_actor(request), query=query)
    # The hot path answers with the JSON of `SearchOut` directly: the values
    # are already of the declared types, so validating ~20 hits and ~100
    # facet values again (pydantic) would only cost time.
    return JsonResponse(
        {
            "items": [_hit_out(hit) for hit in result.hits],
            "next_cursor": result.next_cursor,
            "corrected_text": result.corrected_text,
            "total": result.total,
            "counts_exact": result.counts_exact,
            "facets": {
                name: [{"value": v, "label": label, "count": n} for v, label, n in rows]
                for name, rows in result.facets.items()
            },
        },
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


@router.get(
    "/compare",
    auth=PUBLIC_AUTH,
    response={200: CompareOut, **error_responses(400, 401, 404)},
    summary="Compare two or three offers of one category",
    openapi_extra={"security": _OPENAPI["security"]},
)
def compare_offers(request: HttpRequest, offers: str = "") -> Any:
    """`offers=1,2,3`: the offers in that order, each with every golden
    parameter of their category (the same rows, "—" where none is stated)."""
    parts = [part.strip() for part in offers.split(",") if part.strip()]
    if not parts or not all(part.isdigit() and len(part) <= 18 for part in parts):
        raise SearchRefused(
            code="search.compare_count",
            fields={"offers": [_("Choose two or three different offers to compare.")]},
        )
    hits = selectors.offers_for_compare(actor=_actor(request), offer_ids=[int(p) for p in parts])
    return {"items": [_hit_out(hit) for hit in hits]}
