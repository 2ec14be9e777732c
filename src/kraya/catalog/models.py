"""The catalogue (DOMAIN §4): categories and sellers' offers.

Issue 4 grows this (spec templates, products, approval, search); these models
hold data and the invariants the database can enforce. Workflows live in
`services.py`."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kraya.catalog import rules
from kraya.core import clock


def _in_active_language(english: str, hindi: str) -> str:
    if hindi and (translation.get_language() or "").startswith("hi"):
        return hindi
    return english


class Category(models.Model):
    """A node of the category tree (CAT-1), for products or for services."""

    class Kind(models.TextChoices):
        PRODUCT = rules.PRODUCT, _("Product")
        SERVICE = rules.SERVICE, _("Service")

    code = models.SlugField(_("code"), max_length=rules.CATEGORY_CODE_MAX, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_hi = models.CharField(_("name in Hindi"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["kind", "name", "id"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _in_active_language(self.name, self.name_hi)


class Offer(models.Model):
    """A seller firm's offer of a product or service at a price (CAT-2).
    Money in integer paise; the price is all-inclusive."""

    seller_firm = models.ForeignKey(
        "accounts.SellerFirm",
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("seller firm"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="offers", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=200)
    title_hi = models.CharField(_("title in Hindi"), max_length=200, blank=True)
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    price_paise = models.PositiveBigIntegerField(_("price (paise)"))
    mrp_paise = models.PositiveBigIntegerField(_("MRP (paise)"))
    stock = models.PositiveIntegerField(_("stock"), default=0)
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), default=7)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["price_paise", "id"]
        constraints = [
            # CAT-4: an offer above its MRP is refused, whoever writes the row.
            models.CheckConstraint(
                condition=Q(price_paise__lte=F("mrp_paise")),
                name="offer_price_within_mrp",
            ),
            models.CheckConstraint(condition=Q(price_paise__gt=0), name="offer_price_positive"),
        ]
        indexes = [models.Index(fields=["category", "is_active", "price_paise"])]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return _in_active_language(self.title, self.title_hi)
