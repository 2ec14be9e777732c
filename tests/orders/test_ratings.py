"""ORD-9: ratings arithmetic (buyers 15/15/30/40, sellers by the provisional
policy weights), ratings computed from orders driven through the services
with the clock moved, the refresh's idempotence, the pages that show them
and search's sort by rating."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from kraya.accounts.models import Role
from kraya.bids import states as bid_states
from kraya.bids.selectors.ratings import bid_closure_counts
from kraya.catalog.models import Offer
from kraya.catalog.search import index
from kraya.catalog.search import rules as search_rules
from kraya.catalog.search.models import OfferDocument
from kraya.catalog.search.selectors import search_offers
from kraya.catalog.search.types import SearchQuery
from kraya.celery import app
from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from kraya.core.policy import policy_at
from kraya.core.policy.sections import SellerRatingWeights
from kraya.incidents import services as incidents
from kraya.orders.models import Order, Rating
from kraya.orders.rules import ratings as rules
from kraya.orders.rules import states
from kraya.orders.rules.ratings import BuyerInputs, SellerInputs, Tally
from kraya.orders.services import fulfilment, payment
from kraya.orders.services.clock import orders_tick
from kraya.orders.services.fulfilment import CracLine
from kraya.orders.services.ratings import buyer_weights, ratings_refresh, seller_weights
from kraya.orders.tasks import ratings_refresh_task
from tests.bids.factory import make_bid
from tests.buying.market import make_market
from tests.factories import make_secondary_user, make_unit
from tests.incidents.factory import replied
from tests.orders.flow import drive, place

POLICY = policy_at(dt.date(2026, 6, 1)).orders
BUYER_WEIGHTS = buyer_weights(POLICY)
SELLER_WEIGHTS = seller_weights(POLICY)


def _buyer(inputs: BuyerInputs, minimum_orders: int = 5) -> rules.Rating:
    return rules.buyer_rating(inputs, weights=BUYER_WEIGHTS, minimum_orders=minimum_orders)


def _seller(inputs: SellerInputs, minimum_orders: int = 5) -> rules.Rating:
    return rules.seller_rating(
        inputs,
        weights=SELLER_WEIGHTS,
        incident_deduction_percent=Decimal("25"),
        minimum_orders=minimum_orders,
    )


# --- arithmetic ------------------------------------------------------------------------


def test_ord9_buyer_weights_are_15_15_30_40_in_the_policy() -> None:
    assert {
        rules.BID_CLOSURE: Decimal("15"),
        rules.ORDER_PLACEMENT: Decimal("15"),
        rules.CRAC: Decimal("30"),
        rules.PAYMENT: Decimal("40"),
    } == BUYER_WEIGHTS


def test_ord9_buyer_worked_example() -> None:
    """Bids closed in time 1 of 2 (50%), orders placed in time 3 of 4 (75%),
    CRACs in time 9 of 10 (90%), payments in time 4 of 5 (80%):
    5 × (15×0.5 + 15×0.75 + 30×0.9 + 40×0.8) / 100 = 5 × 77.75 / 100 = 3.8875 → 3.9."""
    rating = _buyer(
        BuyerInputs(
            orders=10,
            bid_closure=Tally(1, 2),
            order_placement=Tally(3, 4),
            crac=Tally(9, 10),
            payment=Tally(4, 5),
        )
    )
    assert rating.exact == Fraction(38875, 10000)
    assert rating.score == Decimal("3.9") and rating.enough_data
    assert [(c.name, c.percent) for c in rating.components] == [
        ("bid_closure", Decimal("50.0")),
        ("order_placement", Decimal("75.0")),
        ("crac", Decimal("90.0")),
        ("payment", Decimal("80.0")),
    ]


def test_ord9_buyer_without_bids_scales_the_other_weights_up() -> None:
    """No bid to close: 5 × (15×0.75 + 30×0.9 + 40×0.8) / 85 = 5 × 70.25 / 85 → 4.1."""
    rating = _buyer(
        BuyerInputs(orders=10, order_placement=Tally(3, 4), crac=Tally(9, 10), payment=Tally(4, 5))
    )
    assert rating.exact == Fraction(5) * Fraction(7025, 100) / 85
    assert rating.score == Decimal("4.1")
    assert rating.components[0].share is None and rating.components[0].percent is None


def test_ord9_seller_worked_example_rounds_half_up() -> None:
    """Weights 25/25/25/10/15 (provisional): reliability 9/10, quality 95/100,
    timeliness 8/10, catalogue 3/4, one incident (−25%) →
    5 × (22.5 + 23.75 + 20 + 7.5 + 11.25) / 100 = 4.25, shown 4.3 (half up,
    where a float's banker's rounding would say 4.2)."""
    rating = _seller(
        SellerInputs(
            orders=10,
            reliability=Tally(9, 10),
            delivery_quality=Tally(95, 100),
            timeliness=Tally(8, 10),
            catalogue=Tally(3, 4),
            incidents_decided=1,
        )
    )
    assert rating.exact == Fraction(425, 100)
    assert rating.score == Decimal("4.3")
    incidents = rating.components[-1]
    assert (incidents.name, incidents.counted, incidents.percent) == (
        "incidents",
        1,
        Decimal("75.0"),
    )


def test_ord9_five_incidents_take_the_whole_incidents_component_and_no_more() -> None:
    assert rules.incidents_share(4, Decimal("25")) == 0
    assert rules.incidents_share(5, Decimal("25")) == 0
    assert rules.incidents_share(0, Decimal("25")) == 1


def test_ord9_not_enough_data_below_the_minimum_orders() -> None:
    inputs = SellerInputs(orders=4, reliability=Tally(4, 4))
    rating = _seller(inputs)
    assert rating.score is None and not rating.enough_data and rating.exact == 5
    assert _seller(SellerInputs(orders=5, reliability=Tally(5, 5))).score == Decimal("5.0")


def test_ord9_no_components_no_score() -> None:
    rating = _buyer(BuyerInputs(orders=7))
    assert rating.exact is None and rating.score is None


def test_ord9_shown_rounds_exactly_half_up() -> None:
    assert rules.shown(Fraction(245, 100)) == Decimal("2.5")
    assert rules.shown(Fraction(2449999, 1000000)) == Decimal("2.4")
    assert rules.shown(Fraction(0)) == Decimal("0.0")
    assert rules.shown(Fraction(5)) == Decimal("5.0")


def test_ord9_seller_weights_must_make_100_percent() -> None:
    with pytest.raises(ValidationError, match="add up to 90%"):
        SellerRatingWeights(
            reliability_percent=Decimal("25"),
            delivery_quality_percent=Decimal("25"),
            timeliness_percent=Decimal("15"),
            catalogue_percent=Decimal("10"),
            incidents_percent=Decimal("15"),
        )
    assert sum(SELLER_WEIGHTS.values()) == 100


def test_ord9_a_tally_never_has_more_good_than_counted() -> None:
    with pytest.raises(ValueError):
        Tally(3, 2)


tallies = st.integers(0, 50).flatmap(
    lambda counted: st.builds(Tally, st.integers(0, counted), st.just(counted))
)
seller_inputs = st.builds(
    SellerInputs,
    orders=st.integers(0, 20),
    reliability=tallies,
    delivery_quality=tallies,
    timeliness=tallies,
    catalogue=tallies,
    incidents_decided=st.integers(0, 6),
)
buyer_inputs = st.builds(
    BuyerInputs,
    orders=st.integers(0, 20),
    bid_closure=tallies,
    order_placement=tallies,
    crac=tallies,
    payment=tallies,
)


@given(seller_inputs)
def test_ord9_seller_score_is_between_0_and_5(inputs: SellerInputs) -> None:
    rating = _seller(inputs)
    assert rating.exact is not None and 0 <= rating.exact <= 5
    if rating.score is not None:
        assert Decimal("0") <= rating.score <= Decimal("5")
        assert abs(Fraction(rating.score) - rating.exact) <= Fraction(1, 20)
    assert rating.enough_data == (inputs.orders >= 5)


@given(buyer_inputs)
def test_ord9_buyer_score_is_between_0_and_5(inputs: BuyerInputs) -> None:
    rating = _buyer(inputs, minimum_orders=1)
    if rating.exact is not None:
        assert 0 <= rating.exact <= 5


def _better(tally: Tally) -> Tally:
    """One more event done well (or one more counted and done well)."""
    if tally.good < tally.counted:
        return Tally(tally.good + 1, tally.counted)
    return Tally(tally.good + 1, tally.counted + 1)


@given(buyer_inputs, st.sampled_from(rules.BUYER_COMPONENTS))
def test_ord9_buyer_score_never_falls_when_a_component_improves(
    inputs: BuyerInputs, name: str
) -> None:
    before = _buyer(inputs, minimum_orders=0)
    field = name  # BuyerInputs fields are named after the components
    improved = BuyerInputs(
        **{
            **{f: getattr(inputs, f) for f in ("orders", *rules.BUYER_COMPONENTS)},
            field: _better(getattr(inputs, field)),
        }
    )
    after = _buyer(improved, minimum_orders=0)
    if getattr(inputs, field).counted:  # an existing component improved
        assert before.exact is not None and after.exact is not None
        assert after.exact >= before.exact
        assert after.score is not None and before.score is not None
        assert after.score >= before.score


@given(seller_inputs, st.sampled_from(rules.SELLER_COMPONENTS))
def test_ord9_seller_score_is_monotonic_in_each_component(inputs: SellerInputs, name: str) -> None:
    before = _seller(inputs, minimum_orders=0)
    fields = {f: getattr(inputs, f) for f in SellerInputs.__dataclass_fields__}
    if name == rules.INCIDENTS:
        worse = SellerInputs(**{**fields, "incidents_decided": inputs.incidents_decided + 1})
        after = _seller(worse, minimum_orders=0)
        assert before.exact is not None and after.exact is not None
        assert after.exact <= before.exact
        return
    if not getattr(inputs, name).counted:
        return
    improved = SellerInputs(**{**fields, name: _better(getattr(inputs, name))})
    after = _seller(improved, minimum_orders=0)
    assert before.exact is not None and after.exact is not None
    assert after.exact >= before.exact


# --- from the orders ---------------------------------------------------------------------

# Monday 1 June 2026, 10:00 IST.
T0 = dt.datetime(2026, 6, 1, 4, 30, tzinfo=dt.UTC)


def at(moment: dt.datetime):
    return clock.frozen_at(moment)


def _pay(world, order: Order) -> None:
    payment.bill_pay(
        order_id=order.pk, acting_user=world.paying_authority, idempotency_key=f"pay-{order.pk}"
    )


def _dispatch(world, order: Order) -> None:
    fulfilment.order_dispatch(
        order_id=order.pk,
        acting_user=world.seller_admin,
        invoice_number=f"INV-{order.pk}",
        invoice_date=clock.today_ist(),
        evidence="Docket 42, Safe Express",
    )


@pytest.fixture
def history(world):
    """Five orders of `world.seller_firm` for `world.office`:
    A accepted, delivered in time, 8 of 10 accepted in the CRAC, paid in time;
    B declined; C left unanswered and auto-cancelled (ORD-3);
    D accepted, delivered 3 days late, no CRAC (deemed, ORD-5), paid late;
    E accepted, its date extended without LD far ahead (not yet due).
    The firm's 6 L offer is out of stock."""
    with at(T0):
        market = make_market(world)
        a, b, c, d, e = (place(world, market) for _ in range(5))
        for order in (a, d, e):
            fulfilment.order_accept(order_id=order.pk, acting_user=world.seller_admin)
        fulfilment.order_decline(order_id=b.pk, acting_user=world.seller_admin, reason="No stock")
    with at(T0 + dt.timedelta(days=1)):
        drive(world, a, states.RECEIVED)
        _dispatch(world, d)
        _dispatch(world, e)
        fulfilment.order_extend(
            order_id=e.pk,
            acting_user=world.buyer,
            new_due_on=T0.date() + dt.timedelta(days=400),
            with_ld=False,
            reason="The building is not ready",
        )
    with at(T0 + dt.timedelta(days=2)):
        shipment = a.shipments.get()
        fulfilment.order_certify(
            order_id=a.pk,
            acting_user=world.consignee,
            lines=[
                CracLine(line.item_id, line.quantity - 2, 2, "Cracked casing")
                for line in shipment.lines.all()
            ],
        )
    with at(T0 + dt.timedelta(days=3)):
        _pay(world, a)
        orders_tick()  # C's window ended on Wednesday night: auto-cancelled
    d.refresh_from_db()
    late = dt.datetime.combine(d.delivery_due_on, dt.time(6, 0), tzinfo=dt.UTC)
    late += dt.timedelta(days=3)
    with at(late):
        fulfilment.order_deliver(order_id=d.pk, acting_user=world.seller_admin, proof="Challan")
        fulfilment.order_receive(order_id=d.pk, acting_user=world.consignee)
    with at(late + dt.timedelta(days=11)):
        orders_tick()  # D: deemed accepted
    with at(late + dt.timedelta(days=30)):
        _pay(world, d)
    end = late + dt.timedelta(days=30, hours=1)
    # One of the firm's three published offers is out of stock.
    Offer.objects.filter(pk=market.tata_6.pk).update(stock=0)
    orders = {
        name: Order.objects.get(pk=o.pk) for name, o in zip("abcde", (a, b, c, d, e), strict=True)
    }
    return market, orders, end


def _components(rating: Rating) -> dict[str, tuple[int, int, str | None]]:
    return {c["name"]: (c["good"], c["counted"], c["percent"]) for c in rating.components}


@pytest.mark.django_db
def test_ord9_ratings_from_orders_driven_through_the_services(world, history) -> None:
    _market, orders, end = history
    assert orders["c"].status == states.CANCELLED and orders["c"].closed_by_side == "SYSTEM"
    assert orders["d"].certification == Order.Certification.DEEMED
    assert orders["a"].status == orders["d"].status == states.PAID
    listed = Offer.objects.filter(seller_firm=world.seller_firm, status=Offer.Status.PUBLISHED)
    assert listed.count() == 3
    with at(end):
        result = ratings_refresh()
    assert result.policy_version == POLICY_VERSION

    seller = Rating.objects.get(seller_firm=world.seller_firm)
    assert seller.orders == 5
    assert _components(seller) == {
        "reliability": (3, 5, "60.0"),  # A, D, E accepted; B declined, C lapsed (ORD-3)
        "delivery_quality": (18, 20, "90.0"),  # A 8 of 10, D deemed 10 of 10 (ORD-5)
        "timeliness": (1, 2, "50.0"),  # A in time, D late, E not due (ORD-4)
        "catalogue": (2, 3, "66.7"),
        "incidents": (0, 0, "100.0"),
    }
    # 5 × (25×0.6 + 25×0.9 + 25×0.5 + 10×2/3 + 15×1) / 100 = 3.5833… → 3.6
    assert seller.score == Decimal("3.6")
    assert seller.policy_version == POLICY_VERSION and seller.computed_at == end

    buyer = Rating.objects.get(buyer_office=world.office)
    assert buyer.orders == 5
    assert _components(buyer) == {
        "bid_closure": (0, 0, None),  # no bids
        "order_placement": (5, 5, "100.0"),  # each L1 decision ordered at once
        "crac": (1, 2, "50.0"),  # A issued, D deemed
        "payment": (1, 2, "50.0"),  # A in time, D late (ORD-7)
    }
    # No bids: 5 × (15×1 + 30×0.5 + 40×0.5) / 85 = 2.94… → 2.9
    assert buyer.score == Decimal("2.9")

    # The firm's offers carry the score for search; other firms' none.
    documents = OfferDocument.objects.filter(seller_firm_id=world.seller_firm.pk)
    assert documents.exists()
    assert set(documents.values_list("rating_hundredths", flat=True)) == {360}
    assert set(listed.values_list("rating_hundredths", flat=True)) == {360}
    others = OfferDocument.objects.exclude(seller_firm_id=world.seller_firm.pk)
    assert set(others.values_list("rating_hundredths", flat=True)) == {None}
    [event] = AuditEvent.objects.filter(action="orders.ratings_refreshed")
    assert event.payload["rule"] == "ORD-9" and event.payload["rated_sellers"] == 1


POLICY_VERSION = policy_at(dt.date(2026, 6, 1)).version


@pytest.mark.django_db
def test_ord9_refresh_is_idempotent(world, history) -> None:
    _market, _orders, end = history
    with at(end):
        first = ratings_refresh()
        rows = list(Rating.objects.values_list("subject_key", "score", "orders", "components"))
        again = ratings_refresh()
    assert list(Rating.objects.values_list("subject_key", "score", "orders", "components")) == rows
    assert again.offers_changed == 0 and first.offers_changed > 0
    assert (again.sellers, again.buyers) == (first.sellers, first.buyers)
    with at(end + dt.timedelta(hours=1)):
        later = ratings_refresh()
    assert later.offers_changed == 0
    assert list(Rating.objects.values_list("subject_key", "score", "orders", "components")) == rows


@pytest.mark.django_db
def test_ord9_events_leave_the_window_and_the_rating_goes(world, history) -> None:
    _market, _orders, end = history
    with at(end):
        ratings_refresh()
    assert Rating.objects.filter(buyer_office=world.office).exists()
    window = dt.timedelta(days=POLICY.rating_window_days + 60)
    with at(end + window):
        ratings_refresh()
    # No orders left in the window: the office has nothing to be rated on; the
    # firm is still listed (catalogue) but has too few orders for a score.
    assert not Rating.objects.filter(buyer_office=world.office).exists()
    seller = Rating.objects.get(seller_firm=world.seller_firm)
    assert seller.score is None and seller.orders == 0
    assert set(
        OfferDocument.objects.filter(seller_firm_id=world.seller_firm.pk).values_list(
            "rating_hundredths", flat=True
        )
    ) == {None}


@pytest.mark.django_db
def test_ord9_search_sorts_by_the_rating(world, history) -> None:
    market, _orders, end = history
    with at(end):
        ratings_refresh()
    # The other firm's rating, as a second refresh on other orders would set it.
    index.seller_ratings_set(hundredths_by_firm={world.other_seller_firm.pk: 480})
    result = search_offers(
        actor=None,
        query=SearchQuery(category_code=market.category.code, sort=search_rules.RATING),
    )
    ratings = [hit.rating_hundredths for hit in result.hits]
    assert ratings[0] == 480
    assert ratings[1:4] == [360, 360, 360]
    assert ratings[4:] == [None] * (len(ratings) - 4)


@pytest.mark.django_db
def test_ord9_the_seller_profile_shows_the_rating_and_its_components(
    client, world, history
) -> None:
    _market, orders, end = history
    with at(end):
        ratings_refresh()
    url = f"/orders/ratings/sellers/{world.seller_firm.pk}/"
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response["Location"]  # anonymous
    # Any signed-in user: a buyer of another organisation, the seller itself, an operator.
    for user in (world.other_buyer, world.buyer, world.seller_admin, world.operator):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "3.6 out of 5" in page and "from 5 orders" in page, user
        assert "Reliability" in page and "3 of 5" in page and "60.0%" in page
        assert "66.7%" in page and "0 incidents" in page
    assert client.get("/orders/ratings/sellers/999999/").status_code == 404
    # The order page links both parties' ratings.
    client.force_login(world.buyer)
    order_page = client.get(f"/orders/{orders['a'].number}/").content.decode()
    assert url in order_page and f"/orders/ratings/offices/{world.office.pk}/" in order_page


@pytest.mark.django_db
def test_ord9_the_buyer_office_page_and_who_sees_it(client, world, history) -> None:
    _market, _orders, end = history
    with at(end):
        ratings_refresh()
    url = f"/orders/ratings/offices/{world.office.pk}/"
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response["Location"]  # anonymous
    # Another organisation's buyer: not theirs to see.
    client.force_login(world.other_buyer)
    assert client.get(url).status_code == 404
    client.force_login(world.other_primary)
    assert client.get(url).status_code == 404
    # The office's own people (any role), its Primary User, sellers, operators.
    for user in (
        world.buyer,
        world.consignee,
        world.paying_authority,
        world.primary,
        world.seller_admin,
        world.other_seller_admin,
        world.operator,
    ):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "2.9 out of 5" in page, user
        assert "CRACs issued in time" in page and "Payments made in time" in page
        assert "no data yet" in page  # bid closure: no bids
    # Another office of the same organisation sees it too (same organisation).
    colleague = make_secondary_user(
        primary=world.primary,
        unit=make_unit(parent=world.organisation, name="District Hospital Agra"),
        roles=[Role.BUYER],
    )
    client.force_login(colleague)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_ord9_search_and_offer_pages_show_the_rating_only_with_the_sellers_name(
    client, world, history
) -> None:
    market, _orders, end = history
    with at(end):
        ratings_refresh()
    offer_url = f"/catalogue/offers/{market.tata_9.pk}/"
    search_url = f"/catalogue/search/?category={market.category.code}&sort=rating"
    rating_url = f"/orders/ratings/sellers/{world.seller_firm.pk}/"
    # The firm's own users and operators see who sells, and so its rating.
    for user in (world.seller_admin, world.operator):
        client.force_login(user)
        for url in (offer_url, search_url):
            page = client.get(url).content.decode()
            assert "Rated 3.6 out of 5" in page and rating_url in page, (user, url)
    # Buyers choose on the offer, not the firm (the seller's name is hidden):
    # nothing that names the firm, its rating included, is on the page.
    client.force_login(world.buyer)
    for url in (offer_url, search_url):
        page = client.get(url).content.decode()
        assert "Rated 3.6" not in page and rating_url not in page, url
        assert world.seller_firm.name not in page


# --- what the other apps count -------------------------------------------------------------


@pytest.mark.django_db
def test_ord9_bid_closure_counts_bids_closed_within_their_offer_validity(world) -> None:
    """Validity 90 days from the opening: awarded on day 30 and exactly on
    day 90 are in time; cancelled on day 95 and still undecided on day 100
    are late; a bid opened 10 days ago and undecided is not counted yet."""
    now = T0 + dt.timedelta(days=200)
    opened = T0 - dt.timedelta(days=10)
    day = dt.timedelta(days=1)

    def bid(**fields):
        return make_bid(world, published_at=opened - dt.timedelta(days=10), **fields)

    bid(status=bid_states.AWARDED, awarded_at=opened + 30 * day)
    bid(status=bid_states.AWARDED, awarded_at=opened + 90 * day)
    bid(status=bid_states.CANCELLED, cancelled_at=opened + 95 * day, cancel_reason="Budget cut")
    bid(status=bid_states.TECHNICAL_EVALUATION)  # undecided, 200 days on
    make_bid(
        world, published_at=now - 20 * day, status=bid_states.TECHNICAL_EVALUATION
    )  # opened 10 days before `now`
    make_bid(world, published_at=now - 20 * day, status=bid_states.DRAFT)
    counts = bid_closure_counts(now - 365 * day, now)
    assert counts == {world.office.pk: Tally(2, 4)}
    # Through the refresh, into the office's rating.
    with at(now):
        ratings_refresh()
    rating = Rating.objects.get(buyer_office=world.office)
    assert _components(rating)["bid_closure"] == (2, 4, "50.0")
    assert rating.orders == 0 and rating.score is None  # no orders: not enough data


@pytest.mark.django_db
def test_ord9_incidents_decided_against_the_firm_lower_its_rating(world) -> None:
    """INC-2 into ORD-9: a decided incident counts (−25%); one overturned on
    appeal does not."""
    upheld = incidents.incident_decide(
        acting_user=world.operator, incident=replied(world), severity="mild", reasons="Late."
    )
    overturned = incidents.incident_decide(
        acting_user=world.operator, incident=replied(world), severity="mild", reasons="Late."
    )
    incidents.incident_appeal(acting_user=world.seller_admin, incident=overturned, text="Unfair.")
    incidents.appeal_decide(
        acting_user=world.operator, incident=overturned, outcome="OVERTURNED", reasons="Proved."
    )
    assert upheld.respondent_firm_id == world.seller_firm.pk
    ratings_refresh()
    rating = Rating.objects.get(seller_firm=world.seller_firm)
    assert _components(rating)["incidents"] == (0, 1, "75.0")


@pytest.mark.django_db
def test_ord9_the_refresh_runs_hourly_on_beat_and_as_a_command(world, history) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["orders-ratings-refresh"]
    assert entry == {"task": "kraya.orders.ratings_refresh", "schedule": 3600.0}
    assert app.tasks[entry["task"]].name == ratings_refresh_task.name == entry["task"]
    _market, _orders, end = history
    out = StringIO()
    with at(end):
        call_command("ratings_refresh", stdout=out)
    assert "sellers=" in out.getvalue() and "rated_sellers=1" in out.getvalue()
    with at(end):
        assert ratings_refresh_task()["rated_buyers"] == 1
    assert Rating.objects.get(seller_firm=world.seller_firm).score == Decimal("3.6")


@pytest.mark.django_db
def test_ord9_the_refresh_costs_the_same_statements_for_more_orders(world, history) -> None:
    """Grouped queries, not a loop over orders: three more orders (same firm,
    same office) and the refresh runs exactly as many statements."""
    market, _orders, end = history
    with at(end), CaptureQueriesContext(connection) as before:
        ratings_refresh()
    with at(end - dt.timedelta(days=1)):
        for _ in range(3):
            place(world, market)
    with at(end), CaptureQueriesContext(connection) as after:
        ratings_refresh()
    assert len(after.captured_queries) == len(before.captured_queries)
    assert len(before.captured_queries) < 30
    assert Rating.objects.get(seller_firm=world.seller_firm).orders == 8
