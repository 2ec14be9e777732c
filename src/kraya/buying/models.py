"""Buying (DOMAIN §5, ORD-2): demands and their lines with the decisions taken
on them, fund blocks (sanctions), refused splits and off-portal availability
reports. Decisions are stored as their receipts (`kraya.core.receipts`), the
JSON a rule returned, so each can be shown, returned by the API and replayed."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kraya.buying import rules
from kraya.core import clock


class Mode(models.TextChoices):
    DIRECT = rules.DIRECT, _("Direct purchase")
    L1 = rules.L1, _("L1 purchase")
    BID = rules.BID, _("Bid or reverse auction")


class Demand(models.Model):
    """A buyer's need, for one office and one category: lines from the
    catalogue, where to deliver, and the mode its value requires (MODE-1)."""

    class Status(models.TextChoices):
        OPEN = "OPEN", _("Open: compare and block funds")
        BID_REQUIRED = "BID_REQUIRED", _("A bid is needed")
        SANCTIONED = "SANCTIONED", _("Funds blocked")
        ORDERED = "ORDERED", _("Ordered")
        CANCELLED = "CANCELLED", _("Cancelled")

    office = models.ForeignKey(
        "accounts.BuyerUnit",
        on_delete=models.PROTECT,
        related_name="demands",
        verbose_name=_("office"),
    )
    category = models.ForeignKey(
        "catalog.Category", on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    buyer = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("buyer")
    )
    consignee = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("consignee")
    )
    delivery_state = models.CharField(_("delivery state"), max_length=100)
    delivery_pincode = models.CharField(_("delivery PIN code"), max_length=6)
    delivery_address = models.TextField(_("delivery address"))
    # MODE-1: the demand's date in IST picks the policy in force.
    on = models.DateField(_("demand date"))
    # The estimated value: each line's quantity at the price of the offer the
    # buyer chose from the catalogue.
    total_paise = models.PositiveBigIntegerField(_("estimated value (paise)"))
    required_mode = models.CharField(_("required mode"), max_length=8, choices=Mode.choices)
    mode = models.CharField(_("buying mode"), max_length=8, choices=Mode.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    policy_version = models.CharField(_("policy version"), max_length=10)
    mode_receipt = models.JSONField(_("mode decision"))
    choice_receipt = models.JSONField(_("mode choice decision"), null=True, blank=True)
    split_receipt = models.JSONField(_("splitting check"))
    # ORD-1 additional terms of the buyer (ATC): [{"clause", "text": {"en", "hi"}}].
    additional_terms = models.JSONField(_("additional terms"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        ordering = ["-created_at", "-id"]
        indexes = [
            # MODE-5: an office's demands for a category in the window.
            models.Index(fields=["office", "category", "on"]),
            models.Index(fields=["buyer", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total_paise__gt=0), name="demand_total_positive"),
        ]

    def __str__(self) -> str:
        return f"D-{self.pk}"

    @property
    def reference(self) -> str:
        """How people name a demand: `D-123`."""
        return f"D-{self.pk}"


class DemandLine(models.Model):
    """One item of a demand: the offer the buyer picked from the catalogue
    (it names the product, its golden parameters and the estimated price), the
    quantity, and the decision on whom to buy from (MODE-2 or MODE-3)."""

    demand = models.ForeignKey(
        Demand, on_delete=models.CASCADE, related_name="lines", verbose_name=_("demand")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    offer = models.ForeignKey(
        "catalog.Offer", on_delete=models.PROTECT, related_name="+", verbose_name=_("chosen offer")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_paise = models.PositiveBigIntegerField(_("unit price at demand (paise)"))
    # The golden parameters every compared offer must match (CAT-1, MODE-3).
    golden_specs = models.JSONField(_("golden parameters"), default=dict)
    # MODE-2 (`buying.direct`) or MODE-3 (`buying.l1`) receipt; null for a bid.
    decision = models.JSONField(_("decision"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The only offer this line may be bought from, at this unit price.
    selected_offer = models.ForeignKey(
        "catalog.Offer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("offer to buy"),
    )
    selected_unit_price_paise = models.PositiveBigIntegerField(
        _("unit price to pay (paise)"), null=True, blank=True
    )
    order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demand_lines",
        verbose_name=_("order"),
    )

    class Meta:
        verbose_name = _("demand line")
        verbose_name_plural = _("demand lines")
        ordering = ["demand", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="demand_line_quantity_positive"
            ),
            models.UniqueConstraint(fields=["demand", "position"], name="demand_line_position"),
        ]

    def __str__(self) -> str:
        return f"{self.demand_id}/{self.position}"

    @property
    def selected_total_paise(self) -> int | None:
        if self.selected_unit_price_paise is None:
            return None
        return self.quantity * self.selected_unit_price_paise


class FundBlock(models.Model):
    """ORD-2: funds blocked (sanctioned) for a demand before it is ordered, by
    the paying authority, or by the buyer quoting a recorded sanction."""

    class Status(models.TextChoices):
        BLOCKED = "BLOCKED", _("Blocked")
        RELEASED = "RELEASED", _("Released")

    demand = models.OneToOneField(
        Demand, on_delete=models.PROTECT, related_name="fund_block", verbose_name=_("demand")
    )
    office = models.ForeignKey(
        "accounts.BuyerUnit",
        on_delete=models.PROTECT,
        related_name="fund_blocks",
        verbose_name=_("office"),
    )
    amount_paise = models.PositiveBigIntegerField(_("amount blocked (paise)"))
    sanction_reference = models.CharField(_("sanction reference"), max_length=100, blank=True)
    budget_head = models.CharField(_("budget head"), max_length=100, blank=True)
    paying_authority = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("paying authority"),
    )
    blocked_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("blocked by")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.BLOCKED
    )
    blocked_at = models.DateTimeField(_("blocked at"), default=clock.now)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("fund block")
        verbose_name_plural = _("fund blocks")
        ordering = ["-blocked_at", "-id"]
        indexes = [models.Index(fields=["office", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_paise__gt=0), name="fund_block_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.demand_id}: {self.amount_paise}"


class SplitRefusal(models.Model):
    """MODE-5: a demand refused as a split, kept for the compliance reports
    (the demand itself is not created)."""

    office = models.ForeignKey(
        "accounts.BuyerUnit",
        on_delete=models.PROTECT,
        related_name="split_refusals",
        verbose_name=_("office"),
    )
    category = models.ForeignKey(
        "catalog.Category", on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    buyer = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("buyer")
    )
    on = models.DateField(_("date"))
    demand_total_paise = models.PositiveBigIntegerField(_("refused demand's value (paise)"))
    summed_total_paise = models.PositiveBigIntegerField(_("summed value (paise)"))
    receipt = models.JSONField(_("splitting check"))
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("refused split")
        verbose_name_plural = _("refused splits")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["office", "on"])]

    def __str__(self) -> str:
        return f"{self.office_id} {self.on}: {self.demand_total_paise}"


class AvailabilityReport(models.Model):
    """MODE-6: an office's record of a purchase outside the portal, with the
    reason, under a unique id people can read out (`AR-UP-DGMH-20241215-0007`)."""

    class Reason(models.TextChoices):
        NOT_AVAILABLE = rules.NOT_AVAILABLE, _("Not available on the portal")
        SPEC_NOT_MET = rules.SPEC_NOT_MET, _("No offer meets the specification")
        DELIVERY_NOT_POSSIBLE = rules.DELIVERY_NOT_POSSIBLE, _("No offer can deliver as needed")
        URGENT_EMERGENCY = rules.URGENT_EMERGENCY, _("Urgent need in an emergency")
        OTHER = rules.OTHER, _("Other reason")

    report_id = models.CharField(_("report id"), max_length=64, unique=True)
    office = models.ForeignKey(
        "accounts.BuyerUnit",
        on_delete=models.PROTECT,
        related_name="availability_reports",
        verbose_name=_("office"),
    )
    category = models.ForeignKey(
        "catalog.Category",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
    )
    item = models.CharField(_("item bought"), max_length=200)
    estimated_value_paise = models.PositiveBigIntegerField(_("value (paise)"))
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices)
    explanation = models.TextField(_("explanation"), blank=True)
    on = models.DateField(_("date"))
    sequence = models.PositiveIntegerField(_("sequence of the day"))
    reported_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    receipt = models.JSONField(_("decision"))
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("availability report")
        verbose_name_plural = _("availability reports")
        ordering = ["-on", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "on", "sequence"], name="availability_report_sequence"
            ),
        ]

    def __str__(self) -> str:
        return self.report_id
