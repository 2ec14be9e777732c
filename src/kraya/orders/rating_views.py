"""ORD-9: the rating pages — a seller firm's profile with its rating and
each component, and a buyer office's page with its rating. Thin: a selector
finds what the actor may see; `rating_selectors` says who may see what."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kraya.accounts.middleware import signed_in_actor
from kraya.core.pages import member_page
from kraya.orders import rating_selectors


@member_page
def seller_rating(request: HttpRequest, firm_id: int) -> HttpResponse:
    firm, rating = rating_selectors.seller_rating_get(firm_id=firm_id)
    return render(request, "orders/rating_seller.html", {"firm": firm, "rating": rating})


@member_page
def office_rating(request: HttpRequest, office_id: int) -> HttpResponse:
    office, rating = rating_selectors.office_rating_get(
        actor=signed_in_actor(request), office_id=office_id
    )
    return render(request, "orders/rating_office.html", {"office": office, "rating": rating})
