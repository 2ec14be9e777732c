"""The operators' catalogue pages: the approval queue (CAT-3: approve, or
reject with a reason) and a category's specification template (CAT-1), with a
form to add a parameter. Platform operators only (403 for anyone else)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kraya.accounts.middleware import signed_in_actor
from kraya.catalog import selectors, services
from kraya.catalog import web_selectors as pages
from kraya.catalog.forms import CategoryForm, RejectForm, SpecParameterForm
from kraya.core.errors import DomainError
from kraya.core.pages import bound, member_page, refused

QUEUE_PAGE_SIZE = 25


@member_page
def review_queue(request: HttpRequest) -> HttpResponse:
    actor = signed_in_actor(request)
    pending = pages.products_awaiting_review(actor=actor)
    page = Paginator(pending, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/operator/queue.html", {"page": page})


@member_page
def product_review(request: HttpRequest, product_id: int) -> HttpResponse:
    """One product waiting for approval: approve it, or reject it with a reason."""
    actor = signed_in_actor(request)
    product = pages.product_for_review(actor=actor, product_id=product_id)
    reject_form = RejectForm(bound(request) if request.POST.get("action") == "reject" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.product_approve(acting_user=actor, product=product)
                messages.success(request, _("The product is published."))
                return redirect("catalog:review_queue")
            if action == "reject" and reject_form.is_valid():
                services.product_reject(
                    acting_user=actor, product=product, reason=reject_form.cleaned_data["reason"]
                )
                messages.success(request, _("The product is rejected; the seller sees the reason."))
                return redirect("catalog:review_queue")
            if action not in ("approve", "reject"):
                reject_form = RejectForm(None)
                messages.error(request, _("Choose approve or reject."))
        except DomainError as error:
            refused(reject_form, error)
    return render(
        request,
        "catalog/operator/review.html",
        {
            "product": product,
            "specs": pages.spec_rows(
                product=product, parameters=pages.spec_template(category=product.category)
            ),
            "reject_form": reject_form,
        },
    )


@member_page
def category_template(request: HttpRequest, code: str) -> HttpResponse:
    """A category's specification template, and a form to add a parameter."""
    actor = signed_in_actor(request)
    pages.require_operator(actor=actor)
    category = selectors.category_by_code(code=code)
    if category is None:
        raise Http404(code)
    form = SpecParameterForm(bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.spec_parameter_add(
                acting_user=actor, category=category, **form.parameter_data()
            )
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, _("The parameter is added."))
            return redirect("catalog:category_template", category.code)
    return render(
        request,
        "catalog/operator/category.html",
        {
            "category": category,
            "parameters": pages.spec_template(category=category),
            "form": form,
        },
    )


@member_page
def category_create(request: HttpRequest) -> HttpResponse:
    """An operator adds a category (CAT-1), then its specification template."""
    actor = signed_in_actor(request)
    pages.require_operator(actor=actor)
    form = CategoryForm(bound(request), categories=pages.categories_open())
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_create(acting_user=actor, **form.cleaned_data)
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, _("The category is added. Now add its parameters."))
            return redirect("catalog:category_template", category.code)
    return render(request, "catalog/operator/category_new.html", {"form": form})
