"""OPEN-4: the nightly red-flag computation. Each detector's candidates are
read with set-based queries over the last `lookback_days` (aggregates and
filters run in the database; only the few candidate rows come back), judged
by the pure `rules`, and stored: a flag found again is updated in place
(`kind` + `key`), a flag of the window no longer found is removed, flags
older than the window stay as computed. Running it twice changes nothing but
`computed_at`."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Min, Q, Sum

from kraya.accounts.models import Membership
from kraya.accounts.rules import BUYER_ROLES, SELLER_ROLES
from kraya.bids.models import Bid, BidLot, Submission
from kraya.core import audit, clock
from kraya.core.audit_models import AuditEvent
from kraya.core.bulk import any_of
from kraya.core.policy import policy_at
from kraya.core.policy.sections import Integrity
from kraya.insights.redflags import rules
from kraya.insights.redflags.models import RedFlag
from kraya.insights.rules import NOT_COUNTED
from kraya.insights.services._dimensions import office_places
from kraya.orders.models import Order, OrderItem

# Evidence lists at most this many order numbers of a repeated pair.
PAIR_ORDERS_SHOWN = 20
LOGIN_ACTION = "auth.login"


@dataclass
class ComputeReport:
    at: str
    policy_version: str
    found: dict[str, int] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    removed: int = 0
    seconds: float = 0.0


def _counted_orders() -> Any:
    return Order.objects.exclude(status__in=sorted(NOT_COUNTED))


# --- candidates -------------------------------------------------------------------


def single_bidder_rows(*, since: dt.datetime, now: dt.datetime) -> list[rules.BidRow]:
    """Bids technically opened in the window with exactly one live submission.
    The count is taken only over opened bids (BID-5: sealed bids stay sealed)."""
    bids = (
        Bid.objects.filter(
            technical_opened_at__isnull=False,
            technical_opened_at__gte=since,
            technical_opened_at__lte=now,
        )
        .annotate(live=Count("submissions", filter=Q(submissions__status="SUBMITTED")))
        .filter(live=1)
        .values_list("pk", "number", "office_id", "published_at", "end_at", "technical_opened_at")
    )
    rows = list(bids)
    firms = dict(
        Submission.objects.filter(
            bid_id__in=any_of([row[0] for row in rows]), status=Submission.Status.SUBMITTED
        ).values_list("bid_id", "seller_firm_id")
    )
    return [
        rules.BidRow(pk, number, office, published, end, opened, firm_ids=(firms[pk],))
        for pk, number, office, published, end, opened in rows
        if pk in firms
    ]


def short_period_rows(
    *, since: dt.datetime, now: dt.datetime, policy: Integrity
) -> list[rules.BidRow]:
    """Published bids of the window whose period is below the threshold
    (the difference is computed in the database)."""
    period = ExpressionWrapper(F("end_at") - F("published_at"), output_field=DurationField())
    return [
        rules.BidRow(pk, number, office, published, end)
        for pk, number, office, published, end in Bid.objects.filter(
            published_at__isnull=False, published_at__gte=since, published_at__lte=now
        )
        .annotate(period=period)
        .filter(period__lt=dt.timedelta(days=policy.short_bid_period_days))
        .values_list("pk", "number", "office_id", "published_at", "end_at")
    ]


def lot_quote_rows(*, since: dt.datetime, now: dt.datetime) -> list[rules.LotQuotes]:
    """The BID-7 ranking receipts of lots whose financial bids were opened in
    the window: each quote's bidder is a submission, mapped to its firm."""
    lots = list(
        BidLot.objects.filter(
            ranking__isnull=False,
            bid__financial_opened_at__isnull=False,
            bid__financial_opened_at__gte=since,
            bid__financial_opened_at__lte=now,
        ).values_list(
            "pk", "number", "ranking", "bid_id", "bid__number", "bid__office_id",
            "bid__financial_opened_at",
        )
    )  # fmt: skip
    quotes_of: dict[int, list[tuple[int, int]]] = {}
    submission_ids: set[int] = set()
    for pk, _number, ranking, *_rest in lots:
        quotes = [
            (int(q["bidder_id"]), int(q["price_paise"]))
            for q in (ranking or {}).get("inputs", {}).get("quotes", [])
        ]
        quotes_of[pk] = quotes
        submission_ids.update(bidder for bidder, _price in quotes)
    firm_of = dict(
        Submission.objects.filter(pk__in=any_of(sorted(submission_ids))).values_list(
            "pk", "seller_firm_id"
        )
    )
    return [
        rules.LotQuotes(
            bid_id=bid_id,
            number=bid_number,
            office_id=office_id,
            lot_id=pk,
            lot_number=number,
            financial_opened_at=opened,
            quotes=tuple(
                (firm_of[bidder], price) for bidder, price in quotes_of[pk] if bidder in firm_of
            ),
        )
        for pk, number, _ranking, bid_id, bid_number, office_id, opened in lots
        if opened is not None
    ]


def pair_rows(*, now: dt.datetime, policy: Integrity) -> list[rules.PairRow]:
    """Office-firm pairs with more orders in the window than the threshold:
    one GROUP BY over the window's orders (index: buyer_office, placed_at)."""
    since = now - dt.timedelta(days=policy.repeated_winner_window_days)
    window = _counted_orders().filter(placed_at__gte=since, placed_at__lte=now)
    pairs = list(
        window.values("buyer_office_id", "seller_firm_id")
        .annotate(n=Count("pk"), total=Sum("total_paise"), first=Min("placed_at"),
                  last=Max("placed_at"))
        .filter(n__gt=policy.repeated_winner_max_orders)
        .values_list("buyer_office_id", "seller_firm_id", "n", "total", "first", "last")
    )  # fmt: skip
    rows = []
    for office, firm, n, total, first, last in pairs:
        orders = list(
            window.filter(buyer_office_id=office, seller_firm_id=firm)
            .order_by("-placed_at", "-pk")
            .values_list("pk", "number")[:PAIR_ORDERS_SHOWN]
        )
        rows.append(
            rules.PairRow(
                office_id=office,
                firm_id=firm,
                orders=n,
                total_paise=total,
                first_at=first,
                last_at=last,
                last_order_id=orders[0][0],
                last_order_number=orders[0][1],
                order_numbers=tuple(number for _pk, number in orders),
            )
        )
    return rows


_ITEM_FIELDS = (
    "pk",
    "order_id",
    "order__number",
    "order__buyer_office_id",
    "order__seller_firm_id",
    "product_id",
    "order__placed_at",
    "unit_price_paise",
)


def price_rows(
    *, since: dt.datetime, now: dt.datetime, policy: Integrity
) -> tuple[list[rules.ItemRow], list[rules.ItemRow]]:
    """The window's catalogue order lines to judge, and the history of just
    their products (index: order_item.product_id)."""
    items = OrderItem.objects.filter(product__isnull=False).exclude(
        order__status__in=sorted(NOT_COUNTED)
    )
    judged = [
        rules.ItemRow(*row)
        for row in items.filter(order__placed_at__gte=since, order__placed_at__lte=now).values_list(
            *_ITEM_FIELDS
        )
    ]
    products = sorted({row.product_id for row in judged})
    history_since = since - dt.timedelta(days=policy.price_history_days)
    history = [
        rules.ItemRow(*row)
        for row in items.filter(
            product_id__in=any_of(products),
            order__placed_at__gte=history_since,
            order__placed_at__lte=now,
        ).values_list(*_ITEM_FIELDS)
    ]
    return judged, history


def _first_seq_since(since: dt.datetime) -> int:
    """The first audit event at or after `since`, by binary search over the
    (unique, indexed) sequence: the log has no index on time, and its
    sequence grows with time."""
    bounds = AuditEvent.objects.aggregate(low=Min("seq"), high=Max("seq"))
    low, high = bounds["low"], bounds["high"]
    if low is None:
        return 0
    high += 1
    while low < high:
        middle = (low + high) // 2
        at = (
            AuditEvent.objects.filter(seq__gte=middle)
            .order_by("seq")
            .values_list("at", flat=True)
            .first()
        )
        if at is None or at >= since:
            high = middle
        else:
            low = middle + 1
    return low


def shared_ip_rows(
    *, since: dt.datetime, now: dt.datetime, policy: Integrity
) -> tuple[list[rules.Login], rules.SideMaps]:
    """The window's sign-ins (`auth.login` audit events carry the IP) from
    IPs used by two or more users, and the sides of those users."""
    logins = AuditEvent.objects.filter(
        seq__gte=_first_seq_since(since),
        at__lte=now,
        action=LOGIN_ACTION,
        ip__isnull=False,
        actor__isnull=False,
    )
    shared = (
        logins.values("ip").annotate(users=Count("actor_id", distinct=True)).filter(users__gte=2)
    )
    rows = [
        rules.Login(user_id=user, ip=str(ip), at=at)
        for user, ip, at in logins.filter(ip__in=shared.values("ip")).values_list(
            "actor_id", "ip", "at"
        )
    ]
    users = sorted({row.user_id for row in rows})
    buyer_units: dict[int, set[int]] = defaultdict(set)
    seller_firms: dict[int, set[int]] = defaultdict(set)
    for user, role, unit, firm in Membership.objects.filter(
        user_id__in=any_of(users), is_active=True
    ).values_list("user_id", "role", "buyer_unit_id", "seller_firm_id"):
        if role in BUYER_ROLES and unit is not None:
            buyer_units[user].add(unit)
        elif role in SELLER_ROLES and firm is not None:
            seller_firms[user].add(firm)
    units = sorted({u for found in buyer_units.values() for u in found})
    firms = sorted({f for found in seller_firms.values() for f in found})
    business: dict[tuple[int, int], rules.Business] = {}
    if units and firms:
        business_since = now - dt.timedelta(days=policy.shared_ip_business_days)
        latest = (
            _counted_orders()
            .filter(
                Q(buyer_office_id__in=any_of(units))
                | Q(buyer_office__organisation_id__in=any_of(units)),
                seller_firm_id__in=any_of(firms),
                placed_at__gte=business_since,
                placed_at__lte=now,
            )
            .values("buyer_office_id", "seller_firm_id")
            .annotate(last=Max("pk"))
            .values_list("last", flat=True)
        )
        for pk, number, office, organisation, firm, placed in Order.objects.filter(
            pk__in=list(latest)
        ).values_list(
            "pk",
            "number",
            "buyer_office_id",
            "buyer_office__organisation_id",
            "seller_firm_id",
            "placed_at",
        ):
            deal = rules.Business(office, pk, number, placed)
            units_of_order: tuple[int | None, ...] = (office, organisation)
            for party in units_of_order:
                if party is None:
                    continue
                known = business.get((party, firm))
                if known is None or known.placed_at < placed:
                    business[(party, firm)] = deal
    sides = rules.SideMaps(
        buyer_units={user: frozenset(found) for user, found in buyer_units.items()},
        seller_firms={user: frozenset(found) for user, found in seller_firms.items()},
        business=business,
    )
    return rows, sides


# --- the job ----------------------------------------------------------------------


def detect(*, now: dt.datetime, policy: Integrity) -> dict[str, list[rules.Finding]]:
    """Every detector over the window ending at `now`."""
    since = now - dt.timedelta(days=policy.lookback_days)
    judged, history = price_rows(since=since, now=now, policy=policy)
    logins, sides = shared_ip_rows(since=since, now=now, policy=policy)
    return {
        rules.SINGLE_BIDDER: rules.single_bidder(single_bidder_rows(since=since, now=now)),
        rules.SHORT_BID_PERIOD: rules.short_bid_period(
            short_period_rows(since=since, now=now, policy=policy), policy=policy
        ),
        rules.REPEATED_WINNER: rules.repeated_winner(
            pair_rows(now=now, policy=policy), policy=policy
        ),
        rules.IDENTICAL_PRICES: rules.identical_prices(
            lot_quote_rows(since=since, now=now), policy=policy
        ),
        rules.SHARED_IP: rules.shared_ip(logins, sides, policy=policy),
        rules.PRICE_ABOVE_PAST: rules.price_above_past(judged, history, policy=policy),
    }


def _store(
    findings: dict[str, list[rules.Finding]],
    *,
    now: dt.datetime,
    since: dt.datetime,
    policy_version: str,
    report: ComputeReport,
) -> None:
    every = [finding for found in findings.values() for finding in found]
    departments = {
        office: place.department_id
        for office, place in office_places({f.office_id for f in every}).items()
    }
    for kind, found in findings.items():
        existing = {flag.key: flag for flag in RedFlag.objects.filter(kind=kind)
                    .filter(key__in=any_of(sorted({f.key for f in found})))}  # fmt: skip
        new, changed = [], []
        for finding in found:
            values = {
                "bid_id": finding.bid_id,
                "order_id": finding.order_id,
                "process_ref": finding.process_ref,
                "process_at": finding.process_at,
                "office_id": finding.office_id,
                "department_id": departments.get(finding.office_id, 0),
                "seller_firm_ids": list(finding.seller_firm_ids),
                "evidence": finding.evidence,
                "thresholds": finding.thresholds,
                "policy_version": policy_version,
                "computed_at": now,
            }
            flag = existing.get(finding.key)
            if flag is None:
                new.append(RedFlag(kind=kind, key=finding.key, first_seen_at=now, **values))
            else:
                for name, value in values.items():
                    setattr(flag, name, value)
                changed.append(flag)
        RedFlag.objects.bulk_create(new, batch_size=500)
        if changed:
            RedFlag.objects.bulk_update(changed, list(values), batch_size=500)
        stale = (
            RedFlag.objects.filter(kind=kind, process_at__gte=since)
            .exclude(key__in=any_of(sorted(f.key for f in found)))
            .delete()[0]
        )
        report.found[kind] = len(found)
        report.created += len(new)
        report.updated += len(changed)
        report.removed += stale


def redflags_compute(*, now: dt.datetime | None = None) -> ComputeReport:
    """OPEN-4: compute every red flag of the window ending `now` (the clock
    when None) and store them, with one audit event saying what was found."""
    started = time.monotonic()
    now = now or clock.now()
    policy_now = policy_at(clock.to_ist(now).date())
    policy = policy_now.integrity
    since = now - dt.timedelta(days=policy.lookback_days)
    findings = detect(now=now, policy=policy)
    report = ComputeReport(at=now.isoformat(), policy_version=policy_now.version)
    with transaction.atomic():
        _store(findings, now=now, since=since, policy_version=policy_now.version, report=report)
        audit.record(
            actor=None,
            action="insights.redflags_computed",
            payload={
                "found": report.found,
                "created": report.created,
                "updated": report.updated,
                "removed": report.removed,
                "receipt": policy_now.receipt("integrity"),
            },
        )
    report.seconds = round(time.monotonic() - started, 3)
    return report
