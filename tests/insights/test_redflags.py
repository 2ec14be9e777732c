"""OPEN-4: each red flag with a positive and a negative case against the real
database, the sealed-bid guard, idempotence, and who may see the flags."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from kraya.core import audit, clock
from kraya.core.policy import policy_in_force
from kraya.insights.redflags import rules
from kraya.insights.redflags.compute import redflags_compute
from kraya.insights.redflags.models import RedFlag
from kraya.orders.models import OrderItem
from tests.bids.factory import make_bid, make_submission
from tests.bids.flow import opened_bid, ranked_bid
from tests.factories import make_listed_offer

from .helpers import category, place

pytestmark = pytest.mark.django_db


def _flags(kind: str) -> list[RedFlag]:
    return list(RedFlag.objects.filter(kind=kind).order_by("pk"))


# --- single bidder ----------------------------------------------------------------


def test_open4_single_bidder_flagged_after_technical_opening(world):
    bid, _subs = opened_bid(world, [{"prices": {1: 9_500_00}}])
    redflags_compute(now=bid.technical_opened_at + dt.timedelta(hours=1))
    [flag] = _flags(rules.SINGLE_BIDDER)
    assert (flag.bid_id, flag.process_ref, flag.key) == (bid.pk, bid.number, f"bid:{bid.pk}")
    assert flag.evidence["seller_firm_id"] == world.seller_firm.pk
    assert flag.seller_firm_ids == [world.seller_firm.pk]
    assert flag.department_id == world.department.pk


def test_open4_two_bidders_not_flagged(world):
    bid, _subs = opened_bid(world, [{"prices": {1: 9_500_00}}, {"prices": {1: 9_700_00}}])
    redflags_compute(now=bid.technical_opened_at + dt.timedelta(hours=1))
    assert _flags(rules.SINGLE_BIDDER) == []


def test_open4_sealed_bid_with_one_submission_is_never_counted(world):
    """BID-4/BID-5: before its technical opening a bid's submissions stay
    sealed; the detector does not count them, even past the end time."""
    bid = make_bid(world, published_at=clock.now() - dt.timedelta(days=12))
    make_submission(bid, world.seller_firm, world.seller_admin, prices={1: 9_500_00})
    redflags_compute(now=bid.opening_at + dt.timedelta(days=1))
    assert _flags(rules.SINGLE_BIDDER) == []


# --- short bid period -------------------------------------------------------------


def test_open4_bid_period_below_minimum_flagged_exact_minimum_not(world):
    short = make_bid(world, published_at=clock.now() - dt.timedelta(days=1), days=5)
    make_bid(world, published_at=clock.now() - dt.timedelta(days=1), days=10)
    redflags_compute()
    [flag] = _flags(rules.SHORT_BID_PERIOD)
    assert flag.bid_id == short.pk
    assert flag.evidence["period_hours"] == 5 * 24
    assert flag.thresholds == {"short_bid_period_days": 10}


# --- repeated winner pairs --------------------------------------------------------


def test_open4_repeated_pair_more_than_five_orders_in_90_days(world):
    now = clock.now()
    orders = [place(world, at=now - dt.timedelta(days=10 * i + 1), rupees=1_000) for i in range(6)]
    redflags_compute()
    [flag] = _flags(rules.REPEATED_WINNER)
    assert flag.key == f"pair:{world.office.pk}:{world.seller_firm.pk}"
    assert flag.evidence["orders"] == 6
    assert flag.evidence["total_paise"] == 6 * 100_000
    assert flag.process_ref == orders[0].number  # the latest
    assert set(flag.evidence["order_numbers"]) == {o.number for o in orders}


def test_open4_five_orders_or_old_orders_not_flagged(world):
    now = clock.now()
    for i in range(5):
        place(world, at=now - dt.timedelta(days=i + 1), rupees=1_000)
    # A sixth, but outside the 90-day window.
    place(world, at=now - dt.timedelta(days=120), rupees=1_000)
    redflags_compute()
    assert _flags(rules.REPEATED_WINNER) == []


# --- identical prices -------------------------------------------------------------


def test_open4_identical_prices_from_different_sellers_flagged(world):
    bid, _subs = ranked_bid(
        world,
        [{"prices": {1: 9_500_00}}, {"prices": {1: 9_500_00}}, {"prices": {1: 9_900_00}}],
    )
    redflags_compute(now=bid.financial_opened_at + dt.timedelta(hours=1))
    [flag] = _flags(rules.IDENTICAL_PRICES)
    assert flag.bid_id == bid.pk
    assert flag.evidence["quotes"] == 3
    assert flag.evidence["identical"] == [
        {
            "price_paise": 9_500_00,
            "seller_firm_ids": sorted([world.seller_firm.pk, world.other_seller_firm.pk]),
        }
    ]


def test_open4_different_prices_or_unopened_financials_not_flagged(world):
    bid, _subs = ranked_bid(world, [{"prices": {1: 9_500_00}}, {"prices": {1: 9_600_00}}])
    # Identical quotes still sealed in their financial packets: not read.
    opened_bid(world, [{"prices": {1: 8_000_00}}, {"prices": {1: 8_000_00}}])
    redflags_compute(now=bid.financial_opened_at + dt.timedelta(hours=1))
    assert _flags(rules.IDENTICAL_PRICES) == []


# --- shared login IP --------------------------------------------------------------


def _login(user, ip: str, at: dt.datetime) -> None:
    with clock.frozen_at(at), transaction.atomic():
        audit.record(actor=user, action="auth.login", target=user, ip=ip)


def test_open4_buyer_and_seller_sign_in_from_one_ip_flagged(world):
    now = clock.now()
    order = place(world, at=now - dt.timedelta(days=40), rupees=5_000)
    _login(world.buyer, "198.51.100.7", now - dt.timedelta(hours=5))
    _login(world.seller_admin, "198.51.100.7", now - dt.timedelta(hours=3))
    redflags_compute(now=now)
    [flag] = _flags(rules.SHARED_IP)
    assert flag.evidence["ip"] == "198.51.100.7"
    assert flag.evidence["minutes_apart"] == 120
    assert flag.evidence["buyer_user_id"] == world.buyer.pk
    assert flag.evidence["seller_user_id"] == world.seller_admin.pk
    assert (flag.order_id, flag.process_ref) == (order.pk, order.number)


def test_open4_shared_ip_without_business_or_far_apart_not_flagged(world):
    now = clock.now()
    place(world, at=now - dt.timedelta(days=40), rupees=5_000)
    # Same IP, but the other firm never sold to the office.
    _login(world.buyer, "198.51.100.8", now - dt.timedelta(hours=5))
    _login(world.other_seller_admin, "198.51.100.8", now - dt.timedelta(hours=4))
    # The firm that did sell, but its sign-in is 3 days from the buyer's.
    _login(world.consignee, "198.51.100.9", now - dt.timedelta(days=4))
    _login(world.seller_admin, "198.51.100.9", now - dt.timedelta(days=1))
    redflags_compute(now=now)
    assert _flags(rules.SHARED_IP) == []


# --- price far above past transactions --------------------------------------------


def _bought(world, offer, *, at: dt.datetime, unit_rupees: int):
    order = place(world, at=at, rupees=unit_rupees)
    OrderItem.objects.create(
        order=order,
        offer=offer,
        product=offer.product,
        title="Brass lamp",
        brand="Kraya Test Brand",
        manufacturer="Kraya",
        quantity=1,
        unit_price_paise=unit_rupees * 100,
        total_paise=unit_rupees * 100,
    )
    return order


def test_open4_price_far_above_median_of_past_orders(world):
    offer = make_listed_offer(
        seller=world.seller_admin, firm=world.seller_firm, category=category()
    )
    now = clock.now()
    for days, rupees in ((100, 500), (80, 520), (60, 480)):
        _bought(world, offer, at=now - dt.timedelta(days=days), unit_rupees=rupees)
    dear = _bought(world, offer, at=now - dt.timedelta(days=2), unit_rupees=751)
    _bought(world, offer, at=now - dt.timedelta(days=1), unit_rupees=750)  # exactly +50 %
    redflags_compute(now=now)
    [flag] = _flags(rules.PRICE_ABOVE_PAST)
    assert flag.order_id == dear.pk
    assert flag.evidence["median_paise"] == 500_00
    assert flag.evidence["above_percent"] == "50.2"
    assert flag.evidence["earlier_orders"] == 3


def test_open4_price_with_too_little_history_not_flagged(world):
    offer = make_listed_offer(
        seller=world.seller_admin, firm=world.seller_firm, category=category()
    )
    now = clock.now()
    _bought(world, offer, at=now - dt.timedelta(days=50), unit_rupees=500)
    _bought(world, offer, at=now - dt.timedelta(days=40), unit_rupees=500)
    _bought(world, offer, at=now - dt.timedelta(days=1), unit_rupees=5_000)
    redflags_compute(now=now)
    assert _flags(rules.PRICE_ABOVE_PAST) == []


# --- the job ----------------------------------------------------------------------


def test_open4_compute_is_idempotent_and_removes_what_no_longer_holds(world):
    bid = make_bid(world, published_at=clock.now() - dt.timedelta(days=1), days=5)
    first = redflags_compute()
    assert (first.created, first.updated) == (1, 0)
    [flag] = _flags(rules.SHORT_BID_PERIOD)
    again = redflags_compute()
    assert (again.created, again.updated, again.removed) == (0, 1, 0)
    assert _flags(rules.SHORT_BID_PERIOD)[0].pk == flag.pk
    bid.end_at = bid.published_at + dt.timedelta(days=14)
    bid.opening_at = bid.end_at
    bid.save()
    assert redflags_compute().removed == 1
    assert _flags(rules.SHORT_BID_PERIOD) == []


def test_open4_command_and_policy_are_provisional(world):
    policy = policy_in_force()
    assert policy.integrity.provisional is True
    assert policy.receipt("integrity")["provisional"] is True
    call_command("redflags", "compute")
    assert RedFlag.objects.count() == 0


# --- who sees them ----------------------------------------------------------------


@pytest.fixture
def flagged(world):
    make_bid(world, published_at=clock.now() - dt.timedelta(days=1), days=5)
    redflags_compute()
    return RedFlag.objects.get()


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_open4_pages_anonymous_sent_to_sign_in(flagged):
    for url in (reverse("redflags:list"), reverse("redflags:flag", args=[flagged.pk])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"


def test_open4_pages_wrong_role_403(world, flagged):
    for user in (world.buyer, world.seller_admin):
        assert _client(user).get(reverse("redflags:list")).status_code == 403
        assert _client(user).get(reverse("redflags:flag", args=[flagged.pk])).status_code == 403


def test_open4_other_department_sees_none_and_gets_404(world, flagged):
    client = _client(world.other_primary)
    response = client.get(reverse("redflags:list"))
    assert response.status_code == 200
    assert flagged.process_ref.encode() not in response.content
    assert client.get(reverse("redflags:flag", args=[flagged.pk])).status_code == 404


@pytest.mark.parametrize("language", ["en", "hi"])
def test_open4_department_official_and_operator_see_the_flag(world, flagged, language):
    for user in (world.primary, world.operator):
        client = _client(user)
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        listing = client.get(reverse("redflags:list"))
        assert listing.status_code == 200
        assert flagged.process_ref.encode() in listing.content
        detail = client.get(reverse("redflags:flag", args=[flagged.pk]))
        assert detail.status_code == 200
        assert f'<html lang="{language}">'.encode() in detail.content
        assert reverse("bids:bid", kwargs={"bid_id": flagged.bid_id}).encode() in detail.content


def test_open4_rule_ignores_unopened_rows_even_if_given():
    """The pure guard behind the sealed-bid test: no opening, no count."""
    now = clock.now()
    row = rules.BidRow(1, "B-1", 1, now, now, technical_opened_at=None, firm_ids=(7,))
    assert rules.single_bidder([row]) == []
    opened = rules.BidRow(1, "B-1", 1, now, now, technical_opened_at=now, firm_ids=(7,))
    assert [f.key for f in rules.single_bidder([opened])] == ["bid:1"]
