"""RA-1..4: a reverse auction on one lot, the qualified bidders in it and the
bid log. The log is the record: every bid that reached the auction, with a
sequence number given under the auction's row lock (so bids are strictly
ordered), accepted or refused with the refusal code; the final ranking must
equal `kraya.bids.rules.ra_replay` of the log."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kraya.core import clock


class Auction(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "SCHEDULED", _("Scheduled")
        LIVE = "LIVE", _("Live")
        CLOSED = "CLOSED", _("Closed")

    lot = models.OneToOneField(
        "bids.BidLot", on_delete=models.PROTECT, related_name="auction", verbose_name=_("lot")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    starts_at = models.DateTimeField(_("starts at"))
    scheduled_end_at = models.DateTimeField(_("scheduled end"))
    # RA-3: moved by bids in the last minutes, up to the cap.
    end_at = models.DateTimeField(_("ends at"))
    start_price_paise = models.PositiveBigIntegerField(_("start price (paise)"))
    min_decrement_paise = models.PositiveBigIntegerField(_("minimum decrement (paise)"))
    last_sequence = models.PositiveBigIntegerField(_("last sequence"), default=0)
    seed = models.CharField(_("tie-break seed"), max_length=64)
    policy_version = models.CharField(_("policy version"), max_length=10)
    # RA-1 receipt (`bids.ra_qualification`), RA-4 receipt after the close.
    qualification = models.JSONField(_("qualification"))
    result = models.JSONField(_("result"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reverse auction")
        verbose_name_plural = _("reverse auctions")
        indexes = [models.Index(fields=["status", "end_at"])]

    def __str__(self) -> str:
        return f"RA {self.pk} on lot {self.lot_id}"


class AuctionEntry(models.Model):
    """A qualified bidder in an auction: its financial quote and its last
    accepted auction price (RA-2 compares a new bid with it)."""

    auction = models.ForeignKey(
        Auction, on_delete=models.CASCADE, related_name="entries", verbose_name=_("auction")
    )
    submission = models.ForeignKey(
        "bids.Submission", on_delete=models.PROTECT, related_name="+", verbose_name=_("submission")
    )
    seller_firm = models.ForeignKey(
        "accounts.SellerFirm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("seller firm"),
    )
    quote_paise = models.PositiveBigIntegerField(_("financial quote (paise)"))
    last_price_paise = models.PositiveBigIntegerField(_("last accepted bid (paise)"), null=True)
    last_sequence = models.PositiveBigIntegerField(
        _("sequence of the last accepted bid"), null=True
    )

    class Meta:
        verbose_name = _("auction bidder")
        verbose_name_plural = _("auction bidders")
        constraints = [
            models.UniqueConstraint(fields=["auction", "seller_firm"], name="auction_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.auction_id}: {self.seller_firm_id}"


class AuctionBid(models.Model):
    """RA-4: one row of the bid log. `client_ref` (the bidder's idempotency
    key) makes a retried request return the first answer instead of bidding
    twice; `code` is blank for an accepted bid."""

    auction = models.ForeignKey(
        Auction, on_delete=models.CASCADE, related_name="log", verbose_name=_("auction")
    )
    sequence = models.PositiveBigIntegerField(_("sequence"))
    entry = models.ForeignKey(
        AuctionEntry, on_delete=models.CASCADE, related_name="bids", verbose_name=_("bidder")
    )
    price_paise = models.PositiveBigIntegerField(_("price (paise)"))
    at = models.DateTimeField(_("at"))
    code = models.CharField(_("refusal"), max_length=48, blank=True)
    client_ref = models.CharField(_("client reference"), max_length=64)
    placed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("placed by")
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("auction bid")
        verbose_name_plural = _("auction bids")
        ordering = ["auction", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["auction", "sequence"], name="auction_bid_sequence"),
            models.UniqueConstraint(fields=["entry", "client_ref"], name="auction_bid_client_ref"),
        ]

    def __str__(self) -> str:
        return f"{self.auction_id}#{self.sequence}"
