"""The orders' double-entry ledger (ORD-7) and its reconciliation.

`ledger_post` writes one balanced transaction of an order, idempotently by
its key (the caller holds the order's row lock, so the check-then-insert
cannot race; the unique key is the backstop). `ledger_check` proves, for
every order, that

1. every transaction balances (debits = credits);
2. the contract was committed once, for exactly the order's value;
3. value = paid + deductions + outstanding, where paid is what the payments
   table says was paid (not what the ledger says: the two are reconciled),
   deductions are LD, rejected goods not replaced and released commitment,
   and outstanding is `seller:due`'s balance;
4. nothing is outstanding on a paid, declined or cancelled order, and no
   interest is left unpaid on a paid one;
5. the interest paid is the interest the payments table records.

It runs as one grouped query per table, so checking 100,000 orders takes
seconds (`kraya ledger check`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet, Sum

from kraya.core import clock
from kraya.orders.models import LedgerLine, LedgerTransaction, Order, Payment
from kraya.orders.models.ledger import INTEREST_DUE, SELLER_DUE
from kraya.orders.rules import states

Entry = tuple[str, int, int]  # (account, debit_paise, credit_paise)


def ledger_post(
    *,
    order: Order,
    kind: str,
    key: str,
    entries: Sequence[Entry],
    rule: str = "",
    policy_version: str = "",
    memo: str = "",
) -> LedgerTransaction | None:
    """Post one balanced transaction (None when `key` was posted before, or
    when every amount is zero). Raises ValueError on an unbalanced one."""
    lines = [(account, debit, credit) for account, debit, credit in entries if debit or credit]
    if not lines:
        return None
    if any(debit < 0 or credit < 0 or (debit and credit) for _, debit, credit in lines):
        raise ValueError(f"ledger {key}: a line is one positive debit or credit")
    if sum(d for _, d, _ in lines) != sum(c for _, _, c in lines):
        raise ValueError(f"ledger {key}: debits and credits differ")
    if LedgerTransaction.objects.filter(key=key).exists():
        return None
    posted = LedgerTransaction.objects.create(
        order=order,
        kind=kind,
        key=key,
        posted_at=clock.now(),
        rule=rule,
        policy_version=policy_version,
        memo=memo[:200],
    )
    LedgerLine.objects.bulk_create(
        LedgerLine(
            transaction=posted,
            order=order,
            account=account,
            debit_paise=debit,
            credit_paise=credit,
        )
        for account, debit, credit in lines
    )
    return posted


def balance(order_id: int, account: str) -> int:
    """Credits less debits of `account` for one order (what it holds)."""
    totals = LedgerLine.objects.filter(order_id=order_id, account=account).aggregate(
        debit=Sum("debit_paise"), credit=Sum("credit_paise")
    )
    return (totals["credit"] or 0) - (totals["debit"] or 0)


@dataclass(frozen=True, slots=True)
class OrderMoney:
    """An order's money as the ledger and the payments table tell it."""

    order_id: int
    value_paise: int
    paid_paise: int
    deductions_paise: int
    outstanding_paise: int
    interest_unpaid_paise: int


def order_money(order: Order) -> OrderMoney:
    """One order's reconciliation figures (for its page and the API)."""
    found = _money(Order.objects.filter(pk=order.pk))
    return found.get(order.pk) or OrderMoney(order.pk, order.total_paise, 0, 0, 0, 0)


@dataclass
class LedgerReport:
    orders: int = 0
    transactions: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


_PAYMENT = LedgerTransaction.Kind.PAYMENT
_DEDUCTIONS = (
    LedgerTransaction.Kind.LD,
    LedgerTransaction.Kind.SHORT_SUPPLY,
    LedgerTransaction.Kind.RELEASE,
)


def _money(orders: QuerySet[Order]) -> dict[int, OrderMoney]:
    values = dict(orders.values_list("pk", "total_paise"))
    due = (
        LedgerLine.objects.filter(order_id__in=orders.values("pk"), account=SELLER_DUE)
        .values("order_id")
        .annotate(
            debit=Sum("debit_paise"),
            credit=Sum("credit_paise"),
            paid=Sum("debit_paise", filter=Q(transaction__kind=_PAYMENT)),
            deducted=Sum("debit_paise", filter=Q(transaction__kind__in=_DEDUCTIONS)),
        )
    )
    interest = dict(
        LedgerLine.objects.filter(order_id__in=orders.values("pk"), account=INTEREST_DUE)
        .values("order_id")
        .annotate(left=Sum("credit_paise") - Sum("debit_paise"))
        .values_list("order_id", "left")
    )
    result = {}
    for row in due:
        order_id = row["order_id"]
        result[order_id] = OrderMoney(
            order_id=order_id,
            value_paise=values[order_id],
            paid_paise=row["paid"] or 0,
            deductions_paise=row["deducted"] or 0,
            outstanding_paise=(row["credit"] or 0) - (row["debit"] or 0),
            interest_unpaid_paise=interest.get(order_id) or 0,
        )
    return result


CLOSED = (states.PAID, states.DECLINED, states.CANCELLED)
SYNTHETIC = "synthetic"  # the policy_version of seeded history (kraya.insights.synthetic)


def ledger_check(*, order_ids: Iterable[int] | None = None) -> LedgerReport:
    """Reconcile every order (or those given); see the module docstring."""
    # Synthetic order history (`kraya seed --orders`, for the dashboards
    # benchmark) has no money movements to reconcile.
    orders = Order.objects.exclude(policy_version=SYNTHETIC)
    if order_ids is not None:
        orders = orders.filter(pk__in=list(order_ids))
    report = LedgerReport()
    info = {
        pk: (value, status)
        for pk, value, status in orders.values_list("pk", "total_paise", "status")
    }
    report.orders = len(info)
    scope = LedgerTransaction.objects.filter(order_id__in=orders.values("pk"))
    report.transactions = scope.count()
    for row in (
        LedgerLine.objects.filter(transaction__in=scope)
        .values("transaction_id", "transaction__key")
        .annotate(debit=Sum("debit_paise"), credit=Sum("credit_paise"))
        .exclude(debit=F("credit"))
    ):
        report.mismatches.append(f"transaction {row['transaction__key']} does not balance")
    contracts = dict(
        LedgerLine.objects.filter(
            transaction__in=scope,
            transaction__kind=LedgerTransaction.Kind.CONTRACT,
            account=SELLER_DUE,
        )
        .values("order_id")
        .annotate(total=Sum("credit_paise"))
        .values_list("order_id", "total")
    )
    paid: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for order_id, principal, interest in (
        Payment.objects.filter(order_id__in=orders.values("pk"))
        .values("order_id")
        .annotate(p=Sum("principal_paise"), i=Sum("interest_paise"))
        .values_list("order_id", "p", "i")
    ):
        paid[order_id] = (principal or 0, interest or 0)
    interest_paid = dict(
        LedgerLine.objects.filter(
            transaction__in=scope, transaction__kind=_PAYMENT, account=INTEREST_DUE
        )
        .values("order_id")
        .annotate(total=Sum("debit_paise"))
        .values_list("order_id", "total")
    )
    money = _money(orders)
    for order_id, (value, status) in info.items():
        where = f"order {order_id}"
        if contracts.get(order_id) != value:
            report.mismatches.append(
                f"{where}: contract committed {contracts.get(order_id)} ≠ value {value}"
            )
            continue
        figures = money[order_id]
        principal, interest = paid[order_id]
        if figures.paid_paise != principal:
            report.mismatches.append(
                f"{where}: ledger paid {figures.paid_paise} ≠ payments {principal}"
            )
        if principal + figures.deductions_paise + figures.outstanding_paise != value:
            report.mismatches.append(
                f"{where}: paid {principal} + deductions {figures.deductions_paise} + "
                f"outstanding {figures.outstanding_paise} ≠ value {value}"
            )
        if figures.outstanding_paise < 0:
            report.mismatches.append(f"{where}: overpaid by {-figures.outstanding_paise}")
        if status in CLOSED and figures.outstanding_paise != 0:
            report.mismatches.append(
                f"{where}: {status} with {figures.outstanding_paise} outstanding"
            )
        if (interest_paid.get(order_id) or 0) != interest:
            report.mismatches.append(
                f"{where}: ledger interest paid {interest_paid.get(order_id) or 0} "
                f"≠ payments {interest}"
            )
        if status == states.PAID and figures.interest_unpaid_paise != 0:
            report.mismatches.append(
                f"{where}: paid with {figures.interest_unpaid_paise} interest unpaid"
            )
    return report
