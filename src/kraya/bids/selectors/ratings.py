"""ORD-9: what the bids app tells the buyer ratings — whether each office
closed its bids in time. Registered with `kraya.orders.services.ratings`
when Django starts (`kraya.bids.apps`): orders may not import bids.

A bid is closed in time when the buyer awards or cancels it (BID-8) within
the bids' offer validity counted from the opening (BID-1: the offers bind
the bidders only so long; a bid left undecided past it has to be re-tendered).
Counted: the bids opened in the window whose validity has ended or which are
closed; a bid still open within its validity is not counted yet."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BigIntegerField, Count, DateTimeField, F, Func, Q, Value
from django.db.models.functions import Coalesce

from kraya.bids import states
from kraya.bids.models import Bid
from kraya.orders.rules.ratings import Tally

_DAY_SECONDS = 86_400


class SecondsBetween(Func):
    """Whole seconds from the first datetime to the second (either database)."""

    arity = 2
    output_field = BigIntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST((julianday(%(expressions)s)) * 86400 AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(FLOOR(EXTRACT(EPOCH FROM (%(expressions)s))) AS BIGINT)",
            arg_joiner=" - ",
            **extra,
        )


def bid_closure_counts(since: dt.datetime, now: dt.datetime) -> dict[int, Tally]:
    """Per buyer office: bids closed within their offer validity, of the bids
    opened in [since, now] that are closed or past their validity (one query)."""
    rows = (
        Bid.objects.filter(opening_at__gte=since, opening_at__lte=now)
        .exclude(status=states.DRAFT)
        .alias(
            closed_at=Coalesce("awarded_at", "cancelled_at"),
            validity_seconds=F("offer_validity_days") * _DAY_SECONDS,
        )
        .alias(
            closed_after=SecondsBetween("closed_at", "opening_at"),
            open_for=SecondsBetween(Value(now, output_field=DateTimeField()), "opening_at"),
        )
        .values("office_id")
        .annotate(
            in_time=Count(
                "id",
                filter=Q(closed_at__isnull=False, closed_after__lte=F("validity_seconds")),
            ),
            late=Count(
                "id",
                filter=Q(closed_at__isnull=False, closed_after__gt=F("validity_seconds"))
                | Q(closed_at__isnull=True, open_for__gt=F("validity_seconds")),
            ),
        )
        .order_by()
    )
    return {
        row["office_id"]: Tally(good=row["in_time"], counted=row["in_time"] + row["late"])
        for row in rows
    }
