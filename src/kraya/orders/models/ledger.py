"""The money of an order (ORD-4, ORD-7, ORD-8): its bill, its payments and a
double-entry ledger in which every movement is one balanced transaction.

The accounts (per order; `LedgerLine.account`):

- `buyer:commitment`  the buyer's funds committed to the contract (ORD-2);
- `seller:due`        what the order owes the seller, still unpaid;
- `buyer:ld`          liquidated damages recovered (ORD-4);
- `buyer:treasury`    money paid out through the treasury gateway;
- `buyer:interest`    penal interest, an expense of the buyer (ORD-7);
- `seller:interest`   penal interest owed to the seller, still unpaid;
- `seller:charges`    the seller's transaction charges (ORD-8);
- `portal:revenue`    the portal's income from those charges.

For every order: value = paid + deductions (LD, rejected goods not replaced,
cancellation) + outstanding (`seller:due`'s balance). `kraya ledger check`
proves it (`kraya.orders.services.ledger.ledger_check`)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kraya.core import clock
from kraya.orders.models.contract import Order

COMMITMENT = "buyer:commitment"
SELLER_DUE = "seller:due"
LD = "buyer:ld"
TREASURY = "buyer:treasury"
INTEREST_EXPENSE = "buyer:interest"
INTEREST_DUE = "seller:interest"
SELLER_CHARGES = "seller:charges"
PORTAL_REVENUE = "portal:revenue"


class Bill(models.Model):
    """ORD-7: the seller's bill for what the CRAC accepted, LD deducted, and
    the day by which the Paying Authority pays it."""

    order = models.OneToOneField(
        Order, primary_key=True, on_delete=models.CASCADE, related_name="bill"
    )
    accepted_value_paise = models.PositiveBigIntegerField(_("accepted value (paise)"))
    short_supply_paise = models.PositiveBigIntegerField(_("rejected, not replaced (paise)"))
    ld_paise = models.PositiveBigIntegerField(_("liquidated damages (paise)"))
    payable_paise = models.PositiveBigIntegerField(_("payable (paise)"))
    # ORD-4's decision receipt: days late, weeks, delayed value, the cap.
    ld_receipt = models.JSONField(_("LD decision"), default=dict)
    raised_at = models.DateTimeField(_("raised at"), default=clock.now)
    last_day = models.DateField(_("pay by"))
    # ORD-7, accrued in the ledger day by day, up to and including this date.
    interest_accrued_paise = models.PositiveBigIntegerField(
        _("interest accrued (paise)"), default=0
    )
    interest_accrued_on = models.DateField(_("interest accrued up to"), null=True, blank=True)
    policy_version = models.CharField(_("policy version"), max_length=10)

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        constraints = [
            models.CheckConstraint(
                condition=Q(payable_paise=models.F("accepted_value_paise") - models.F("ld_paise")),
                name="bill_payable_is_accepted_less_ld",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.payable_paise}"


class Payment(models.Model):
    """ORD-7: one payment of a bill through the treasury gateway. The
    idempotency key makes a retried or doubled request pay once."""

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="payments", verbose_name=_("order")
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    principal_paise = models.PositiveBigIntegerField(_("principal (paise)"))
    interest_paise = models.PositiveBigIntegerField(_("interest (paise)"))
    days_late = models.PositiveIntegerField(_("days late"))
    paid_at = models.DateTimeField(_("paid at"), default=clock.now)
    paid_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("paid by")
    )
    gateway = models.CharField(_("gateway"), max_length=60)
    gateway_reference = models.CharField(_("gateway reference"), max_length=100)
    # ORD-7's decision receipt for the interest.
    receipt = models.JSONField(_("decision"), default=dict)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["order", "paid_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.principal_paise} + {self.interest_paise}"

    @property
    def total_paise(self) -> int:
        return self.principal_paise + self.interest_paise


class LedgerTransaction(models.Model):
    """One balanced movement of an order's money; `key` makes posting it
    idempotent (a retried task finds it and posts nothing)."""

    class Kind(models.TextChoices):
        CONTRACT = "CONTRACT", _("Contract value committed")
        CHARGE = "CHARGE", _("Transaction charge")
        RELEASE = "RELEASE", _("Commitment released")
        SHORT_SUPPLY = "SHORT_SUPPLY", _("Rejected goods not replaced")
        LD = "LD", _("Liquidated damages")
        INTEREST = "INTEREST", _("Late-payment interest accrued")
        PAYMENT = "PAYMENT", _("Payment")

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="ledger", verbose_name=_("order")
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=120, unique=True)
    posted_at = models.DateTimeField(_("posted at"), default=clock.now)
    rule = models.CharField(_("rule"), max_length=10, blank=True)
    policy_version = models.CharField(_("policy version"), max_length=10, blank=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["order", "posted_at", "id"]

    def __str__(self) -> str:
        return self.key


class LedgerLine(models.Model):
    """One side of a ledger transaction: a debit or a credit to one account."""

    transaction = models.ForeignKey(
        LedgerTransaction,
        on_delete=models.PROTECT,
        related_name="lines",
        verbose_name=_("transaction"),
    )
    # Denormalised from the transaction so balances are one indexed scan.
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="+", verbose_name=_("order")
    )
    account = models.CharField(_("account"), max_length=20)
    debit_paise = models.PositiveBigIntegerField(_("debit (paise)"), default=0)
    credit_paise = models.PositiveBigIntegerField(_("credit (paise)"), default=0)

    class Meta:
        verbose_name = _("ledger line")
        verbose_name_plural = _("ledger lines")
        indexes = [models.Index(fields=["order", "account"], name="ledger_line_order_account")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit_paise__gt=0) & Q(credit_paise=0))
                | (Q(debit_paise=0) & Q(credit_paise__gt=0)),
                name="ledger_line_one_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.debit_paise}/{self.credit_paise}"
