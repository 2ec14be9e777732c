"""Issue 8 item 6: `kraya seed --orders N` adds consistent order history,
which the full rebuild rolls up."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Q, Sum

from kraya.insights import synthetic
from kraya.insights.models import MonthRollup
from kraya.insights.services import insights_refresh
from kraya.orders.models import Order

pytestmark = pytest.mark.django_db


def test_seed_orders_history_is_consistent_and_rolls_up(settings):
    settings.DEBUG = True
    call_command("seed", "--orders", "400", "--seed", "3")
    seeded = Order.objects.filter(policy_version=synthetic.SYNTHETIC)
    assert seeded.count() == 400
    statuses = set(seeded.values_list("status", flat=True))
    assert "PAID" in statuses
    assert not seeded.filter(status="PAID", paid_at__isnull=True).exists()
    assert not seeded.filter(
        Q(status__in=["DECLINED", "CANCELLED"]), closed_at__isnull=True
    ).exists()
    assert not seeded.filter(updated_at__lt=models_placed()).exists()
    assert len(set(seeded.values_list("mode", flat=True))) == 3
    assert seeded.values("buyer_office").distinct().count() > 20

    insights_refresh(full=True)
    counted = seeded.exclude(status__in=["DECLINED", "CANCELLED"])
    assert MonthRollup.objects.aggregate(n=Sum("orders"), g=Sum("gmv_paise")) == {
        "n": counted.count(),
        "g": counted.aggregate(g=Sum("total_paise"))["g"],
    }
    assert synthetic.seed_orders(orders=400, seed=3).already_seeded
    with pytest.raises(synthetic.SeedRefused):
        synthetic.seed_orders(orders=401, seed=3)


def models_placed():
    from django.db.models import F

    return F("placed_at")
