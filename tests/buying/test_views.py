"""The buying pages through the Django client, on the real database, in
English and Hindi: the demand form from an offer (MODE-1..5), the demand
with its L1 comparison (MODE-3), blocking funds (ORD-2) and placing the
order (ORD-1), the demands list with the office's blocked funds, and the
availability reports (MODE-6). Refusals re-render the form with the
service's message in the reader's language; who may do what is checked per
role (anonymous, other organisation, wrong role)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kraya.accounts.models import User
from kraya.buying import services
from kraya.buying.models import AvailabilityReport, Demand, FundBlock, SplitRefusal
from kraya.orders.models import Order
from tests.buying.market import ADDRESS, LUCKNOW_PIN, UP, Market
from tests.factories import row_counts

pytestmark = pytest.mark.django_db


def signed_in(user: User, language: str = "") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language) if language else Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def t(text: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def page(client: Client, url: str, language: str = "en") -> tuple[int, str]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    return response.status_code, response.content.decode()


def demand_form(market: Market, **changes: object) -> dict[str, object]:
    world = market.world
    data: dict[str, object] = {
        "office": world.office.pk,
        "offer": market.usha_9.pk,
        "quantity": 10,
        "consignee": world.consignee.pk,
        "delivery_state": UP,
        "delivery_pincode": LUCKNOW_PIN,
        "delivery_address": ADDRESS,
        "mode": "",
        "term_clause": "",
        "term_text": "",
    }
    data.update(changes)
    return data


def new_url(market: Market) -> str:
    return reverse("buying:demand_new") + f"?offer={market.usha_9.pk}"


def make_demand(market: Market, quantity: int = 10) -> Demand:
    world = market.world
    return services.demand_create(
        acting_user=world.buyer,
        office=world.office,
        consignee_id=world.consignee.pk,
        lines=[services.LineInput(offer_id=market.usha_9.pk, quantity=quantity)],
        delivery_state=UP,
        delivery_pincode=LUCKNOW_PIN,
        delivery_address=ADDRESS,
    )


# --- the demand form -------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_demand_form_shows_the_offer_and_the_office(market: Market, language: str) -> None:
    status, html = page(signed_in(market.world.buyer), new_url(market), language)
    assert status == 200
    assert f'lang="{language}"' in html
    assert t("New demand", language) in html
    assert market.usha_9.product.title in html
    assert "₹12,000.00" in html
    # The only office and the only consignee are preselected; the state too.
    assert re.search(rf'<option value="{market.world.office.pk}" selected>', html)
    assert re.search(rf'<option value="{market.world.consignee.pk}" selected>', html)
    assert f'name="offer" value="{market.usha_9.pk}"' in html


def test_making_a_demand_decides_l1_and_shows_the_comparison(market: Market) -> None:
    client = signed_in(market.world.buyer)
    response = client.post(new_url(market), demand_form(market))
    demand = Demand.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("buying:demand", args=[demand.pk])
    assert (demand.mode, demand.status, demand.total_paise) == ("L1", "OPEN", 120_000_00)
    status, html = page(client, response["Location"])
    assert status == 200
    assert f"Demand {demand.reference} is made." in html
    assert "₹1,20,000 is above ₹50,000 and at most ₹10 lakh: L1 purchase" in html
    assert f"Offer {market.tata_9.pk} is L1 at ₹90,000 among offers from 4 manufacturers." in html
    rows = re.findall(r"<tr( class=\"l1\")?>\s*<td>(\d)", html)
    assert [rank for _l1, rank in rows] == ["1", "2", "3", "4"]
    assert rows[0][0]  # the first row is marked L1
    # MODE-3: no seller names before the order.
    for firm in (market.world.seller_firm, market.world.other_seller_firm, market.third_firm):
        assert firm.name not in html
    assert "Compare again" in html
    assert "Block funds" in html
    assert "Place the order" not in html


def test_a_demand_in_hindi_says_the_decision_in_hindi(market: Market) -> None:
    demand = make_demand(market)
    status, html = page(
        signed_in(market.world.buyer), reverse("buying:demand", args=[demand.pk]), "hi"
    )
    assert status == 200
    with translation.override("hi"):
        from kraya.buying.wording import explain

        sentence = explain(demand.lines.get().decision)
    assert sentence in html.replace("&#x27;", "'")
    assert t("Compare again", "hi") in html


@pytest.mark.parametrize("language", ["en", "hi"])
def test_a_refused_demand_re_renders_with_the_message(market: Market, language: str) -> None:
    client = signed_in(market.world.buyer)
    before = row_counts()
    response = client.post(
        new_url(market),
        demand_form(market, delivery_pincode="22600", quantity=10),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert t("Enter the six-digit PIN code.", language) in html
    assert Demand.objects.count() == 0
    assert row_counts() == before


def test_a_mode_not_allowed_is_refused_on_the_mode_field(market: Market) -> None:
    # ₹1,20,000 requires L1; a direct purchase is not allowed (MODE-1).
    response = signed_in(market.world.buyer).post(
        new_url(market), demand_form(market, mode="DIRECT")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This buying mode is not allowed for this value: L1 purchase is required." in html
    assert Demand.objects.count() == 0


def test_a_split_is_refused_with_its_reason(market: Market) -> None:
    """MODE-5: two ₹40,000 demands in the window sum to ₹80,000, which needs
    L1; the second, made as a direct purchase, is refused as a split."""
    client = signed_in(market.world.buyer)
    first = demand_form(market, offer=market.tata_9.pk, quantity=4)  # ₹36,000: direct
    assert client.post(new_url(market), first).status_code == 302
    response = client.post(
        new_url(market), demand_form(market, offer=market.tata_9.pk, quantity=4, mode="")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Refused as a split" in html
    assert "₹72,000" in html
    assert SplitRefusal.objects.count() == 1
    assert Demand.objects.count() == 1


def test_an_additional_term_is_kept_on_the_demand(market: Market) -> None:
    response = signed_in(market.world.buyer).post(
        new_url(market),
        demand_form(market, term_clause="Installation", term_text="Install at the site."),
    )
    assert response.status_code == 302
    assert Demand.objects.get().additional_terms == [
        {"clause": "Installation", "text": {"en": "Install at the site.", "hi": ""}}
    ]


def test_a_term_without_its_text_is_refused(market: Market) -> None:
    response = signed_in(market.world.buyer).post(
        new_url(market), demand_form(market, term_clause="Installation")
    )
    assert response.status_code == 200
    assert "An additional term needs both its clause and its text." in response.content.decode()
    assert Demand.objects.count() == 0


def test_the_form_without_an_offer_points_to_the_catalogue(market: Market) -> None:
    status, html = page(signed_in(market.world.buyer), reverse("buying:demand_new"))
    assert status == 200
    assert "Choose an offer in the catalogue first" in html


# --- the demand page: funds and order --------------------------------------------------------


def test_the_paying_authority_blocks_the_prefilled_amount(market: Market) -> None:
    demand = make_demand(market)
    url = reverse("buying:demand", args=[demand.pk])
    client = signed_in(market.world.paying_authority)
    status, html = page(client, url)
    assert status == 200
    assert 'name="amount" value="90000.00"' in html
    assert 'name="paying_authority"' not in html
    assert "Cancel the demand" not in html  # only the Buyer cancels
    response = client.post(
        reverse("buying:funds_block", args=[demand.pk]),
        {"amount": "90000.00", "sanction_reference": "", "budget_head": "2210-01"},
    )
    assert response.status_code == 302
    block = FundBlock.objects.get()
    assert (block.amount_paise, block.budget_head) == (90_000_00, "2210-01")
    assert block.paying_authority == market.world.paying_authority


def test_the_buyer_blocks_quoting_the_sanction_then_orders(market: Market) -> None:
    world = market.world
    demand = make_demand(market)
    client = signed_in(world.buyer)
    status, html = page(client, reverse("buying:demand", args=[demand.pk]))
    assert 'name="sanction_reference"' in html
    assert f'<option value="{world.paying_authority.pk}">' in html
    assert 'name="amount"' not in html
    response = client.post(
        reverse("buying:funds_block", args=[demand.pk]),
        {"sanction_reference": "SAN/2026/17", "paying_authority": world.paying_authority.pk},
    )
    assert response.status_code == 302
    status, html = page(client, response["Location"])
    assert status == 200
    assert "SAN/2026/17" in html
    assert "Place the order" in html
    response = client.post(reverse("buying:order_place", args=[demand.pk]))
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:order", args=[order.number])
    assert (order.total_paise, order.seller_firm) == (90_000_00, world.seller_firm)
    _status, html = page(client, reverse("buying:demand", args=[demand.pk]))
    assert order.number in html
    assert "Place the order" not in html


@pytest.mark.parametrize("language", ["en", "hi"])
def test_a_buyer_must_name_a_paying_authority_of_the_office(market: Market, language: str) -> None:
    demand = make_demand(market)
    response = signed_in(market.world.buyer).post(
        reverse("buying:funds_block", args=[demand.pk]),
        {"sanction_reference": "SAN/1", "paying_authority": market.world.consignee.pk},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    html = response.content.decode()
    assert response.status_code == 200
    # The consignee is no choice of Paying Authority: the field says so.
    assert 'id="id_paying_authority_error"' in html
    assert f'lang="{language}"' in html
    assert FundBlock.objects.count() == 0


@pytest.mark.parametrize("language", ["en", "hi"])
def test_ordering_without_funds_is_refused_with_the_message(market: Market, language: str) -> None:
    demand = make_demand(market)
    client = signed_in(market.world.buyer)
    response = client.post(
        reverse("buying:order_place", args=[demand.pk]), follow=True, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("buying:demand", args=[demand.pk]), 302)]
    html = response.content.decode()
    assert t("Block funds for this demand before placing the order.", language) in html
    assert Order.objects.count() == 0
    assert Demand.objects.get().status == "OPEN"


def test_funds_cannot_be_blocked_twice(market: Market) -> None:
    demand = make_demand(market)
    services.funds_block(acting_user=market.world.paying_authority, demand=demand)
    response = signed_in(market.world.paying_authority).post(
        reverse("buying:funds_block", args=[demand.pk]), {"amount": "1"}, follow=True
    )
    assert "Funds cannot be blocked for this demand now." in response.content.decode()
    assert FundBlock.objects.get().amount_paise == 90_000_00


def test_compare_again_and_cancel(market: Market) -> None:
    demand = make_demand(market)
    client = signed_in(market.world.buyer)
    response = client.post(reverse("buying:demand_compare", args=[demand.pk]), follow=True)
    assert "Compared again." in response.content.decode()
    response = client.post(reverse("buying:demand_cancel", args=[demand.pk]), follow=True)
    html = response.content.decode()
    assert "The demand is cancelled." in html
    assert Demand.objects.get().status == "CANCELLED"
    assert "Compare again" not in html


# --- list and availability -------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_demands_list_shows_the_office_funds(market: Market, language: str) -> None:
    world = market.world
    demand = make_demand(market)
    services.funds_block(acting_user=world.paying_authority, demand=demand)
    for user in (world.buyer, world.consignee, world.paying_authority):
        status, html = page(signed_in(user), reverse("buying:demands"), language)
        assert status == 200
        assert demand.reference in html
        assert "₹90,000.00" in html  # ORD-2: blocked, not released
        assert t("Funds blocked", language) in html


@pytest.mark.parametrize("language", ["en", "hi"])
def test_an_availability_report_is_recorded_and_listed(market: Market, language: str) -> None:
    client = signed_in(market.world.buyer)
    status, html = page(client, reverse("buying:availability"), language)
    assert status == 200
    assert t("Availability reports", language) in html
    response = client.post(
        reverse("buying:availability"),
        {
            "office": market.world.office.pk,
            "item": "Oxygen cylinders",
            "value": "45000",
            "reason": "URGENT_EMERGENCY",
            "explanation": "Flood relief",
        },
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )
    report = AvailabilityReport.objects.get()
    html = response.content.decode()
    assert report.estimated_value_paise == 45_000_00
    assert report.report_id in html
    assert "Oxygen cylinders" in html


def test_an_other_reason_without_explanation_is_refused(market: Market) -> None:
    response = signed_in(market.world.buyer).post(
        reverse("buying:availability"),
        {"office": market.world.office.pk, "item": "Chairs", "value": "1000", "reason": "OTHER"},
    )
    assert response.status_code == 200
    assert "Say why, when the reason is &#x27;other&#x27;." in response.content.decode()
    assert AvailabilityReport.objects.count() == 0


# --- who may do what -------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(market: Market) -> None:
    demand = make_demand(market)
    client = Client()
    for url in (
        new_url(market),
        reverse("buying:demands"),
        reverse("buying:demand", args=[demand.pk]),
        reverse("buying:availability"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(reverse("buying:funds_block", args=[demand.pk]), {})
    assert response.status_code == 302
    assert FundBlock.objects.count() == 0


def test_another_organisation_gets_404(market: Market) -> None:
    demand = make_demand(market)
    client = signed_in(market.world.other_buyer)
    assert page(client, reverse("buying:demand", args=[demand.pk]))[0] == 404
    for name in ("demand_compare", "demand_cancel", "funds_block", "order_place"):
        assert client.post(reverse(f"buying:{name}", args=[demand.pk]), {}).status_code == 404
    assert Demand.objects.get().status == "OPEN"
    status, html = page(client, reverse("buying:demands"))
    assert status == 200
    assert demand.reference not in html


def test_wrong_roles_get_403(market: Market) -> None:
    world = market.world
    demand = make_demand(market)
    consignee = signed_in(world.consignee)
    assert page(consignee, new_url(market))[0] == 403
    assert consignee.post(new_url(market), demand_form(market)).status_code == 403
    assert page(consignee, reverse("buying:availability"))[0] == 403
    assert consignee.post(reverse("buying:demand_cancel", args=[demand.pk])).status_code == 403
    assert consignee.post(reverse("buying:order_place", args=[demand.pk])).status_code == 403
    assert consignee.post(reverse("buying:funds_block", args=[demand.pk]), {}).status_code == 403
    # A seller, or a Primary User (ROLE-1: cannot buy), makes no demand.
    assert page(signed_in(world.seller_admin), new_url(market))[0] == 403
    assert page(signed_in(world.seller_admin), reverse("buying:demands"))[0] == 403
    assert page(signed_in(world.primary), new_url(market))[0] == 403
    assert Demand.objects.get().status == "OPEN"


def test_the_offer_page_offers_buy_to_buyers_only(market: Market) -> None:
    url = reverse("catalog:offer", args=[market.usha_9.pk])
    buy = reverse("buying:demand_new") + f"?offer={market.usha_9.pk}"
    assert buy in page(signed_in(market.world.buyer), url)[1]
    assert buy not in page(signed_in(market.world.consignee), url)[1]
    assert buy not in page(Client(), url)[1]


def test_the_navigation_links_demands_and_orders_by_role(market: Market) -> None:
    world = market.world
    demands, orders = reverse("buying:demands"), reverse("orders:orders")
    home = reverse("web:dashboard")
    html = {
        user.username: page(signed_in(user), home)[1]
        for user in (world.buyer, world.consignee, world.paying_authority, world.seller_admin)
    }
    assert f'href="{demands}"' in html[world.buyer.username]
    assert f'href="{orders}"' in html[world.buyer.username]
    assert f'href="{demands}"' in html[world.consignee.username]
    # ORD-5, ORD-7: consignees certify receipt and Paying Authorities pay orders.
    assert f'href="{orders}"' in html[world.consignee.username]
    assert f'href="{demands}"' in html[world.paying_authority.username]
    assert f'href="{orders}"' in html[world.paying_authority.username]
    assert f'href="{demands}"' not in html[world.seller_admin.username]
    assert f'href="{orders}"' in html[world.seller_admin.username]


def test_a_get_of_a_button_address_shows_the_demand_and_changes_nothing(market: Market) -> None:
    """A reload after a refused POST (no JavaScript) shows the demand page."""
    demand = make_demand(market)
    decided = demand.lines.get().decision
    client = signed_in(market.world.buyer)
    for name in ("demand_compare", "demand_cancel", "funds_block", "order_place"):
        status, html = page(client, reverse(f"buying:{name}", args=[demand.pk]))
        assert status == 200
        assert f"Demand {demand.reference}" in html
    demand.refresh_from_db()
    assert demand.status == "OPEN"
    assert demand.lines.get().decision == decided
    assert FundBlock.objects.count() == 0
    assert Order.objects.count() == 0
