"""The lean path of `POST /api/v1/bids/auctions/{auction_id}/bids` (RA-2..4,
issue 6): a plain Django view mounted on the same URL in front of the API.

A bid with an API token (`Authorization: Bearer kr_...`) and a plain JSON
body (`{"price_paise": <int>, "client_ref": "<1-64 characters>"}`) on
PostgreSQL goes straight to `services.auction_hot.auction_bid_by_token`,
which authenticates the token in the bid's own statement: no ninja
operation, no pydantic schema, no ORM query. Its answers are made by the
API's own renderer and error function, so they are byte for byte what the
operation `bids.api.auction.auction_bid` answers (`tests/bids/
test_auction_hot.py` compares them). Everything else — a session, another
method, any other body, anything the hot path does not decide (a bad token,
an outsider, a retry, a closed auction; SQLite) — goes to that operation
unchanged, which stays the documented one in the OpenAPI."""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, replace
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLResolver, get_resolver
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from kraya.api import errors
from kraya.api.main import api
from kraya.bids.services._common import message
from kraya.bids.services.auction_hot import auction_bid_by_token
from kraya.core.money import format_rupees

_FIELDS = frozenset({"price_paise", "client_ref"})
# The hot path reads small bodies only (a bid is about 60 bytes).
_MAX_BODY = 1024
# As `ApiTokenAuth`.
_MAX_TOKEN_LENGTH = 200


@functools.cache
def _api_resolver() -> URLResolver:
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == api.urls_namespace:
            return pattern
    raise LookupError("the API is not mounted")


def _general(request: HttpRequest) -> HttpResponse:
    """The API operation for this URL, as if this view were not there."""
    match = _api_resolver().resolve(request.path_info.removeprefix("/"))
    request.resolver_match = match
    response: HttpResponse = match.func(request, *match.args, **match.kwargs)
    return response


def _bid_input(request: HttpRequest) -> tuple[str, int, str] | None:
    """(raw token, price, client_ref) of a plain token bid, else None."""
    header = request.META.get("HTTP_AUTHORIZATION")
    if header is None:
        return None
    scheme, _, raw = header.partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw or len(raw) > _MAX_TOKEN_LENGTH:
        return None
    if request.content_type != "application/json":
        return None
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= _MAX_BODY:
        return None
    try:
        data: Any = json.loads(request.body)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.keys() != _FIELDS:
        return None
    price, ref = data["price_paise"], data["client_ref"]
    if type(price) is not int or not isinstance(ref, str):
        return None
    return raw, price, ref


def _hot(request: HttpRequest, auction_id: int) -> HttpResponse | None:
    given = _bid_input(request)
    if given is None:
        return None
    raw, price, ref = given
    decided = auction_bid_by_token(
        raw_token=raw, auction_id=auction_id, price_paise=price, client_ref=ref
    )
    if decided is None:
        return None
    # As `ApiTokenAuth`: the token user's own language for the answer.
    if decided.language:
        translation.activate(decided.language)
        request.LANGUAGE_CODE = decided.language
    outcome = replace(decided.outcome, message=message(decided.outcome.code))
    if outcome.accepted:
        return api.create_response(request, asdict(outcome), status=200)
    # As `bids.api.auction.auction_bid` with `kraya.api.errors` for its Conflict.
    fields = {}
    if outcome.code == "bids.ra_decrement_too_small":
        fields["price_paise"] = [
            message("bids.ra_bid_at_most", price=format_rupees(outcome.min_next_bid_paise))
        ]
    return errors.error_response(
        status=409, code=outcome.code, message=message(outcome.code), fields=fields
    )


@csrf_exempt  # as the API's operations: a token needs no CSRF token; sessions go on
def auction_bid(request: HttpRequest, auction_id: int) -> HttpResponse:
    if request.method == "POST":
        answer = _hot(request, auction_id)
        if answer is not None:
            return answer
    return _general(request)
