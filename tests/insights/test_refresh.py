"""OPEN-2, issue 8 item 6: the rollups, checked exactly on a small fixed
dataset, and the incremental refresh equal to a full rebuild."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db.models import Sum

from kraya.core import clock
from kraya.insights import selectors
from kraya.insights.models import (
    BuyerRollup,
    CategoryRollup,
    MonthRollup,
    OrderFact,
    PlaceRollup,
)
from kraya.insights.services import insights_refresh
from kraya.insights.services.refresh import OVERLAP
from tests.factories import make_unit

from .helpers import category, give_segments, ist, move, place

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, list[tuple]]:
    def rows(model, *keys):
        return sorted(model.objects.filter(orders__gt=0).values_list(*keys, "orders", "gmv_paise"))

    return {
        "month": rows(MonthRollup, "month", "fy", "mode", "segments"),
        "place": rows(PlaceRollup, "fy", "state", "district", "segments"),
        "buyer": rows(
            BuyerRollup, "fy", "department_id", "organisation_id", "office_id", "segments"
        ),
        "category": rows(CategoryRollup, "fy", "category_id", "mode"),
    }


def test_open2_fy_boundary_in_ist_exact_totals(world):
    """31 Mar 23:59 IST and 1 Apr 00:01 IST (the same UTC date) land in FY
    2024-25 and FY 2025-26; figures are exact."""
    give_segments(world.seller_firm, "MSE", "WOMAN")
    chairs = category()
    place(world, at=ist(2025, 3, 31, 23, 59), rupees=1_000, cat=chairs)
    place(world, at=ist(2025, 4, 1, 0, 1), rupees=2_500, cat=chairs, mode="L1")
    place(world, at=ist(2025, 4, 15), rupees=400, firm=world.other_seller_firm)
    insights_refresh(full=True)

    by_fy = {t.key: (t.orders, t.gmv_paise) for t in selectors.fy_totals()}
    assert by_fy == {2024: (1, 100_000), 2025: (2, 290_000)}
    months = {t.key: (t.orders, t.gmv_paise) for t in selectors.month_totals(2025)}
    assert months[202504] == (2, 290_000)
    assert months[202505] == (0, 0)
    assert {t.key: t.gmv_paise for t in selectors.mode_totals(2025)} == {
        "L1": 250_000,
        "DIRECT": 40_000,
    }
    segments = selectors.segment_totals(2025)
    assert (segments["MSE"].orders, segments["MSE"].gmv_paise) == (1, 250_000)
    assert segments["WOMAN"].gmv_paise == 250_000
    assert segments["SC_ST"].gmv_paise == 0
    assert segments[""].gmv_paise == 290_000
    [department] = selectors.department_totals(2025)
    assert department.key == world.department.pk
    assert department.share("MSE") == pytest.approx(86.2)  # 2,500 of 2,900
    categories = {t.key: t.gmv_paise for t in selectors.category_totals(2025)}
    assert categories == {chairs.pk: 250_000, 0: 40_000}


def test_open2_cancelled_and_declined_orders_leave_gmv(world):
    kept = place(world, at=ist(2025, 6, 1), rupees=700)
    cancelled = place(world, at=ist(2025, 6, 2), rupees=300)
    declined = place(world, at=ist(2025, 6, 3), rupees=200)
    insights_refresh(full=True)
    assert [(t.orders, t.gmv_paise) for t in selectors.fy_totals()] == [(3, 120_000)]

    with clock.frozen_at(clock.now() + dt.timedelta(minutes=1)):
        move(cancelled, "CANCELLED")
        move(declined, "DECLINED")
        move(kept, "PAID")
    insights_refresh()
    assert [(t.orders, t.gmv_paise) for t in selectors.fy_totals()] == [(1, 70_000)]
    assert set(OrderFact.objects.values_list("order_id", flat=True)) == {kept.pk}


def test_open2_place_and_district_from_the_office_tree(world):
    lucknow = make_unit(
        parent=world.organisation, name="Store Lucknow", state="Uttar Pradesh", district="Lucknow"
    )
    place(world, at=ist(2025, 5, 1), rupees=100, office=lucknow)
    insights_refresh(full=True)
    [state] = selectors.state_totals(2025)
    assert (state.key, state.gmv_paise) == ("Uttar Pradesh", 10_000)
    [district] = selectors.district_totals(2025, "Uttar Pradesh")
    assert district.key == "Lucknow"


def test_refresh_is_idempotent_and_reads_only_changes(world):
    place(world, at=ist(2025, 5, 1), rupees=100)
    insights_refresh(full=True)
    before = _snapshot()
    again = insights_refresh()
    assert again.orders_read == 1  # the overlap window re-reads, harmlessly
    assert _snapshot() == before
    # The watermark follows the orders: once a later change is read, the
    # earlier order is outside the overlap and not read again.
    with clock.frozen_at(clock.now() + OVERLAP * 3):
        place(world, at=ist(2025, 5, 2), rupees=50)
        assert insights_refresh().orders_read == 2
        assert insights_refresh().orders_read == 1
    assert [(t.orders, t.gmv_paise) for t in selectors.fy_totals()] == [(2, 15_000)]


def test_incremental_refresh_equals_full_rebuild_over_random_changes(world):
    """A randomised sequence of placements and status changes, refreshed
    incrementally after each step, always equals a rebuild from scratch."""
    rng = random.Random(8)
    give_segments(world.seller_firm, "MSE", "SC_ST")
    give_segments(world.other_seller_firm, "WOMAN", "GI")
    cats = [category("Chairs"), category("Cleaning", kind="SERVICE"), None]
    firms = [world.seller_firm, world.other_seller_firm]
    offices = [world.office, world.other_office]
    orders = []
    moment = clock.now()
    insights_refresh(full=True)
    for step in range(12):
        moment += dt.timedelta(minutes=rng.choice([1, 2, 11]))
        with clock.frozen_at(moment):
            for _ in range(rng.randrange(1, 5)):
                at = ist(2025, 3, 31, 23, 59) + dt.timedelta(minutes=rng.randrange(-90, 90) * 30)
                orders.append(
                    place(
                        world,
                        at=at,
                        rupees=rng.randrange(100, 100_000),
                        firm=rng.choice(firms),
                        office=rng.choice(offices),
                        cat=rng.choice(cats),
                        mode=rng.choice(["DIRECT", "L1", "BID"]),
                    )
                )
            for order in rng.sample(orders, k=min(2, len(orders))):
                move(order, rng.choice(["ACCEPTED", "PAID", "CANCELLED", "DECLINED"]))
            insights_refresh(batch_size=rng.choice([1, 3, 50]))
        incremental = _snapshot()
        insights_refresh(full=True)
        assert _snapshot() == incremental, f"step {step}"
    assert MonthRollup.objects.aggregate(g=Sum("gmv_paise"))["g"] == sum(
        o.total_paise for o in type(orders[0]).objects.exclude(status__in=["CANCELLED", "DECLINED"])
    )


def test_headcounts(world):
    give_segments(world.seller_firm, "MSE")
    insights_refresh(full=True)
    heads = selectors.headcounts()
    assert heads[("sellers_segment", "MSE")] == 1
    assert heads[("sellers_segment", "WOMAN")] == 0
    assert heads[("buyer_organisations", "")] == 2
    assert heads[("primary_users", "")] == 2
    assert heads[("secondary_users", "")] == 4
