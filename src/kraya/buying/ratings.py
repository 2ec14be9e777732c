"""ORD-9: what buying tells the buyer ratings — whether each office ordered
its purchase decisions in time. Registered with
`kraya.orders.services.ratings` when Django starts (`kraya.buying.apps`):
orders may not import buying.

A demand line's decision (MODE-2's direct purchase or MODE-3's L1 choice,
`decided_at`) is ordered in time when its order is placed within the
policy's `order_placement_days` (provisional: the sources give no number; the
decision rests on prices and stock of that day). Counted: decisions taken in
the window that were ordered, or that are past the period unordered while
their demand is still live (a cancelled demand is not counted: cancelling
is not a late order). The period is the policy's in force at `now`."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q

from kraya.buying.models import Demand, DemandLine
from kraya.core import clock
from kraya.core.policy import policy_at
from kraya.orders.rules.ratings import Tally


def order_placement_counts(since: dt.datetime, now: dt.datetime) -> dict[int, Tally]:
    """Per buyer office: decisions ordered in time, of those due (one query)."""
    period = dt.timedelta(days=policy_at(clock.to_ist(now).date()).orders.order_placement_days)
    rows = (
        DemandLine.objects.filter(
            decided_at__gte=since, decided_at__lte=now, selected_offer__isnull=False
        )
        .alias(took=ExpressionWrapper(F("order__placed_at") - F("decided_at"), DurationField()))
        .values("demand__office_id")
        .annotate(
            in_time=Count("id", filter=Q(order__isnull=False, took__lte=period)),
            late=Count(
                "id",
                filter=Q(order__isnull=False, took__gt=period)
                | (
                    Q(order__isnull=True, decided_at__lt=now - period)
                    & ~Q(demand__status=Demand.Status.CANCELLED)
                ),
            ),
        )
        .order_by()
    )
    return {
        row["demand__office_id"]: Tally(good=row["in_time"], counted=row["in_time"] + row["late"])
        for row in rows
    }
