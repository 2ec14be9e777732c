"""Races on PostgreSQL (row locks are real there; SQLite serialises whole
transactions, so these tests run only on PostgreSQL, as CI does)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from kraya.buying import services
from kraya.buying.models import Demand, SplitRefusal
from kraya.buying.services import LineInput, SplitRefused
from kraya.catalog.models import Offer
from kraya.core.errors import Conflict
from kraya.orders.models import Order, OrderItem
from tests.buying.market import ADDRESS, LUCKNOW_PIN, UP, make_market

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races need PostgreSQL"),
]


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment, each in its own thread and database
    connection; return what each returned or raised."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _demand(market, buyer, quantity):
    world = market.world
    made = services.demand_create(
        acting_user=buyer,
        office=world.office,
        consignee_id=world.consignee.pk,
        lines=[LineInput(market.usha_9.pk, quantity)],
        delivery_state=UP,
        delivery_pincode=LUCKNOW_PIN,
        delivery_address=ADDRESS,
        mode="L1",
    )
    services.funds_block(acting_user=world.paying_authority, demand=made)
    return made


def test_two_buyers_race_for_the_last_stock(world) -> None:
    """ORD-1: exactly one order gets the last 10 units; the other buyer is
    told the stock ran out; stock never goes negative."""
    market = make_market(world)
    Offer.objects.filter(pk=market.tata_9.pk).update(stock=10)
    first = _demand(market, world.buyer, 10)
    second = _demand(market, market.second_buyer, 10)
    for made in (first, second):
        assert made.lines.get().selected_offer_id == market.tata_9.pk

    results = race(
        lambda: services.order_place(acting_user=world.buyer, demand=first),
        lambda: services.order_place(acting_user=market.second_buyer, demand=second),
    )

    placed = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(placed) == 1 and len(refused) == 1
    assert isinstance(refused[0], Conflict)
    assert refused[0].code == "buying.out_of_stock"
    assert Offer.objects.get(pk=market.tata_9.pk).stock == 0
    assert Order.objects.count() == 1
    assert OrderItem.objects.get().quantity == 10
    statuses = sorted(Demand.objects.values_list("status", flat=True))
    assert statuses == [Demand.Status.ORDERED, Demand.Status.SANCTIONED]


def test_the_same_demand_ordered_twice_at_once_makes_one_order(world) -> None:
    market = make_market(world)
    made = _demand(market, world.buyer, 5)
    results = race(
        lambda: services.order_place(acting_user=world.buyer, demand=made),
        lambda: services.order_place(acting_user=world.buyer, demand=made),
    )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "list"]
    assert Order.objects.count() == 1
    assert Offer.objects.get(pk=market.tata_9.pk).stock == 95


def test_two_halves_of_a_split_made_at_once_are_caught(world) -> None:
    """MODE-5: the office's row lock makes the second half see the first."""
    market = make_market(world)

    def half(buyer):
        return lambda: services.demand_create(
            acting_user=buyer,
            office=world.office,
            consignee_id=world.consignee.pk,
            lines=[LineInput(market.tata_6.pk, 6)],  # ₹30,000 each, ₹60,000 together
            delivery_state=UP,
            delivery_pincode=LUCKNOW_PIN,
            delivery_address=ADDRESS,
        )

    results = race(half(world.buyer), half(market.second_buyer))
    assert sorted(type(r).__name__ for r in results) == ["Demand", "SplitRefused"]
    assert any(isinstance(r, SplitRefused) for r in results)
    assert Demand.objects.count() == 1 and SplitRefusal.objects.count() == 1
