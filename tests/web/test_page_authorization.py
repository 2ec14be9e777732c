"""The authorization matrix of every web page.

For each page: an anonymous visitor is sent to sign in; a user of another
organisation (or firm, or another user's object) gets 404, as if the object
did not exist; a user of the same organisation without the role gets 403; the
right role gets 200. Refused POSTs change nothing. The completeness test walks
the URL resolver and fails for any page that is neither here nor public, so a
new page cannot ship without its row."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kraya.accounts import services
from kraya.accounts.models import Membership, User
from kraya.catalog import services as catalog_services
from kraya.sellers import services as seller_services
from kraya.sellers.models import ImportBatch
from tests.factories import World, row_counts
from tests.outreach import matrix as outreach
from tests.sellers.kyc_examples import submitted

pytestmark = pytest.mark.django_db

Kwargs = Callable[[World], dict[str, Any]]


def _none(world: World) -> dict[str, Any]:
    return {}


def _organisation(world: World) -> dict[str, Any]:
    return {"organisation_id": world.organisation.pk}


def _member(world: World) -> dict[str, Any]:
    return {"user_id": world.buyer.pk}


def _firm(world: World) -> dict[str, Any]:
    return {"firm_id": world.seller_firm.pk}


def _firm_member(world: World) -> dict[str, Any]:
    return {"firm_id": world.seller_firm.pk, "user_id": world.seller_catalogue.pk}


def _buyers_token(world: World) -> dict[str, Any]:
    membership = Membership.objects.get(user=world.buyer, is_active=True)
    token, _raw = services.api_token_create(
        acting_user=world.buyer, membership=membership, name="robot"
    )
    return {"token_id": token.pk}


def _category(world: World) -> dict[str, Any]:
    catalog_services.category_create(
        acting_user=None, code="furniture", name="Furniture", kind="PRODUCT"
    )
    return {"code": "furniture"}


# The catalogue (issue 4): one published offer of the seller firm and one
# product of an unregistered brand waiting for an operator (CAT-3).
def _catalogue_product(world: World, *, brand: str = "Lenovo") -> Any:
    category = catalog_services.category_create(
        acting_user=None, code=f"laptops-{brand.lower()}", name="Laptops", kind="PRODUCT"
    )
    if brand == "Lenovo":
        catalog_services.brand_register(acting_user=None, name=brand)
    return catalog_services.product_create(
        acting_user=world.seller_admin,
        firm=world.seller_firm,
        category=category,
        brand=brand,
        model="E14",
        title="Laptop",
        local_content_percent=60,
    )


def _catalogue_offer(world: World) -> dict[str, Any]:
    offer = catalog_services.offer_create(
        acting_user=world.seller_admin,
        firm=world.seller_firm,
        product=_catalogue_product(world),
        price_paise=50_000_00,
        mrp_paise=60_000_00,
        delivery_states=["Uttar Pradesh"],
    )
    return {"offer_id": offer.pk}


def _pending_product(world: World) -> dict[str, Any]:
    return {"product_id": _catalogue_product(world, brand="Unregistered").pk}


def _bulk_batch(world: World) -> dict[str, Any]:
    batch = ImportBatch.objects.create(
        uploaded_by=world.operator, source="Matrix camp", file_name="m.csv", content=b""
    )
    return {"batch_id": batch.pk}


# Seller registration (issue 3, the registration wizard part): the buyer
# applies for a seller firm; an operator checks another, submitted one.
def _draft(world: World) -> dict[str, Any]:
    registration = seller_services.registration_start(applicant=world.buyer)
    return {"registration_id": registration.pk}


def _draft_step(world: World) -> dict[str, Any]:
    return {**_draft(world), "step": "firm"}


def _submitted(world: World) -> dict[str, Any]:
    applicant = User.objects.create_user(
        username="applicant", password="Kraya-test-2024", email="applicant@example.in"
    )
    return {"registration_id": submitted(applicant).pk}


# Buying and orders (issue 5): the market of tests/buying/market.py, a demand
# of the office's Buyer and, for the order pages, its order with the PDF.
def _demand(world: World) -> dict[str, Any]:
    from kraya.buying import services as buying
    from tests.buying.market import ADDRESS, LUCKNOW_PIN, UP, make_market

    market = make_market(world)
    demand = buying.demand_create(
        acting_user=world.buyer,
        office=world.office,
        consignee_id=world.consignee.pk,
        lines=[buying.LineInput(offer_id=market.usha_9.pk, quantity=10)],
        delivery_state=UP,
        delivery_pincode=LUCKNOW_PIN,
        delivery_address=ADDRESS,
    )
    return {"demand_id": demand.pk}


def _order(world: World) -> dict[str, Any]:
    from kraya.buying import services as buying
    from kraya.buying.models import Demand
    from kraya.orders import services as orders

    demand = Demand.objects.get(pk=_demand(world)["demand_id"])
    buying.funds_block(acting_user=world.paying_authority, demand=demand)
    [order] = buying.order_place(acting_user=world.buyer, demand=demand)
    orders.contract_pdf_render(order_id=order.pk)
    return {"number": order.number}


# Fulfilment (issue 7): an accepted order dispatched with its invoice file.
def _invoice(world: World) -> dict[str, Any]:
    from kraya.core import clock
    from kraya.orders.models import Order
    from kraya.orders.services import fulfilment

    number = _order(world)["number"]
    order = Order.objects.get(number=number)
    fulfilment.order_accept(order_id=order.pk, acting_user=world.seller_admin)
    fulfilment.order_dispatch(
        order_id=order.pk,
        acting_user=world.seller_admin,
        invoice_number="INV-1",
        invoice_date=clock.today_ist(),
        evidence="Docket 1",
        invoice_file=fulfilment.InvoiceFile("inv.pdf", "application/pdf", b"%PDF-1.4"),
    )
    return {"number": number, "round_number": 1}


@dataclass(frozen=True)
class Page:
    """One page: who may see it (`right`), who lacks the role in the same
    organisation or firm (`wrong_role`, 403) and who is outside it (`other`,
    404). Users are attribute names of `tests.factories.World`; None where the
    case does not exist (every signed-in user may see their own pages)."""

    name: str
    kwargs: Kwargs
    right: str
    wrong_role: str | None = None
    other: str | None = None
    accepts_post: bool = True
    html: bool = True  # False: a download (CSV), checked for its status only

    def url(self, world: World) -> str:
        return reverse(self.name, kwargs=self.kwargs(world))

    def __str__(self) -> str:
        return self.name


MATRIX = [
    Page("web:dashboard", _none, right="buyer", accepts_post=False),
    # The Primary User's pages (ROLE-1).
    Page("accounts:organisation_users", _organisation, "primary", "buyer", "other_primary"),
    Page("accounts:user_create", _organisation, "primary", "paying_authority", "other_primary"),
    Page("accounts:primary_hand_over", _organisation, "primary", "consignee", "other_primary"),
    Page("accounts:user_edit", _member, "primary", "consignee", "other_primary"),
    Page("accounts:user_deactivate", _member, "primary", "consignee", "other_primary"),
    Page("accounts:user_reactivate", _member, "primary", "paying_authority", "other_primary"),
    # The seller admin's pages (ROLE-3).
    Page("accounts:firm_users", _firm, "seller_admin", "seller_catalogue", "other_seller_admin"),
    Page(
        "accounts:seller_user_create",
        _firm,
        "seller_admin",
        "seller_catalogue",
        "other_seller_admin",
    ),
    Page(
        "accounts:seller_user_deactivate",
        _firm_member,
        "seller_admin",
        "seller_catalogue",
        "other_seller_admin",
    ),
    # My account: every signed-in user has their own; another user's token is 404.
    Page("accounts:me", _none, right="buyer"),
    Page("accounts:password_change", _none, right="buyer"),
    Page("accounts:api_tokens", _none, right="buyer"),
    Page("accounts:api_token_revoke", _buyers_token, right="buyer", other="consignee"),
    # Bulk registration (issue 3, KYC-5): operators only; the downloads are CSV, not HTML.
    Page("sellers:bulk_upload", _none, right="operator", wrong_role="seller_admin"),
    Page(
        "sellers:bulk_template",
        _none,
        right="operator",
        wrong_role="buyer",
        accepts_post=False,
        html=False,
    ),
    Page("sellers:bulk_batch", _bulk_batch, "operator", "seller_admin"),
    Page(
        "sellers:bulk_report",
        _bulk_batch,
        "operator",
        "buyer",
        accepts_post=False,
        html=False,
    ),
    # Seller registration wizard (issue 3, KYC-1..6): the applicant's own
    # pages; someone else's registration does not exist for them.
    Page("sellers:register", _none, right="consignee"),
    Page("sellers:step", _draft_step, right="buyer", other="consignee"),
    Page("sellers:review", _draft, right="buyer", other="consignee"),
    Page("sellers:status", _draft, right="buyer", other="consignee"),
    # The operators' seller directory and verification (is_staff only).
    Page("sellers:directory", _none, right="operator", wrong_role="buyer", accepts_post=False),
    Page(
        "sellers:registration_detail",
        _submitted,
        right="operator",
        wrong_role="buyer",
        accepts_post=False,
    ),
    Page("sellers:registration_verify", _submitted, right="operator", wrong_role="buyer"),
    Page("sellers:registration_reject", _submitted, right="operator", wrong_role="buyer"),
    # Outreach (issue 3, OUT-1): the operators' event pages.
    Page("outreach:event_create", _none, right="operator", wrong_role="buyer"),
    Page("outreach:event_edit", outreach.event_kwargs, "operator", "seller_admin"),
    Page("outreach:attendance", outreach.event_kwargs, "operator", "buyer"),
    Page("outreach:event_import", outreach.event_kwargs, "operator", "seller_admin"),
    # Outreach (OUT-2): buyers and sellers write feedback (an operator holds no
    # buyer or seller role: 403) and see only their own; operators answer it.
    Page("outreach:feedback_new", _none, right="buyer", wrong_role="operator"),
    Page("outreach:feedback_mine", _none, right="seller_admin", accepts_post=False),
    Page("outreach:feedback_detail", outreach.feedback_kwargs, "buyer", other="other_buyer"),
    Page("outreach:inbox", _none, right="operator", wrong_role="buyer", accepts_post=False),
    Page("outreach:inbox_item", outreach.feedback_kwargs, "operator", "buyer"),
    Page("outreach:summary", _none, right="operator", wrong_role="seller_admin"),
    # The catalogue (issue 4, ROLE-3): a seller firm's admin and catalogue
    # users keep its catalogue; another firm's pages and offers are 404.
    Page(
        "catalog:seller_home",
        _firm,
        right="seller_catalogue",
        other="other_seller_admin",
        accepts_post=False,
    ),
    Page("catalog:product_create", _firm, right="seller_catalogue", other="other_seller_admin"),
    Page("catalog:offer_create", _firm, right="seller_admin", other="other_seller_admin"),
    Page("catalog:offers_upload", _firm, right="seller_catalogue", other="other_seller_admin"),
    Page("catalog:seller_offer", _catalogue_offer, "seller_catalogue", other="other_seller_admin"),
    Page("catalog:offer_clone", _catalogue_offer, "seller_admin", other="other_seller_admin"),
    Page("catalog:offer_withdraw", _catalogue_offer, "seller_admin", other="other_seller_admin"),
    # The operators' catalogue pages (CAT-1, CAT-3).
    Page(
        "catalog:review_queue",
        _none,
        right="operator",
        wrong_role="seller_catalogue",
        accepts_post=False,
    ),
    Page("catalog:product_review", _pending_product, right="operator", wrong_role="buyer"),
    Page("catalog:category_template", _category, right="operator", wrong_role="seller_admin"),
    Page("catalog:category_create", _none, right="operator", wrong_role="buyer"),
    # Buying (issue 5, ROLE-2, MODE-1..6, ORD-2): an office's buyers,
    # consignees and paying authorities see its demands; only a Buyer makes
    # one; another organisation's demands are 404.
    Page("buying:demands", _none, right="consignee", wrong_role="seller_admin", accepts_post=False),
    Page("buying:demand_new", _none, right="buyer", wrong_role="consignee"),
    Page("buying:demand", _demand, right="consignee", other="other_buyer", accepts_post=False),
    Page("buying:demand_compare", _demand, right="buyer", other="other_buyer"),
    Page("buying:demand_cancel", _demand, right="buyer", other="other_buyer"),
    Page("buying:funds_block", _demand, right="paying_authority", other="other_buyer"),
    Page("buying:order_place", _demand, right="buyer", other="other_buyer"),
    Page("buying:availability", _none, right="buyer", wrong_role="consignee"),
    # Orders (issue 5, ORD-1): the buyer office's and the seller firm's.
    Page("orders:orders", _none, right="seller_admin", accepts_post=False),
    Page("orders:order", _order, right="consignee", other="other_seller_admin", accepts_post=False),
    Page(
        "orders:contract_pdf",
        _order,
        right="buyer",
        other="other_buyer",
        accepts_post=False,
        html=False,
    ),
    # Fulfilment (issue 7, ORD-3..ORD-7): one page per action, for its person
    # only (the same order, placed: a page in another state says so, 200).
    Page("orders:accept", _order, "seller_admin", "seller_catalogue", "other_seller_admin"),
    Page("orders:decline", _order, "seller_admin", "seller_catalogue", "other_seller_admin"),
    Page("orders:dispatch", _order, "seller_admin", "seller_catalogue", "other_seller_admin"),
    Page("orders:deliver", _order, "seller_admin", "seller_catalogue", "other_seller_admin"),
    Page("orders:receive", _order, "consignee", "buyer", "other_buyer"),
    Page("orders:certify", _order, "consignee", "buyer", "other_buyer"),
    Page("orders:extend", _order, "buyer", "consignee", "other_seller_admin"),
    Page("orders:cancel", _order, "buyer", "consignee", "other_seller_admin"),
    Page("orders:pay", _order, "paying_authority", "buyer", "other_primary"),
    Page(
        "orders:invoice",
        _invoice,
        right="consignee",
        other="other_seller_admin",
        accepts_post=False,
        html=False,
    ),
]

# ORD-9: a seller firm's rating (any signed-in person) and a buyer office's
# (its organisation, sellers and operators; another organisation gets 404).
MATRIX += [
    Page("orders:seller_rating", _firm, right="buyer", accepts_post=False),
    Page(
        "orders:office_rating",
        lambda world: {"office_id": world.office.pk},
        right="consignee",
        other="other_buyer",
        accepts_post=False,
    ),
]

# Pages anyone may see, signed in or not.
PUBLIC: dict[str, Kwargs] = {
    # OPEN-2: the public statistics; OPEN-1: the open-data page and export.
    **{
        f"insights:{name}": _none
        for name in ("overview", "orders", "places", "departments", "categories", "sellers")
    },
    "insights:buyers": _none,
    "opendata:index": _none,
    "opendata:export": _none,
    "web:home": _none,
    "web:about": _none,
    "accounts:login": _none,
    # "Forgot your password?" (a bulk-registered seller's first password too).
    "accounts:password_reset": _none,
    "accounts:password_reset_sent": _none,
    "accounts:password_reset_confirm": lambda world: {"uidb64": "MQ", "token": "not-a-token"},
    "accounts:password_reset_complete": _none,
    "catalog:index": _none,
    "catalog:category": _category,
    "catalog:search": _none,
    "catalog:compare": _none,
    "catalog:offer": _catalogue_offer,
    "sellers:landing": _none,
    "sellers:signup": _none,
    # Outreach (issue 3, OUT-1): events, their funnel and the state view are public.
    "outreach:events": _none,
    "outreach:event": outreach.event_kwargs,
    "outreach:event_register": outreach.event_kwargs,
    "outreach:state": outreach.state_kwargs,
}
# Public POST-only endpoints: the header's language switch and sign-out forms.
PUBLIC_POST_ONLY = {"set_language", "accounts:logout"}
# Namespaces with their own matrix: the JSON API (tests/api) and Django's
# admin, mounted as the operator pages (staff only, Django's own checks).
# The bid pages have theirs in tests/bids (test_authorization_coverage.py);
# the inbox, every signed-in person's own, in tests/notifications.
# The incident pages have theirs in tests/incidents (test_coverage.py).
OWN_MATRIX_NAMESPACES = {"api", "admin", "bids", "notifications", "incidents"}
# The compliance dashboards (OPEN-3) and red flags (OPEN-4): tests/insights
# (test_compliance.py, test_redflags.py).
OWN_MATRIX_NAMESPACES |= {"compliance", "redflags"}
# The reverse auction's hot path (RA-2) sits in front of the API operation of
# the same URL and answers as it does, refusals included: tests/bids
# (test_auction_hot.py) sends every kind of caller to both and compares.
OWN_MATRIX_PAGES = {"auction_bid_hot"}


def _signed_in(world: World, who: str) -> Client:
    browser = Client()
    browser.force_login(getattr(world, who), backend="django.contrib.auth.backends.ModelBackend")
    return browser


def _ids(pages: list[Page]) -> list[str]:
    return [page.name for page in pages]


@pytest.mark.parametrize("page", MATRIX, ids=_ids(MATRIX))
def test_anonymous_visitors_are_sent_to_sign_in(world: World, page: Page) -> None:
    url = page.url(world)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    if page.accepts_post:
        before = row_counts()
        assert Client().post(url, {}).status_code == 302
        assert row_counts() == before


OTHER = [page for page in MATRIX if page.other]


@pytest.mark.parametrize("page", OTHER, ids=_ids(OTHER))
def test_other_organisation_gets_404(world: World, page: Page) -> None:
    assert page.other is not None
    browser = _signed_in(world, page.other)
    url = page.url(world)
    assert browser.get(url).status_code == 404
    before = row_counts()
    assert browser.post(url, {}).status_code == 404
    assert row_counts() == before


WRONG_ROLE = [page for page in MATRIX if page.wrong_role]


@pytest.mark.parametrize("page", WRONG_ROLE, ids=_ids(WRONG_ROLE))
def test_wrong_role_gets_403(world: World, page: Page) -> None:
    assert page.wrong_role is not None
    browser = _signed_in(world, page.wrong_role)
    url = page.url(world)
    assert browser.get(url).status_code == 403
    before = row_counts()
    assert browser.post(url, {}).status_code == 403
    assert row_counts() == before


@pytest.mark.parametrize("page", MATRIX, ids=_ids(MATRIX))
@pytest.mark.parametrize("language", ["en", "hi"])
def test_right_role_gets_200(world: World, page: Page, language: str) -> None:
    browser = _signed_in(world, page.right)
    browser.post("/i18n/setlang/", {"language": language, "next": "/"})
    response = browser.get(page.url(world))
    assert response.status_code == 200
    if page.html:
        assert f'<html lang="{language}">'.encode() in response.content


POSTS = [page for page in MATRIX if page.accepts_post]


@pytest.mark.parametrize("page", POSTS, ids=_ids(POSTS))
def test_posts_without_the_csrf_token_are_refused(world: World, page: Page) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(
        getattr(world, page.right), backend="django.contrib.auth.backends.ModelBackend"
    )
    url = page.url(world)
    before = row_counts()
    assert browser.post(url, {}).status_code == 403
    assert row_counts() == before


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_pages_need_no_sign_in(world: World, name: str) -> None:
    response = Client().get(reverse(name, kwargs=PUBLIC[name](world)))
    assert response.status_code == 200


@pytest.mark.parametrize("name", sorted(PUBLIC_POST_ONLY))
def test_public_post_only_endpoints_refuse_get(db: None, name: str) -> None:
    url = reverse(name)
    assert Client().get(url).status_code == 405
    assert Client().post(url, {}).status_code == 302


def _page_names(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in OWN_MATRIX_NAMESPACES:
                continue
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _page_names(pattern, namespace)
        elif isinstance(pattern, URLPattern):
            # An unnamed page cannot be listed: it shows up as its route.
            yield f"{prefix}{pattern.name}" if pattern.name else f"unnamed: {pattern.pattern}"


def test_every_page_is_in_the_matrix_or_public() -> None:
    pages = set(_page_names(get_resolver()))
    listed = {page.name for page in MATRIX} | set(PUBLIC) | PUBLIC_POST_ONLY
    pages -= OWN_MATRIX_PAGES
    assert pages - listed == set(), "add these pages to MATRIX (or PUBLIC) with their roles"
    assert listed - pages == set(), "these rows name pages that no longer exist"
    assert len({page.name for page in MATRIX}) == len(MATRIX)
