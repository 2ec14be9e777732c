"""OPEN-3: rebuilding the payment-delay rollup (`PaymentRollup`) from the
payments and the unpaid orders, with GROUP BYs in the database (per office
and IST month); the few aggregate rows are folded per FY here."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from kraya.core import audit, clock
from kraya.insights import rules as stats
from kraya.insights.compliance.models import PaymentRollup, RefreshMark
from kraya.insights.services._dimensions import office_places
from kraya.orders.models import Bill, Order, Payment
from kraya.orders.rules import states

UNPAID = (states.CERTIFIED, states.BILLED)
# A named zone (the database truncates in it; "IST" is not a zone name).
INDIA = zoneinfo.ZoneInfo("Asia/Kolkata")


@dataclass
class RefreshReport:
    rows: int
    seconds: float


def _month(value: dt.date | dt.datetime) -> int:
    return value.year * 100 + value.month


@transaction.atomic
def compliance_refresh() -> RefreshReport:
    """Rebuild the payment rollup (idempotent: the same data gives the same rows)."""
    started = clock.now()
    today = clock.today_ist()
    keys: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for office, month, payments, late, days, interest in (
        Payment.objects.annotate(month=TruncMonth("paid_at", tzinfo=INDIA))
        .values("order__buyer_office_id", "month")
        .annotate(
            n=Count("pk"),
            late=Count("pk", filter=Q(days_late__gt=0)),
            days=Sum("days_late"),
            interest=Sum("interest_paise"),
        )
        .values_list("order__buyer_office_id", "month", "n", "late", "days", "interest")
    ):
        row = keys[(stats.fy_of_month(_month(month)), office)]
        row["payments"] += payments
        row["paid_late"] += late
        row["late_days"] += days or 0
        row["interest_paid_paise"] += interest or 0
    overdue = Order.objects.filter(status__in=UNPAID, payment_last_day__lt=today)
    for office, month, count, value in (
        overdue.annotate(month=TruncMonth("payment_last_day"))
        .values("buyer_office_id", "month")
        .annotate(n=Count("pk"), value=Sum("total_paise"))
        .values_list("buyer_office_id", "month", "n", "value")
    ):
        row = keys[(stats.fy_of_month(_month(month)), office)]
        row["overdue"] += count
        row["overdue_paise"] += value or 0
    for office, month, interest in (
        Bill.objects.filter(order__status=states.BILLED, interest_accrued_paise__gt=0)
        .annotate(month=TruncMonth("last_day"))
        .values("order__buyer_office_id", "month")
        .annotate(interest=Sum("interest_accrued_paise"))
        .values_list("order__buyer_office_id", "month", "interest")
    ):
        keys[(stats.fy_of_month(_month(month)), office)]["interest_owed_paise"] += interest or 0
    places = office_places({office for _fy, office in keys})
    PaymentRollup.objects.all().delete()
    PaymentRollup.objects.bulk_create(
        [
            PaymentRollup(
                fy=fy,
                office_id=office,
                department_id=places[office].department_id if office in places else 0,
                **values,
            )
            for (fy, office), values in sorted(keys.items())
        ],
        batch_size=1000,
    )
    RefreshMark.objects.all().delete()
    RefreshMark.objects.create(refreshed_at=started)
    audit.record(actor=None, action="insights.compliance_refreshed", payload={"rows": len(keys)})
    return RefreshReport(rows=len(keys), seconds=round((clock.now() - started).total_seconds(), 3))
