"""The catalogue (DOMAIN §4): categories with spec templates, brands,
products (approved once, CAT-3) and sellers' offers of them (CAT-2, CAT-4).

These models hold data and the invariants the database can enforce.
Workflows live in `services/`, decisions in `rules.py`."""

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
    description = models.TextField(_("description"), blank=True)
    description_hi = models.TextField(_("description in Hindi"), blank=True)
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


class SpecParameter(models.Model):
    """One parameter of a category's specification template (CAT-1); golden
    parameters are the ones buyers filter and compare on."""

    class Kind(models.TextChoices):
        NUMBER = rules.NUMBER, _("Number")
        CHOICE = rules.CHOICE, _("Choice")
        TEXT = rules.TEXT, _("Text")
        BOOLEAN = rules.BOOLEAN, _("Yes or no")

    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        related_name="parameters",
        verbose_name=_("category"),
    )
    code = models.SlugField(_("code"), max_length=rules.PARAMETER_CODE_MAX)
    name = models.CharField(_("name"), max_length=200)
    name_hi = models.CharField(_("name in Hindi"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    is_golden = models.BooleanField(_("golden parameter"), default=False)
    is_required = models.BooleanField(_("required"), default=False)
    min_value = models.DecimalField(
        _("minimum"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("specification parameter")
        verbose_name_plural = _("specification parameters")
        ordering = ["category", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code"], name="spec_parameter_code_unique_per_category"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _in_active_language(self.name, self.name_hi)


class Brand(models.Model):
    """A brand (CAT-3): products of a registered brand publish at once; others
    wait for an operator's approval."""

    name = models.CharField(_("name"), max_length=100)
    name_key = models.CharField(_("normalised name"), max_length=100, unique=True)
    is_registered = models.BooleanField(_("registered"), default=False)
    owner_firm = models.ForeignKey(
        "accounts.SellerFirm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="brands",
        verbose_name=_("owner firm"),
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """A product or service as the catalogue knows it (CAT-1..3), once; sellers
    make offers of it. `specs` maps parameter codes to values as strings."""

    class MiiClass(models.TextChoices):
        CLASS_1 = rules.CLASS_1, _("Class-I local supplier")
        CLASS_2 = rules.CLASS_2, _("Class-II local supplier")
        NON_LOCAL = rules.NON_LOCAL, _("Non-local supplier")

    class Status(models.TextChoices):
        PENDING = rules.PENDING, _("Awaiting approval")
        PUBLISHED = rules.PUBLISHED, _("Published")
        REJECTED = rules.REJECTED, _("Rejected")

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, related_name="products", verbose_name=_("brand")
    )
    oem = models.CharField(_("manufacturer (OEM)"), max_length=200, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=200)
    title_hi = models.CharField(_("title in Hindi"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    specs = models.JSONField(_("specification"), default=dict, blank=True)
    country_of_origin = models.CharField(_("country of origin"), max_length=2, default="IN")
    local_content_percent = models.PositiveSmallIntegerField(_("local content (%)"), default=0)
    mii_class = models.CharField(
        _("Make in India class"),
        max_length=16,
        choices=MiiClass.choices,
        default=rules.NON_LOCAL,
    )
    gi_tag = models.CharField(_("GI tag"), max_length=200, blank=True)
    service_unit = models.CharField(_("unit of service"), max_length=50, blank=True)
    sla = models.JSONField(_("service levels"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=rules.PENDING
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    created_by_firm = models.ForeignKey(
        "accounts.SellerFirm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products_created",
        verbose_name=_("created by firm"),
    )
    reviewed_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(local_content_percent__lte=100),
                name="product_local_content_within_100",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["category", "status"]),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return _in_active_language(self.title, self.title_hi)


class Offer(models.Model):
    """A seller firm's offer of a product or service at a price (CAT-2).
    Money in integer paise; the price is all-inclusive. Listed when it and its
    product are published and its firm is active."""

    class Status(models.TextChoices):
        PENDING = rules.PENDING, _("Awaiting approval")
        PUBLISHED = rules.PUBLISHED, _("Published")
        REJECTED = rules.REJECTED, _("Rejected")
        WITHDRAWN = rules.WITHDRAWN, _("Withdrawn")

    class PriceFlag(models.TextChoices):
        NONE = "", _("None")
        ABOVE_REFERENCE = rules.ABOVE_REFERENCE, _("Above reference price")

    seller_firm = models.ForeignKey(
        "accounts.SellerFirm",
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("seller firm"),
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="offers", verbose_name=_("product")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="offers", verbose_name=_("category")
    )
    price_paise = models.PositiveBigIntegerField(_("price (paise)"))
    mrp_paise = models.PositiveBigIntegerField(_("MRP (paise)"))
    stock = models.PositiveIntegerField(_("stock"), default=0)
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), default=7)
    delivery_state_mask = models.BigIntegerField(_("delivery states"), default=0)
    delivery_pincodes = models.TextField(_("delivery PIN codes"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=rules.PENDING
    )
    price_flag = models.CharField(
        _("price flag"), max_length=20, choices=PriceFlag.choices, blank=True, default=""
    )
    reference_price_paise = models.PositiveBigIntegerField(
        _("reference price (paise)"), null=True, blank=True
    )
    price_evidence = models.JSONField(_("price evidence"), default=dict, blank=True)
    rating_hundredths = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

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
        indexes = [
            models.Index(fields=["category", "status", "price_paise"]),
            models.Index(fields=["seller_firm", "status"]),
            models.Index(fields=["product", "status"]),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.product.display_title

    @property
    def is_listed(self) -> bool:
        return (
            self.status == rules.PUBLISHED
            and self.product.status == rules.PUBLISHED
            and self.seller_firm.is_active
            and not self.seller_firm.is_barred()  # INC-2: suspended or debarred
        )


class OfferPriceChange(models.Model):
    """One change of an offer's price, MRP or stock (CAT-4 evidence trail)."""

    class Source(models.TextChoices):
        WEB = "WEB", _("Web")
        API = "API", _("API")
        CSV = "CSV", _("CSV upload")
        SEED = "SEED", _("Seed data")

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="price_history", verbose_name=_("offer")
    )
    price_paise = models.PositiveBigIntegerField(_("price (paise)"))
    mrp_paise = models.PositiveBigIntegerField(_("MRP (paise)"))
    stock = models.PositiveIntegerField(_("stock"))
    changed_at = models.DateTimeField(_("changed at"), default=clock.now)
    changed_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)

    class Meta:
        verbose_name = _("offer price change")
        verbose_name_plural = _("offer price changes")
        ordering = ["offer", "-changed_at", "-id"]
        indexes = [models.Index(fields=["offer", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.offer_id} @ {self.changed_at:%Y-%m-%d}"


class PriceReference(models.Model):
    """A price observed for a product (CAT-4): transaction prices from orders,
    market prices from operators' surveys."""

    class Kind(models.TextChoices):
        TRANSACTION = rules.TRANSACTION, _("Transaction price")
        MARKET = rules.MARKET, _("Market price")

    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        related_name="price_references",
        verbose_name=_("product"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    price_paise = models.PositiveBigIntegerField(_("price (paise)"))
    observed_at = models.DateTimeField(_("observed at"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("price reference")
        verbose_name_plural = _("price references")
        ordering = ["product", "-observed_at", "-id"]
        indexes = [models.Index(fields=["product", "kind", "observed_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(price_paise__gt=0), name="price_reference_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.kind} {self.price_paise}"
