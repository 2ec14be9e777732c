"""ORD-9: the latest rating of each seller firm and buyer office, as the
scheduled refresh (`kraya.orders.services.ratings.ratings_refresh`) computed
it. A cache of the events: rebuilt at will, one row per subject."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kraya.core import clock


class Rating(models.Model):
    class Subject(models.TextChoices):
        SELLER = "SELLER", _("Seller firm")
        BUYER = "BUYER", _("Buyer office")

    # "SELLER:12" or "BUYER:34": one row per subject, and the key the refresh
    # upserts on (a plain unique column works with ON CONFLICT everywhere).
    subject_key = models.CharField(_("subject"), max_length=32, unique=True)
    subject = models.CharField(_("subject kind"), max_length=8, choices=Subject.choices)
    seller_firm = models.ForeignKey(
        "accounts.SellerFirm",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("seller firm"),
    )
    buyer_office = models.ForeignKey(
        "accounts.BuyerUnit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("buyer office"),
    )
    # Out of 5 with one decimal; null when there is not enough data.
    score = models.DecimalField(_("rating"), max_digits=2, decimal_places=1, null=True, blank=True)
    orders = models.PositiveIntegerField(_("orders counted"), default=0)
    # [{"name", "weight_percent", "good", "counted", "percent"}] in display
    # order; Decimals as strings ("93.3"), percent null when there is no data.
    components = models.JSONField(_("components"), default=list)
    window_from = models.DateTimeField(_("events counted from"))
    computed_at = models.DateTimeField(_("computed at"), default=clock.now)
    policy_version = models.CharField(_("policy version"), max_length=10)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["subject_key"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(subject="SELLER", seller_firm__isnull=False, buyer_office__isnull=True)
                    | Q(subject="BUYER", seller_firm__isnull=True, buyer_office__isnull=False)
                ),
                name="rating_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=5),
                name="rating_score_out_of_five",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_key}: {self.score}"
