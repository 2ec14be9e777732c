"""After the opening: technical evaluation with reasons, clarifications and
the one representation (BID-6); invitations to match L1 (MSE-1, MII-2,
PREF-1); the award that makes the contract (BID-8)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kraya.core import clock


class TechnicalEvaluation(models.Model):
    """BID-6: the buyer's verdict on one submission; a rejection has a reason."""

    submission = models.OneToOneField(
        "bids.Submission",
        on_delete=models.CASCADE,
        related_name="evaluation",
        verbose_name=_("submission"),
    )
    qualified = models.BooleanField(_("technically qualified"))
    reason = models.TextField(_("reason"), blank=True)
    receipt = models.JSONField(_("eligibility decision"), null=True, blank=True)
    evaluated_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("evaluated by")
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), default=clock.now)

    class Meta:
        verbose_name = _("technical evaluation")
        verbose_name_plural = _("technical evaluations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(qualified=True) | ~models.Q(reason=""),
                name="evaluation_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}: {'qualified' if self.qualified else 'rejected'}"


class Clarification(models.Model):
    """BID-6: a question to a bidder, answered within the window (3 days)."""

    submission = models.ForeignKey(
        "bids.Submission",
        on_delete=models.CASCADE,
        related_name="clarifications",
        verbose_name=_("submission"),
    )
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    asked_at = models.DateTimeField(_("asked at"), default=clock.now)
    due_at = models.DateTimeField(_("answer by"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")
        ordering = ["submission", "asked_at", "id"]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.question[:40]}"


class Representation(models.Model):
    """BID-6: a rejected bidder's one representation within 48 hours, answered
    before the financial opening."""

    submission = models.OneToOneField(
        "bids.Submission",
        on_delete=models.CASCADE,
        related_name="representation",
        verbose_name=_("submission"),
    )
    text = models.TextField(_("representation"))
    filed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed at"), default=clock.now)
    receipt = models.JSONField(_("filing decision"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    upheld = models.BooleanField(_("upheld"), null=True)
    answered_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("representation")
        verbose_name_plural = _("representations")

    def __str__(self) -> str:
        return f"{self.submission_id}: representation"


class MatchInvitation(models.Model):
    """MSE-1 / MII-2 / PREF-1: a seller within the band invited to match the
    L1 price of a lot; no answer by `answer_by` counts as a decline."""

    lot = models.ForeignKey(
        "bids.BidLot", on_delete=models.CASCADE, related_name="invitations", verbose_name=_("lot")
    )
    submission = models.ForeignKey(
        "bids.Submission",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("submission"),
    )
    rules = models.JSONField(_("rules"), default=list)
    l1_unit_price_paise = models.PositiveBigIntegerField(_("L1 unit price to match (paise)"))
    invited_at = models.DateTimeField(_("invited at"), default=clock.now)
    answer_by = models.DateTimeField(_("answer by"))
    accepted = models.BooleanField(_("accepted"), null=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation to match L1")
        verbose_name_plural = _("invitations to match L1")
        ordering = ["lot", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "submission"], name="invitation_one_per_lot"),
        ]

    def __str__(self) -> str:
        return f"{self.lot_id}: {self.submission_id}"


class Award(models.Model):
    """BID-8: what one seller supplies of a lot, at what unit price, and the
    contract (order) made for it."""

    lot = models.ForeignKey(
        "bids.BidLot", on_delete=models.PROTECT, related_name="awards", verbose_name=_("lot")
    )
    submission = models.ForeignKey(
        "bids.Submission",
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name=_("submission"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_paise = models.PositiveBigIntegerField(_("unit price (paise)"))
    rules = models.JSONField(_("rules"), default=list)
    order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bid_awards",
        verbose_name=_("order"),
    )
    awarded_at = models.DateTimeField(_("awarded at"), default=clock.now)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["lot", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "submission"], name="award_one_per_seller_lot"),
        ]

    def __str__(self) -> str:
        return f"{self.lot_id}: {self.submission_id} × {self.quantity}"
