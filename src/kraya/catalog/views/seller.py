"""A seller firm's catalogue pages (ROLE-3: its admin and catalogue users):
its products and offers, adding a product against the category's spec
template, adding, cloning, repricing and withdrawing offers, and the bulk
price/stock upload. Another firm's pages and offers do not exist here (404);
a user of the firm without a catalogue role gets 403."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kraya.accounts.middleware import signed_in_actor
from kraya.catalog import selectors, services
from kraya.catalog import web_selectors as pages
from kraya.catalog.forms import (
    BulkUploadForm,
    CategoryChoiceForm,
    NewOfferForm,
    OfferTermsForm,
    ProductChoiceForm,
    ProductForm,
)
from kraya.catalog.models import Category, OfferPriceChange
from kraya.core.errors import DomainError
from kraya.core.pages import bound, member_page, refused

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
HOME_PAGE_SIZE = 50


@member_page
def seller_home(request: HttpRequest, firm_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    firm = pages.firm_for_catalogue(actor=actor, firm_id=firm_id)
    return render(
        request,
        "catalog/seller/home.html",
        {
            "firm": firm,
            "products": Paginator(pages.firm_products(firm=firm), HOME_PAGE_SIZE).get_page(
                request.GET.get("products")
            ),
            "offers": Paginator(pages.firm_offers(firm=firm), HOME_PAGE_SIZE).get_page(
                request.GET.get("offers")
            ),
        },
    )


@member_page
def product_create(request: HttpRequest, firm_id: int) -> HttpResponse:
    """Step one picks the category; step two is the form its spec template makes."""
    actor = signed_in_actor(request)
    firm = pages.firm_for_catalogue(actor=actor, firm_id=firm_id)
    categories = pages.categories_open()
    code = request.GET.get("category") or request.POST.get("category") or ""
    category = selectors.category_by_code(code=code) if code else None
    if category is None:
        chooser = CategoryChoiceForm(request.GET or None, categories=categories)
        return render(
            request, "catalog/seller/product_category.html", {"firm": firm, "form": chooser}
        )
    parameters = pages.spec_template(category=category)
    form = ProductForm(
        bound(request),
        parameters=parameters,
        is_service=category.kind == Category.Kind.SERVICE,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            product = services.product_create(
                acting_user=actor,
                firm=firm,
                category=category,
                brand=data["brand"],
                oem=data["oem"],
                model=data["model"],
                title=data["title"],
                title_hi=data["title_hi"],
                description=data["description"],
                specs=form.specs(),
                country_of_origin=data["country_of_origin"],
                local_content_percent=data["local_content_percent"],
                gi_tag=data["gi_tag"],
                service_unit=data.get("service_unit", ""),
            )
        except DomainError as error:
            refused(form, error)
        else:
            if product.status == product.Status.PUBLISHED:
                messages.success(request, _("The product is published. You can now offer it."))
            else:
                messages.success(
                    request,
                    _("The product waits for an operator's approval; you can offer it already."),
                )
            return redirect("catalog:offer_create", firm.pk)
    return render(
        request,
        "catalog/seller/product_form.html",
        {"firm": firm, "category": category, "form": form},
    )


@member_page
def offer_create(request: HttpRequest, firm_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    firm = pages.firm_for_catalogue(actor=actor, firm_id=firm_id)
    # Besides its own products, the firm may offer any published product of
    # the category it picks (CAT-3).
    chooser = CategoryChoiceForm(
        request.GET if "category" in request.GET else None, categories=pages.categories_open()
    )
    category = chooser.cleaned_data["category"] if chooser.is_bound and chooser.is_valid() else None
    products = pages.products_to_offer(firm=firm, category=category)
    form = NewOfferForm(
        bound(request),
        products=products,
        initial={"product": request.GET.get("product"), "delivery_states": [firm.state]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_create(
                acting_user=actor,
                firm=firm,
                product=form.cleaned_data["product"],
                source=OfferPriceChange.Source.WEB,
                **form.terms(),
            )
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, _("Your offer is saved."))
            return redirect("catalog:seller_offer", offer.pk)
    return render(
        request,
        "catalog/seller/offer_form.html",
        {"firm": firm, "form": form, "chooser": chooser},
    )


@member_page
def seller_offer(request: HttpRequest, offer_id: int) -> HttpResponse:
    """One of the firm's offers: update its price, MRP, stock, lead time and
    delivery; clone it; withdraw it."""
    actor = signed_in_actor(request)
    offer = pages.offer_for_seller(actor=actor, offer_id=offer_id)
    states = pages.delivery_states(offer=offer)
    form = OfferTermsForm(bound(request), initial=OfferTermsForm.initial_from(offer, states))
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_update_terms(
                acting_user=actor,
                offer=offer,
                source=OfferPriceChange.Source.WEB,
                **form.terms(),
            )
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, _("The offer is updated."))
            return redirect("catalog:seller_offer", offer.pk)
    return render(
        request,
        "catalog/seller/offer.html",
        {
            "offer": offer,
            "firm": offer.seller_firm,
            "form": form,
            "history": pages.offer_price_history(offer=offer),
        },
    )


@member_page
def offer_clone(request: HttpRequest, offer_id: int) -> HttpResponse:
    """A new offer with this offer's terms, of the same or another product;
    the seller then changes what differs on the new offer's page."""
    actor = signed_in_actor(request)
    offer = pages.offer_for_seller(actor=actor, offer_id=offer_id)
    form = ProductChoiceForm(
        bound(request),
        products=pages.products_to_offer(firm=offer.seller_firm, category=offer.category),
        initial={"product": offer.product_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            clone = services.offer_clone(
                acting_user=actor, offer=offer, product=form.cleaned_data["product"]
            )
        except DomainError as error:
            refused(form, error)
        else:
            messages.success(request, _("The copy is saved. Change what differs and save."))
            return redirect("catalog:seller_offer", clone.pk)
    return render(
        request,
        "catalog/seller/offer_clone.html",
        {"firm": offer.seller_firm, "form": form, "offer": offer},
    )


@member_page
def offer_withdraw(request: HttpRequest, offer_id: int) -> HttpResponse:
    actor = signed_in_actor(request)
    offer = pages.offer_for_seller(actor=actor, offer_id=offer_id)
    if request.method == "POST":
        try:
            services.offer_withdraw(acting_user=actor, offer=offer)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The offer is withdrawn; buyers no longer see it."))
        return redirect("catalog:seller_home", offer.seller_firm_id)
    return render(
        request, "catalog/seller/offer_withdraw.html", {"offer": offer, "firm": offer.seller_firm}
    )


@member_page
def offers_upload(request: HttpRequest, firm_id: int) -> HttpResponse:
    """Bulk price/stock update by CSV: a report per row; good rows are saved,
    bad rows change nothing."""
    actor = signed_in_actor(request)
    firm = pages.firm_for_catalogue(actor=actor, firm_id=firm_id)
    form = BulkUploadForm(bound(request), request.FILES if request.method == "POST" else None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", _("The file is too large (at most 2 MB)."))
        else:
            try:
                report = services.offers_bulk_update_csv(
                    acting_user=actor, firm=firm, content=upload.read()
                )
            except DomainError as error:
                refused(form, error)
    return render(
        request,
        "catalog/seller/upload.html",
        {"firm": firm, "form": form, "report": report},
    )
