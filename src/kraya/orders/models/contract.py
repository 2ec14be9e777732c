"""Orders (DOMAIN §9): the contract made from a buying decision (ORD-1), its
items, its PDF and the day counters behind contract numbers. Issue 7 adds
acceptance, delivery, receipt certificates and payment to the same order
(`kraya.orders.models.fulfilment`, `kraya.orders.models.ledger`).

The order keeps copies of what the contract says (titles, prices, parties'
names are read from the rows it points to only for display): a contract does
not change when a product is renamed or an offer re-priced."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kraya.core import clock
from kraya.orders.rules import states

DIRECT = "DIRECT"
L1 = "L1"
BID = "BID"


class Order(models.Model):
    """ORD-1: one contract between a buyer office and one seller firm."""

    class Mode(models.TextChoices):
        DIRECT = DIRECT, _("Direct purchase")
        L1 = L1, _("L1 purchase")
        BID = BID, _("Bid")

    class Status(models.TextChoices):
        # The state machine: `kraya.orders.rules.states`.
        PLACED = states.PLACED, _("Placed, awaiting the seller")
        ACCEPTED = states.ACCEPTED, _("Accepted by the seller")
        DECLINED = states.DECLINED, _("Declined by the seller")
        DISPATCHED = states.DISPATCHED, _("Dispatched")
        DELIVERED = states.DELIVERED, _("Delivered, awaiting receipt")
        RECEIVED = states.RECEIVED, _("Received (PRC issued)")
        REPLACEMENT_DUE = states.REPLACEMENT_DUE, _("Rejected items to be replaced")
        CERTIFIED = states.CERTIFIED, _("Accepted (CRAC issued)")
        BILLED = states.BILLED, _("Billed, awaiting payment")
        PAID = states.PAID, _("Paid")
        CANCELLED = states.CANCELLED, _("Cancelled")

    class Side(models.TextChoices):
        BUYER = "BUYER", _("Buyer")
        SELLER = "SELLER", _("Seller")
        SYSTEM = "SYSTEM", _("System")

    class Certification(models.TextChoices):
        ISSUED = "ISSUED", _("Issued by the consignee")
        DEEMED = "DEEMED", _("Deemed (no CRAC within the window)")
        AUTOMATIC = "AUTOMATIC", _("Automatic (small direct purchase)")
        LAPSED = "LAPSED", _("Closed when the replacement was not made")

    number = models.CharField(_("contract number"), max_length=24, unique=True)
    placed_at = models.DateTimeField(_("placed at"), default=clock.now)
    buyer_office = models.ForeignKey(
        "accounts.BuyerUnit",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("buyer office"),
    )
    buyer = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("buyer")
    )
    consignee = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("consignee")
    )
    paying_authority = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("paying authority"),
    )
    seller_firm = models.ForeignKey(
        "accounts.SellerFirm",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("seller firm"),
    )
    # Blank only for a bid's contract of BOQ lines (no catalogue category).
    category = models.ForeignKey(
        "catalog.Category",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
    )
    mode = models.CharField(_("buying mode"), max_length=8, choices=Mode.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLACED
    )
    total_paise = models.PositiveBigIntegerField(_("total (paise)"))
    delivery_period_days = models.PositiveSmallIntegerField(_("delivery period (days)"))
    delivery_due_on = models.DateField(_("deliver by"))
    delivery_state = models.CharField(_("delivery state"), max_length=100)
    delivery_pincode = models.CharField(_("delivery PIN code"), max_length=6)
    delivery_address = models.TextField(_("delivery address"))
    # ORD-1: the terms in precedence order, each
    # {"clause", "source", "title": {"en", "hi"}, "text": {"en", "hi"}}.
    terms = models.JSONField(_("terms"), default=list)
    # The decision receipts that made the order (mode, split check, L1 or
    # direct purchase, sanction, terms), in that order, and the SHA-256 of
    # their canonical JSON list, also written to the audit log.
    receipts = models.JSONField(_("decision receipts"), default=list)
    receipts_digest = models.CharField(_("receipts digest"), max_length=64)
    policy_version = models.CharField(_("policy version"), max_length=10)

    # The clocks (ORD-3..ORD-7): each deadline as an instant, so the scheduler
    # finds due orders with one indexed range scan, and both sides see it.
    acceptance_due_at = models.DateTimeField(_("accept by"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    # ORD-4: LD counts from this date; a buyer's extension without LD moves it.
    ld_due_on = models.DateField(_("LD counted from"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # ORD-5: the first PRC; the CRAC window runs from the latest one.
    received_at = models.DateTimeField(_("received at (PRC)"), null=True, blank=True)
    crac_due_at = models.DateTimeField(_("CRAC due by"), null=True, blank=True)
    auto_crac_at = models.DateTimeField(_("automatic CRAC at"), null=True, blank=True)
    replacement_due_at = models.DateTimeField(_("replace by"), null=True, blank=True)
    certified_at = models.DateTimeField(_("CRAC at"), null=True, blank=True)
    certification = models.CharField(
        _("CRAC"), max_length=10, choices=Certification.choices, blank=True
    )
    payment_last_day = models.DateField(_("pay by"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("declined or cancelled at"), null=True, blank=True)
    closed_by_side = models.CharField(
        _("declined or cancelled by"), max_length=8, choices=Side.choices, blank=True
    )
    close_reason = models.TextField(_("reason for declining or cancelling"), blank=True)
    # ORD-8, charged to the seller on acceptance.
    transaction_charge_paise = models.PositiveBigIntegerField(
        _("transaction charge (paise)"), default=0
    )
    # ORD-5: no automatic CRAC while an incident is open; kept by the
    # incidents app, which orders must not import (DESIGN: apps depend downward).
    has_open_incident = models.BooleanField(_("incident open"), default=False)
    # The clock's last reminder (its kind) and last escalation, so each is sent
    # once (`kraya.orders.services.clock`).
    last_reminder = models.CharField(_("last reminder"), max_length=40, blank=True)
    escalated_on = models.DateField(_("last escalated on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["buyer_office", "placed_at"]),
            models.Index(fields=["seller_firm", "placed_at"]),
            # The scheduler's scans (`kraya.orders.services.clock`).
            models.Index(fields=["status", "acceptance_due_at"], name="order_due_acceptance"),
            models.Index(fields=["status", "crac_due_at"], name="order_due_crac"),
            models.Index(fields=["status", "auto_crac_at"], name="order_due_auto_crac"),
            models.Index(fields=["status", "replacement_due_at"], name="order_due_replacement"),
            models.Index(fields=["status", "payment_last_day"], name="order_due_payment"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total_paise__gt=0), name="order_total_positive"),
            # ROLE-2: separation of duties, whoever writes the row.
            models.CheckConstraint(
                condition=~Q(paying_authority=models.F("buyer"))
                & ~Q(paying_authority=models.F("consignee")),
                name="order_paying_authority_separate",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class OrderItem(models.Model):
    """One line of a contract, as it was bought."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="items", verbose_name=_("order")
    )
    # Blank only for a bid's BOQ line (BID-1), which names no catalogue offer.
    offer = models.ForeignKey(
        "catalog.Offer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("offer"),
    )
    product = models.ForeignKey(
        "catalog.Product",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("product"),
    )
    title = models.CharField(_("title"), max_length=200)
    title_hi = models.CharField(_("title in Hindi"), max_length=200, blank=True)
    brand = models.CharField(_("brand"), max_length=100)
    model = models.CharField(_("model"), max_length=100, blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_paise = models.PositiveBigIntegerField(_("unit price (paise)"))
    total_paise = models.PositiveBigIntegerField(_("total (paise)"))

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="order_item_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(total_paise=models.F("quantity") * models.F("unit_price_paise")),
                name="order_item_total_is_quantity_times_price",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"


class ContractCounter(models.Model):
    """ORD-1: the portal-wide count of contracts made on one IST day; the next
    contract number takes `last + 1` under this row's lock."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("contract counter")
        verbose_name_plural = _("contract counters")

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class ContractPdf(models.Model):
    """ORD-1: the bilingual contract of record, rendered in the background
    after the order commits; its SHA-256 is also in the audit log."""

    order = models.OneToOneField(
        Order, primary_key=True, on_delete=models.CASCADE, related_name="pdf"
    )
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    rendered_at = models.DateTimeField(_("rendered at"), default=clock.now)

    class Meta:
        verbose_name = _("contract PDF")
        verbose_name_plural = _("contract PDFs")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.sha256[:12]}"
