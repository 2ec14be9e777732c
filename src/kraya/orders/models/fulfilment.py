"""What happens to an order's goods (ORD-3..ORD-6): each shipment with its
invoice and evidence, the consignee's PRC and CRAC on it with accepted and
rejected quantities, and the buyer's delivery-period extensions.

An order is dispatched whole (every line, its full quantity) in its first
shipment; a replacement shipment carries exactly the quantities the last
CRAC rejected (ORD-6). Partial dispatches are not modelled: the sources speak
of one delivery period per order."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kraya.core import clock
from kraya.orders.models.contract import Order, OrderItem

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024  # like the catalogue's and bids' uploads


class Shipment(models.Model):
    """One dispatch of goods: the original (round 1) or a replacement."""

    class Kind(models.TextChoices):
        ORIGINAL = "ORIGINAL", _("Original supply")
        REPLACEMENT = "REPLACEMENT", _("Replacement")

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="shipments", verbose_name=_("order")
    )
    round = models.PositiveSmallIntegerField(_("round"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    invoice_number = models.CharField(_("invoice number"), max_length=40)
    invoice_date = models.DateField(_("invoice date"))
    # The dispatch evidence: transporter, docket or vehicle number, remarks.
    evidence = models.TextField(_("dispatch evidence"))
    invoice_file_name = models.CharField(_("invoice file"), max_length=255, blank=True)
    invoice_content_type = models.CharField(_("invoice file type"), max_length=100, blank=True)
    invoice_content = models.BinaryField(_("invoice file content"), null=True, blank=True)
    invoice_sha256 = models.CharField(_("invoice SHA-256"), max_length=64, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), default=clock.now)
    dispatched_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("dispatched by")
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivery_proof = models.TextField(_("proof of delivery"), blank=True)
    received_at = models.DateTimeField(_("PRC at"), null=True, blank=True)
    received_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("PRC by"),
    )
    certified_at = models.DateTimeField(_("CRAC at"), null=True, blank=True)
    certified_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("CRAC by"),
    )
    certification = models.CharField(
        _("CRAC"), max_length=10, choices=Order.Certification.choices, blank=True
    )

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["order", "round"]
        constraints = [
            models.UniqueConstraint(fields=["order", "round"], name="shipment_round_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} #{self.round}"


class ShipmentLine(models.Model):
    """One order line in a shipment; the CRAC fills in what was accepted and
    what was rejected, and why (ORD-5)."""

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("shipment")
    )
    item = models.ForeignKey(
        OrderItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("order item")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    accepted_quantity = models.PositiveIntegerField(_("accepted"), null=True, blank=True)
    rejected_quantity = models.PositiveIntegerField(_("rejected"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["shipment", "item"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "item"], name="shipment_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipment_line_positive"),
            models.CheckConstraint(
                condition=Q(accepted_quantity__isnull=True)
                | Q(
                    accepted_quantity__isnull=False,
                    rejected_quantity__isnull=False,
                    accepted_quantity__lte=models.F("quantity") - models.F("rejected_quantity"),
                ),
                name="shipment_line_certified_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item_id}"


class DeliveryExtension(models.Model):
    """ORD-4: the buyer moves the delivery date, with LD (LD still counts from
    the old date) or without (LD counts from the new one)."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("order")
    )
    previous_due_on = models.DateField(_("previous delivery date"))
    new_due_on = models.DateField(_("new delivery date"))
    with_ld = models.BooleanField(_("with liquidated damages"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted at"), default=clock.now)

    class Meta:
        verbose_name = _("delivery extension")
        verbose_name_plural = _("delivery extensions")
        ordering = ["order", "granted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_due_on__gt=models.F("previous_due_on")),
                name="extension_moves_date_later",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.previous_due_on} → {self.new_due_on}"
