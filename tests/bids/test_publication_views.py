"""The bid publication pages through the Django client on the real database,
in English and Hindi: the list with its "updated" marker, a new draft with
items, a draft from a demand, the bid page with every BID-1 field, edit,
publish (BID-1), corrigendum (BID-3), cancel (BID-8) and the PDF. Refusals
re-render the form with the service's message; who may do what is checked
per role (anonymous, other organisation, wrong role, right role)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kraya.accounts.models import User
from kraya.bids import states
from kraya.bids.models import Bid, Corrigendum
from kraya.bids.services import opening
from kraya.bids.services import publication as services
from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from tests.bids.factory import make_bid, make_submission
from tests.bids.test_publication_services import NOW, UP, draft, make_category, published
from tests.factories import World

pytestmark = pytest.mark.django_db

PAGES_COVERED = {
    "bids:list",
    "bids:new",
    "bids:new_from_demand",
    "bids:bid",
    "bids:edit",
    "bids:publish",
    "bids:corrigendum",
    "bids:cancel",
    "bids:document",
}


def signed_in(user: User | None, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def rows() -> dict[str, int]:
    return {
        "bids": Bid.objects.count(),
        "corrigenda": Corrigendum.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def item_rows(*items: dict[str, Any], extra: int = 3) -> dict[str, Any]:
    data: dict[str, Any] = {
        "items-TOTAL_FORMS": str(max(extra, len(items))),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "50",
    }
    for index, item in enumerate(items):
        for name, value in item.items():
            data[f"items-{index}-{name}"] = value
    return data


def bid_form(world: World, category: Any, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "office": world.office.pk,
        "title": "Water purifiers for district hospitals",
        "consignee": world.consignee.pk,
        "paying_authority": world.paying_authority.pk,
        "delivery_state": UP,
        "delivery_pincode": "226001",
        "delivery_address": "District Hospital, Lucknow",
        "delivery_period_days": "30",
        "evaluation_basis": "TOTAL",
        "divisible": "on",
        "min_average_turnover": "0",
        "min_experience_years": "0",
        "emd_percent": "2",
        "mii_reservation": "NONE",
        "mse_preference": "on",
        "mii_preference": "on",
        "two_packet": "on",
        **item_rows(
            {
                "category_code": category.code,
                "golden_specs": "capacity = 9",
                "title": "Water purifier 9 L",
                "quantity": "100",
                "estimated_unit_price": "10000",
                "unit": "unit",
            },
            {
                "title": "Installation at site",
                "quantity": "10",
                "estimated_unit_price": "500",
                "unit": "job",
            },
        ),
    }
    data.update(changes)
    return data


# --- journeys ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "hi"])
def test_bid1_a_buyer_drafts_a_bid_with_items_and_sees_every_field(
    world: World, language: str
) -> None:
    category = make_category()
    client = signed_in(world.buyer, language)
    form = client.get(reverse("bids:new"))
    assert form.status_code == 200
    assert 'name="items-0-category_code"' in form.content.decode()
    response = client.post(reverse("bids:new"), bid_form(world, category))
    assert response.status_code == 302, response.content.decode()[:2000]
    bid = Bid.objects.get()
    assert response["Location"] == reverse("bids:bid", args=[bid.pk])
    assert bid.estimated_value_paise == 10_05_000_00
    assert [(i.title, i.golden_specs, i.unit) for i in bid.items.order_by("position")] == [
        ("Water purifier 9 L", {"capacity": "9"}, "unit"),
        ("Installation at site", {}, "job"),
    ]
    html = client.get(response["Location"]).content.decode()
    for text in ("Water purifier 9 L", "Installation at site", "10,05,000", "capacity 9", "2.00%"):
        assert text in html
    assert reverse("bids:publish", args=[bid.pk]) in html
    assert reverse("bids:edit", args=[bid.pk]) in html


def test_bid2_a_refused_emd_re_renders_the_form_with_its_message(world: World) -> None:
    category = make_category()
    client = signed_in(world.buyer)
    before = rows()
    response = client.post(reverse("bids:new"), bid_form(world, category, emd_percent="5.1"))
    assert response.status_code == 200
    assert "The EMD is either none (0%) or from 2% to 5%" in response.content.decode()
    assert rows() == before


def test_bid1_a_bad_golden_parameter_is_refused_on_the_form(world: World) -> None:
    category = make_category()
    data = bid_form(world, category)
    data["items-0-golden_specs"] = "capacity = nine"
    response = signed_in(world.buyer).post(reverse("bids:new"), data)
    assert response.status_code == 200
    assert "Item 1: give every golden parameter" in response.content.decode()


def test_bid1_edit_then_publish_then_bid3_corrigendum_then_bid8_cancel(world: World) -> None:
    bid = draft(world)
    client = signed_in(world.buyer)
    edit = client.get(reverse("bids:edit", args=[bid.pk]))
    assert edit.status_code == 200
    assert "Installation at site" in edit.content.decode()
    data = bid_form(world, make_category(), title="Purifiers, revised")
    del data["office"]
    data.update(
        {
            "items-INITIAL_FORMS": "2",
            "items-0-category_code": "",
            "items-0-golden_specs": "",
        }
    )
    response = client.post(reverse("bids:edit", args=[bid.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    bid.refresh_from_db()
    assert (bid.title, bid.items.count()) == ("Purifiers, revised", 2)

    with clock.frozen_at(NOW):
        too_soon = client.post(
            reverse("bids:publish", args=[bid.pk]),
            {"end_at": "2026-11-11T10:00", "offer_validity_days": "90"},
        )
        assert too_soon.status_code == 200
        assert "at least 10 days" in too_soon.content.decode()
        response = client.post(
            reverse("bids:publish", args=[bid.pk]),
            {"end_at": "2026-11-14T10:00", "offer_validity_days": "90"},
        )
    assert response.status_code == 302
    bid.refresh_from_db()
    assert (bid.status, bid.number) == (states.PUBLISHED, "KRY/B/2026/000001")
    assert bid.end_at == dt.datetime(2026, 11, 14, 4, 30, tzinfo=dt.UTC)  # 10:00 IST

    with clock.frozen_at(NOW + dt.timedelta(days=6)):
        page = client.get(reverse("bids:bid", args=[bid.pk])).content.decode()
        assert "6 days 0 hours left" in page
        response = client.post(
            reverse("bids:corrigendum", args=[bid.pk]),
            {"reason": "More purifiers needed", "quantity_1": "120"},
        )
    assert response.status_code == 302
    bid.refresh_from_db()
    assert bid.end_at == NOW + dt.timedelta(days=13)  # BID-3: 7 days after the corrigendum
    seller = signed_in(world.seller_admin)
    page = seller.get(reverse("bids:bid", args=[bid.pk])).content.decode()
    assert "Corrigendum 1" in page and "More purifiers needed" in page
    listing = seller.get(reverse("bids:list")).content.decode()
    assert "updated" in listing and bid.number in listing

    empty = client.post(reverse("bids:cancel", args=[bid.pk]), {"reason": ""})
    assert empty.status_code == 200
    response = client.post(reverse("bids:cancel", args=[bid.pk]), {"reason": "Budget withdrawn"})
    assert response.status_code == 302
    page = seller.get(reverse("bids:bid", args=[bid.pk])).content.decode()
    assert "This bid is cancelled" in page and "Budget withdrawn" in page


def test_mode1_a_demand_that_needs_a_bid_links_to_a_draft_bid(world: World) -> None:
    from kraya.buying import services as buying
    from tests.buying.market import ADDRESS, LUCKNOW_PIN, make_market

    market = make_market(world)
    demand = buying.demand_create(
        acting_user=world.buyer,
        office=world.office,
        consignee_id=world.consignee.pk,
        lines=[buying.LineInput(market.usha_9.pk, 200)],
        delivery_state=UP,
        delivery_pincode=LUCKNOW_PIN,
        delivery_address=ADDRESS,
    )
    client = signed_in(world.buyer)
    url = reverse("bids:new_from_demand", args=[demand.pk])
    demand_page = client.get(reverse("buying:demand", args=[demand.pk])).content.decode()
    assert url in demand_page
    assert (
        url
        not in signed_in(world.consignee)
        .get(reverse("buying:demand", args=[demand.pk]))
        .content.decode()
    )
    response = client.post(
        url, {"title": "Purifiers by bid", "paying_authority": world.paying_authority.pk}
    )
    assert response.status_code == 302
    bid = Bid.objects.get(demand=demand)
    assert (bid.title, bid.estimated_value_paise) == ("Purifiers by bid", 24_00_000_00)


def test_bid4_bid5_the_bid_page_shows_no_submission_nor_count_before_opening(
    world: World,
) -> None:
    bid = make_bid(world, min_bids=3)
    make_submission(bid, world.seller_firm, world.seller_admin, prices={1: 9_500_00})
    with clock.frozen_at(bid.end_at):
        opening.bid_end(bid_id=bid.pk)
    for user in (world.buyer, world.operator, world.other_seller_admin):
        html = signed_in(user).get(reverse("bids:bid", args=[bid.pk])).content.decode()
        assert "Extended due to less competition." in html
        assert "9,500" not in html
        assert "bids_received" not in html


def test_the_navigation_links_bids_for_everyone_signed_in(world: World) -> None:
    home = reverse("web:dashboard")
    for user in (world.buyer, world.seller_admin, world.consignee):
        assert f'href="{reverse("bids:list")}"' in signed_in(user).get(home).content.decode()


def test_the_bid_document_downloads_as_a_pdf(world: World) -> None:
    bid = published(world)
    response = signed_in(world.seller_admin).get(reverse("bids:document", args=[bid.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# --- who may do what ---------------------------------------------------------------------------

PAGES = {
    # name: (url maker, bid state, expected for other organisation, wrong role, right role)
    "bids:list": (lambda w, b: reverse("bids:list"), None, (200, 200, 200)),
    "bids:new": (lambda w, b: reverse("bids:new"), None, (200, 403, 200)),
    "bids:bid": (lambda w, b: reverse("bids:bid", args=[b.pk]), "draft", (404, 200, 200)),
    "bids:edit": (lambda w, b: reverse("bids:edit", args=[b.pk]), "draft", (404, 403, 200)),
    "bids:publish": (lambda w, b: reverse("bids:publish", args=[b.pk]), "draft", (404, 403, 200)),
    "bids:corrigendum": (
        lambda w, b: reverse("bids:corrigendum", args=[b.pk]),
        "published",
        (403, 403, 200),
    ),
    "bids:cancel": (lambda w, b: reverse("bids:cancel", args=[b.pk]), "draft", (404, 403, 200)),
    "bids:document": (
        lambda w, b: reverse("bids:document", args=[b.pk]),
        "draft",
        (404, 200, 200),
    ),
}
PLAYERS = ("other_buyer", "consignee", "buyer")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_who_may_open_each_page(world: World, name: str) -> None:
    make_url, state, expected = PAGES[name]
    bid = None if state is None else (draft(world) if state == "draft" else published(world))
    url = make_url(world, bid)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    for who, status in zip(PLAYERS, expected, strict=True):
        response = signed_in(getattr(world, who)).get(url)
        assert response.status_code == status, (name, who, response.status_code)


def test_new_from_demand_is_for_the_office_buyer_only(world: World) -> None:
    from kraya.buying import services as buying
    from tests.buying.market import ADDRESS, LUCKNOW_PIN, make_market

    market = make_market(world)
    demand = buying.demand_create(
        acting_user=world.buyer,
        office=world.office,
        consignee_id=world.consignee.pk,
        lines=[buying.LineInput(market.usha_9.pk, 200)],
        delivery_state=UP,
        delivery_pincode=LUCKNOW_PIN,
        delivery_address=ADDRESS,
    )
    url = reverse("bids:new_from_demand", args=[demand.pk])
    assert Client().get(url).status_code == 302
    assert signed_in(world.other_buyer).get(url).status_code == 404
    assert signed_in(world.consignee).get(url).status_code == 403
    assert signed_in(world.buyer).get(url).status_code == 200


@pytest.mark.parametrize("who", ["other_buyer", "consignee", "seller_admin"])
def test_refused_posts_change_nothing(world: World, who: str) -> None:
    a_draft, open_bid = draft(world), published(world)
    client = signed_in(getattr(world, who))
    before = rows()
    posts = [
        (reverse("bids:publish", args=[a_draft.pk]), {"end_at": "2027-01-01T10:00"}),
        (reverse("bids:cancel", args=[a_draft.pk]), {"reason": "x"}),
        (reverse("bids:edit", args=[a_draft.pk]), {"title": "x"}),
        (reverse("bids:corrigendum", args=[open_bid.pk]), {"reason": "x", "description": "y"}),
        (reverse("bids:cancel", args=[open_bid.pk]), {"reason": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (403, 404)
    assert rows() == before
    assert Bid.objects.get(pk=open_bid.pk).status == states.PUBLISHED


def test_a_corrigendum_after_the_end_is_refused_with_a_message(world: World) -> None:
    with clock.frozen_at(NOW):
        bid = published(world, days=12)
    with clock.frozen_at(NOW + dt.timedelta(days=13)):
        client = signed_in(world.buyer)
        before = rows()
        response = client.post(
            reverse("bids:corrigendum", args=[bid.pk]), {"reason": "Late", "description": "x"}
        )
    assert response.status_code == 302
    assert rows() == before
    assert services.message("bids.ended") in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("status", "who", "shown", "hidden"),
    [
        (states.PUBLISHED, "seller_admin", ["bids:submission"], ["bids:evaluation", "bids:cancel"]),
        (states.PUBLISHED, "buyer", ["bids:corrigendum", "bids:cancel"], ["bids:evaluation"]),
        (
            states.TECHNICAL_EVALUATION,
            "buyer",
            ["bids:evaluation", "bids:cancel"],
            ["bids:corrigendum"],
        ),
        (states.REVERSE_AUCTION, "seller_admin", ["bids:auction"], ["bids:evaluation"]),
        (states.REVERSE_AUCTION, "buyer", ["bids:auction", "bids:evaluation"], ["bids:edit"]),
        (states.AWARDED, "buyer", ["bids:auction"], ["bids:cancel", "bids:corrigendum"]),
    ],
)
def test_the_bid_page_links_other_areas_by_role_and_state(
    world: World, status: str, who: str, shown: list[str], hidden: list[str]
) -> None:
    bid = make_bid(world, status=status, reverse_auction=True)
    html = signed_in(getattr(world, who)).get(reverse("bids:bid", args=[bid.pk])).content.decode()
    for name in shown:
        assert f'href="{reverse(name, args=[bid.pk])}"' in html, name
    for name in hidden:
        assert f'href="{reverse(name, args=[bid.pk])}"' not in html, name
