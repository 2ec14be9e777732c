"""Public catalogue pages: no sign-in needed."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kraya.catalog import selectors

OFFERS_PER_PAGE = 50


def catalogue_index(request: HttpRequest) -> HttpResponse:
    categories = selectors.categories_with_offer_counts()
    return render(request, "catalog/index.html", {"categories": categories})


def category_detail(request: HttpRequest, code: str) -> HttpResponse:
    category = selectors.category_by_code(code=code)
    if category is None:
        raise Http404(code)
    paginator = Paginator(selectors.offers_in_category(category=category), OFFERS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "catalog/category.html", {"category": category, "page": page})
