"""BID-5: a seller's submission to a bid. Before the technical opening only
who submitted (for the seller's own view) and the sealed bytes exist; the
technical packet (the offered products and declarations, per item) and the
financial packet (the unit prices) are opened into `technical` and
`financial` at their openings (`kraya.bids.sealing`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kraya.core import clock


class Submission(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "SUBMITTED", _("Submitted")
        WITHDRAWN = "WITHDRAWN", _("Withdrawn")

    bid = models.ForeignKey(
        "bids.Bid", on_delete=models.PROTECT, related_name="submissions", verbose_name=_("bid")
    )
    seller_firm = models.ForeignKey(
        "accounts.SellerFirm",
        on_delete=models.PROTECT,
        related_name="bid_submissions",
        verbose_name=_("seller firm"),
    )
    submitted_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    # Each revision before the end replaces both packets (BID-5).
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    technical_sealed = models.BinaryField(_("technical packet (sealed)"))
    financial_sealed = models.BinaryField(_("financial packet (sealed)"))
    # SHA-256 over both sealed packets: the seller's receipt that what is
    # opened is what it sent.
    sealed_digest = models.CharField(_("sealed digest"), max_length=64)
    submitted_at = models.DateTimeField(_("submitted at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # Opened packets: JSON, null until their opening.
    technical = models.JSONField(_("technical packet"), null=True, blank=True)
    financial = models.JSONField(_("financial packet"), null=True, blank=True)

    class Meta:
        verbose_name = _("bid submission")
        verbose_name_plural = _("bid submissions")
        ordering = ["bid", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "seller_firm"], name="submission_one_per_seller"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bid_id}: {self.seller_firm_id}"


class SubmissionDocument(models.Model):
    """A technical document (certificate, datasheet) of a submission, sealed
    with the technical key; `content` holds the plaintext after the opening."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="documents", verbose_name=_("submission")
    )
    sealed = models.BinaryField(_("sealed content"))
    content = models.BinaryField(_("content"), null=True)
    # Name and type are sealed inside `sealed` too; shown after the opening.
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=clock.now)

    class Meta:
        verbose_name = _("submission document")
        verbose_name_plural = _("submission documents")
        ordering = ["submission", "id"]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.file_name or 'sealed'}"
