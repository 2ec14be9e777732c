"""ORD-9: seller and buyer ratings computed from what happened to orders, and
refreshed on a schedule (`ratings_refresh`; Celery beat
`kraya.orders.ratings_refresh`, command `kraya ratings_refresh`).

Each component is counted with a few grouped queries over the window's
orders (one row per firm or office, never a loop over orders), so a refresh
costs the same handful of statements at a thousand orders or millions.

What the orders' own rows say (their clock fields record when each step
happened and its deadline):
- seller reliability (ORD-3): accepted (`accepted_at`) against declined by
  the seller or auto-cancelled by the clock (`closed_by_side` SELLER/SYSTEM);
- delivery quality (ORD-5): quantities accepted against rejected in CRACs;
- timeliness (ORD-4): delivered (IST date of `delivered_at`) on or before
  `ld_due_on` — the date LD counts from, which an extension without LD moves
  and one with LD does not — against delivered later or not yet delivered
  with that date past (cancelled orders aside);
- buyer acceptance (ORD-5): CRACs issued by the consignee against deemed or
  automatic ones (the consignee did not act) and PRCs whose CRAC window has
  closed;
- buyer payment (ORD-7): paid (IST date of `paid_at`) by `payment_last_day`
  against paid later or still unpaid with that day past.

What other apps know: bid closure and order placement live in `kraya.bids`
and `kraya.buying`, decided incidents in `kraya.incidents`, and all three
depend on orders, never the other way (DESIGN). So each of them registers a
*rating source* here when Django starts (`AppConfig.ready`): a function of
(since, now) returning counts per office or firm, computed with its own
grouped query. A source that is not registered leaves its component without
data, and the rule scales the other weights up (`rules.ratings.weighted`).
Catalogue coverage (CAT-2) reads the catalogue, which orders may import.

The refresh writes one `Rating` row per subject (upserted on `subject_key`,
rows of subjects with nothing left in the window deleted), copies each
seller firm's score onto its offers for search's rating sort
(`kraya.catalog.search.index.seller_ratings_set`), and appends one audit
event. Running it again gives the same rows and changes no offer; two
refreshes at once take turns (an advisory lock on PostgreSQL; SQLite
serialises writers anyway)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from kraya.catalog.models import Offer
from kraya.catalog.search.index import seller_ratings_set
from kraya.core import audit, clock
from kraya.core.clock import IST
from kraya.core.policy import policy_at
from kraya.core.policy.sections import Orders as OrdersPolicy
from kraya.orders.models import Order, Rating, ShipmentLine
from kraya.orders.rules import ratings as rules
from kraya.orders.rules import states
from kraya.orders.rules.ratings import BuyerInputs, SellerInputs, Tally

# (since, now) → {buyer office id: Tally} for one buyer component.
BuyerSource = Callable[[dt.datetime, dt.datetime], Mapping[int, Tally]]
# (since, now) → {seller firm id: incidents decided against the firm}.
IncidentSource = Callable[[dt.datetime, dt.datetime], Mapping[int, int]]

# Any fixed number of our own: serialises concurrent refreshes (PostgreSQL).
_REFRESH_LOCK_KEY = 0x4B52_5239  # "KRR9"

_BUYER_SOURCES: dict[tuple[str, str], BuyerSource] = {}
_INCIDENT_SOURCES: dict[str, IncidentSource] = {}
_BUYER_SOURCE_COMPONENTS = frozenset({rules.BID_CLOSURE, rules.ORDER_PLACEMENT})


def _name(source: Callable[..., Any]) -> str:
    return f"{source.__module__}.{source.__qualname__}"


def rating_source_register(*, component: str, source: BuyerSource) -> None:
    """Count a buyer component (`bid_closure`, `order_placement`) with
    `source`; several sources of one component are added up. Registering the
    same function again is a no-op (`ready()` may run more than once)."""
    if component not in _BUYER_SOURCE_COMPONENTS:
        raise ValueError(f"no buyer rating component {component!r} is counted outside orders")
    _BUYER_SOURCES[(component, _name(source))] = source


def incident_source_register(*, source: IncidentSource) -> None:
    """Count incidents decided against seller firms (INC-2) with `source`."""
    _INCIDENT_SOURCES[_name(source)] = source


# --- what the orders say ---------------------------------------------------------------


def _window_orders(since: dt.datetime, now: dt.datetime) -> QuerySet[Order]:
    return Order.objects.filter(placed_at__gte=since, placed_at__lte=now)


def seller_counts(since: dt.datetime, now: dt.datetime) -> dict[int, dict[str, int]]:
    """ORD-3, ORD-4 per seller firm, from the window's orders (one query)."""
    today = clock.to_ist(now).date()
    rows = (
        _window_orders(since, now)
        .alias(delivered_on=TruncDate("delivered_at", tzinfo=IST))
        .values("seller_firm_id")
        .annotate(
            orders=Count("id"),
            accepted=Count("id", filter=Q(accepted_at__isnull=False)),
            refused=Count(
                "id",
                filter=Q(accepted_at__isnull=True, closed_by_side__in=("SELLER", "SYSTEM")),
            ),
            on_time=Count(
                "id",
                filter=Q(
                    delivered_at__isnull=False,
                    ld_due_on__isnull=False,
                    delivered_on__lte=F("ld_due_on"),
                ),
            ),
            late=Count(
                "id",
                filter=Q(
                    delivered_at__isnull=False,
                    ld_due_on__isnull=False,
                    delivered_on__gt=F("ld_due_on"),
                )
                | (Q(delivered_at__isnull=True, ld_due_on__lt=today) & ~Q(status=states.CANCELLED)),
            ),
        )
        .order_by()
    )
    return {
        row["seller_firm_id"]: {
            "orders": row["orders"],
            "accepted": row["accepted"],
            "refused": row["refused"],
            "on_time": row["on_time"],
            "late": row["late"],
        }
        for row in rows
    }


def quality_counts(since: dt.datetime, now: dt.datetime) -> dict[int, Tally]:
    """ORD-5 per seller firm: quantities accepted of those a CRAC decided."""
    rows = (
        ShipmentLine.objects.filter(
            accepted_quantity__isnull=False,
            shipment__order__placed_at__gte=since,
            shipment__order__placed_at__lte=now,
        )
        .values("shipment__order__seller_firm_id")
        .annotate(accepted=Sum("accepted_quantity"), rejected=Sum("rejected_quantity"))
        .order_by()
    )
    return {
        row["shipment__order__seller_firm_id"]: Tally(
            good=row["accepted"] or 0, counted=(row["accepted"] or 0) + (row["rejected"] or 0)
        )
        for row in rows
    }


def catalogue_counts() -> dict[int, Tally]:
    """CAT-2 per seller firm: of its published offers, those in stock (the
    catalogue as it stands, not over the window)."""
    rows = (
        Offer.objects.filter(status=Offer.Status.PUBLISHED)
        .values("seller_firm_id")
        .annotate(listed=Count("id"), in_stock=Count("id", filter=Q(stock__gt=0)))
        .order_by()
    )
    return {
        row["seller_firm_id"]: Tally(good=row["in_stock"], counted=row["listed"]) for row in rows
    }


def buyer_counts(since: dt.datetime, now: dt.datetime) -> dict[int, dict[str, int]]:
    """ORD-5, ORD-7 per buyer office, from the window's orders (one query)."""
    today = clock.to_ist(now).date()
    late_certifications = (Order.Certification.DEEMED, Order.Certification.AUTOMATIC)
    rows = (
        _window_orders(since, now)
        .alias(paid_on=TruncDate("paid_at", tzinfo=IST))
        .values("buyer_office_id")
        .annotate(
            orders=Count("id"),
            crac_on_time=Count("id", filter=Q(certification=Order.Certification.ISSUED)),
            crac_late=Count(
                "id",
                filter=Q(certification__in=late_certifications)
                | Q(certification="", status=states.RECEIVED, crac_due_at__lte=now),
            ),
            paid_on_time=Count(
                "id",
                filter=Q(
                    paid_at__isnull=False,
                    payment_last_day__isnull=False,
                    paid_on__lte=F("payment_last_day"),
                ),
            ),
            paid_late=Count(
                "id",
                filter=Q(
                    paid_at__isnull=False,
                    payment_last_day__isnull=False,
                    paid_on__gt=F("payment_last_day"),
                )
                | Q(paid_at__isnull=True, payment_last_day__lt=today),
            ),
        )
        .order_by()
    )
    return {
        row["buyer_office_id"]: {
            "orders": row["orders"],
            "crac_on_time": row["crac_on_time"],
            "crac_late": row["crac_late"],
            "paid_on_time": row["paid_on_time"],
            "paid_late": row["paid_late"],
        }
        for row in rows
    }


# --- inputs per subject ----------------------------------------------------------------


def seller_inputs(since: dt.datetime, now: dt.datetime) -> dict[int, SellerInputs]:
    orders = seller_counts(since, now)
    quality = quality_counts(since, now)
    catalogue = catalogue_counts()
    incidents: dict[int, int] = {}
    for source in _INCIDENT_SOURCES.values():
        for firm_id, decided in source(since, now).items():
            incidents[firm_id] = incidents.get(firm_id, 0) + decided
    firms = set(orders) | set(quality) | set(catalogue) | set(incidents)
    inputs = {}
    for firm_id in firms:
        counts = orders.get(firm_id, {})
        inputs[firm_id] = SellerInputs(
            orders=counts.get("orders", 0),
            reliability=Tally(
                good=counts.get("accepted", 0),
                counted=counts.get("accepted", 0) + counts.get("refused", 0),
            ),
            delivery_quality=quality.get(firm_id, Tally()),
            timeliness=Tally(
                good=counts.get("on_time", 0),
                counted=counts.get("on_time", 0) + counts.get("late", 0),
            ),
            catalogue=catalogue.get(firm_id, Tally()),
            incidents_decided=incidents.get(firm_id, 0),
        )
    return inputs


def buyer_inputs(since: dt.datetime, now: dt.datetime) -> dict[int, BuyerInputs]:
    orders = buyer_counts(since, now)
    outside: dict[str, dict[int, Tally]] = {c: {} for c in _BUYER_SOURCE_COMPONENTS}
    for (component, _source_name), source in sorted(_BUYER_SOURCES.items()):
        for office_id, tally in source(since, now).items():
            outside[component][office_id] = outside[component].get(office_id, Tally()) + tally
    offices = set(orders).union(*(set(by_office) for by_office in outside.values()))
    inputs = {}
    for office_id in offices:
        counts = orders.get(office_id, {})
        inputs[office_id] = BuyerInputs(
            orders=counts.get("orders", 0),
            bid_closure=outside[rules.BID_CLOSURE].get(office_id, Tally()),
            order_placement=outside[rules.ORDER_PLACEMENT].get(office_id, Tally()),
            crac=Tally(
                good=counts.get("crac_on_time", 0),
                counted=counts.get("crac_on_time", 0) + counts.get("crac_late", 0),
            ),
            payment=Tally(
                good=counts.get("paid_on_time", 0),
                counted=counts.get("paid_on_time", 0) + counts.get("paid_late", 0),
            ),
        )
    return inputs


def seller_weights(policy: OrdersPolicy) -> dict[str, Decimal]:
    weights = policy.seller_rating_weights
    return {
        rules.RELIABILITY: weights.reliability_percent,
        rules.DELIVERY_QUALITY: weights.delivery_quality_percent,
        rules.TIMELINESS: weights.timeliness_percent,
        rules.CATALOGUE: weights.catalogue_percent,
        rules.INCIDENTS: weights.incidents_percent,
    }


def buyer_weights(policy: OrdersPolicy) -> dict[str, Decimal]:
    weights = policy.buyer_rating_weights
    return {
        rules.BID_CLOSURE: weights.bid_closure_percent,
        rules.ORDER_PLACEMENT: weights.order_placement_percent,
        rules.CRAC: weights.crac_percent,
        rules.PAYMENT: weights.payment_percent,
    }


# --- the refresh -----------------------------------------------------------------------


def _components(rating: rules.Rating) -> list[dict[str, Any]]:
    return [
        {
            "name": component.name,
            "weight_percent": str(component.weight_percent),
            "good": component.good,
            "counted": component.counted,
            "percent": None if component.percent is None else str(component.percent),
        }
        for component in rating.components
    ]


@dataclass(frozen=True, slots=True)
class RefreshResult:
    sellers: int
    buyers: int
    rated_sellers: int  # with enough data for a score
    rated_buyers: int
    offers_changed: int  # search documents whose rating changed
    policy_version: str


@transaction.atomic
def ratings_refresh(*, now: dt.datetime | None = None) -> RefreshResult:
    """ORD-9: recompute every seller firm's and buyer office's rating from
    the events of the policy's window and store them (idempotent)."""
    now = now or clock.now()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REFRESH_LOCK_KEY])
    policy = policy_at(clock.to_ist(now).date())
    orders_policy = policy.orders
    since = now - dt.timedelta(days=orders_policy.rating_window_days)
    rows: list[Rating] = []
    for firm_id, inputs in seller_inputs(since, now).items():
        rating = rules.seller_rating(
            inputs,
            weights=seller_weights(orders_policy),
            incident_deduction_percent=orders_policy.rating_incident_deduction_percent,
            minimum_orders=orders_policy.rating_minimum_orders,
        )
        rows.append(_row(Rating.Subject.SELLER, firm_id, rating, since, now, policy.version))
    for office_id, buyer in buyer_inputs(since, now).items():
        rating = rules.buyer_rating(
            buyer,
            weights=buyer_weights(orders_policy),
            minimum_orders=orders_policy.rating_minimum_orders,
        )
        rows.append(_row(Rating.Subject.BUYER, office_id, rating, since, now, policy.version))
    rows.sort(key=lambda row: row.subject_key)  # a fixed order: no deadlock between refreshes
    Rating.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["subject_key"],
        update_fields=[
            "score",
            "orders",
            "components",
            "window_from",
            "computed_at",
            "policy_version",
        ],
    )
    # Subjects with nothing left to count are not rated any more.
    Rating.objects.exclude(computed_at=now).delete()
    sellers = [row for row in rows if row.subject == Rating.Subject.SELLER]
    buyers = [row for row in rows if row.subject == Rating.Subject.BUYER]
    changed = seller_ratings_set(
        hundredths_by_firm={
            row.seller_firm_id: hundredths(row.score)
            for row in sellers
            if row.seller_firm_id is not None
        },
        rated_firms=Rating.objects.filter(
            subject=Rating.Subject.SELLER, seller_firm__isnull=False, score__isnull=False
        ).values("seller_firm_id"),
    )
    result = RefreshResult(
        sellers=len(sellers),
        buyers=len(buyers),
        rated_sellers=sum(1 for row in sellers if row.score is not None),
        rated_buyers=sum(1 for row in buyers if row.score is not None),
        offers_changed=changed,
        policy_version=policy.version,
    )
    audit.record(
        actor=None,
        action="orders.ratings_refreshed",
        payload={
            "rule": "ORD-9",
            "sellers": result.sellers,
            "buyers": result.buyers,
            "rated_sellers": result.rated_sellers,
            "rated_buyers": result.rated_buyers,
            "window_from": since.isoformat(),
            "policy_version": policy.version,
        },
    )
    return result


def hundredths(score: Decimal | None) -> int | None:
    """A score out of 5 as search stores it (4.3 → 430)."""
    return None if score is None else int(score * 100)


def _row(
    subject: str,
    subject_id: int,
    rating: rules.Rating,
    since: dt.datetime,
    now: dt.datetime,
    policy_version: str,
) -> Rating:
    return Rating(
        subject_key=f"{subject}:{subject_id}",
        subject=subject,
        seller_firm_id=subject_id if subject == Rating.Subject.SELLER else None,
        buyer_office_id=subject_id if subject == Rating.Subject.BUYER else None,
        score=rating.score,
        orders=rating.orders,
        components=_components(rating),
        window_from=since,
        computed_at=now,
        policy_version=policy_version,
    )
