"""The bid (BID-1), its lots and items, its corrigenda (BID-3) and the keys
that seal its submissions (BID-5)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kraya.bids import states
from kraya.core import clock


class Bid(models.Model):
    """BID-1: what the buyer asks for, on what terms, and where the bid is in
    its life (`kraya.bids.states`). Times are UTC; pages show IST."""

    class Status(models.TextChoices):
        DRAFT = states.DRAFT, _("Draft")
        PUBLISHED = states.PUBLISHED, _("Published: open for bids")
        TECHNICAL_EVALUATION = states.TECHNICAL_EVALUATION, _("Technical evaluation")
        FINANCIAL_EVALUATION = states.FINANCIAL_EVALUATION, _("Financial bids opened")
        REVERSE_AUCTION = states.REVERSE_AUCTION, _("Reverse auction")
        MATCHING = states.MATCHING, _("Purchase preference: sellers invited to match L1")
        AWARD_PENDING = states.AWARD_PENDING, _("Ready to award")
        AWARDED = states.AWARDED, _("Awarded")
        CANCELLED = states.CANCELLED, _("Cancelled")

    class EvaluationBasis(models.TextChoices):
        TOTAL = "TOTAL", _("Total value of all items")
        ITEM = "ITEM", _("Item-wise")
        GROUP = "GROUP", _("Group-wise")

    class MiiReservation(models.TextChoices):
        NONE = "NONE", _("Open to all")
        CLASS_1 = "CLASS_1", _("Reserved for Class-I local suppliers")
        CLASS_1_2 = "CLASS_1_2", _("Reserved for Class-I and Class-II local suppliers")

    class RaQualification(models.TextChoices):
        POLICY = "", _("As the policy says")
        LOWEST_PERCENT = "lowest_percent", _("Lowest-priced share of bidders")
        H1_ELIMINATION = "h1_elimination", _("All but the highest (H1 elimination)")

    # Given at publication (`KRY/B/2026/000123`); blank while a draft.
    number = models.CharField(_("bid number"), max_length=24, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.DRAFT
    )
    office = models.ForeignKey(
        "accounts.BuyerUnit",
        on_delete=models.PROTECT,
        related_name="bids",
        verbose_name=_("office"),
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
    # A demand that needed a bid (MODE-1 above ₹10 lakh) when the bid came from one.
    demand = models.OneToOneField(
        "buying.Demand",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bid",
        verbose_name=_("demand"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    estimated_value_paise = models.PositiveBigIntegerField(_("estimated value (paise)"))
    delivery_state = models.CharField(_("delivery state"), max_length=100)
    delivery_pincode = models.CharField(_("delivery PIN code"), max_length=6)
    delivery_address = models.TextField(_("delivery address"))
    delivery_period_days = models.PositiveSmallIntegerField(_("delivery period (days)"))

    # BID-1 times. `end_at` is the current end (after corrigenda and the one
    # BID-4 extension); `opening_at` the technical opening (at or after the end).
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    end_at = models.DateTimeField(_("bid end"))
    opening_at = models.DateTimeField(_("bid opening"))
    original_end_at = models.DateTimeField(_("end as first published"), null=True, blank=True)
    offer_validity_days = models.PositiveSmallIntegerField(_("offer validity (days)"))

    # BID-1 eligibility, BID-2 relaxation.
    min_average_turnover_paise = models.PositiveBigIntegerField(
        _("minimum average turnover (paise)"), default=0
    )
    min_experience_years = models.PositiveSmallIntegerField(
        _("minimum experience (years)"), default=0
    )
    min_past_performance_percent = models.DecimalField(
        _("minimum past performance (%)"), max_digits=5, decimal_places=2, default=0
    )
    relax_for_mse_and_startups = models.BooleanField(
        _("relax turnover and experience for MSEs and startups"), default=False
    )
    # BID-2: EMD 0 or 2–5%; ePBG and its duration.
    emd_percent = models.DecimalField(_("EMD (%)"), max_digits=5, decimal_places=2, default=0)
    epbg_percent = models.DecimalField(_("ePBG (%)"), max_digits=5, decimal_places=2, default=0)
    epbg_months = models.PositiveSmallIntegerField(_("ePBG duration (months)"), default=0)

    # §7 preferences.
    mse_preference = models.BooleanField(_("MSE purchase preference"), default=True)
    mse_share_percent = models.DecimalField(
        _("MSE quantity share (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    mii_preference = models.BooleanField(_("Make in India purchase preference"), default=True)
    mii_reservation = models.CharField(
        _("reserved for MII"),
        max_length=12,
        choices=MiiReservation.choices,
        default=MiiReservation.NONE,
    )

    # §8 reverse auction.
    reverse_auction = models.BooleanField(
        _("reverse auction after financial opening"), default=False
    )
    ra_qualification = models.CharField(
        _("reverse auction qualification"),
        max_length=20,
        choices=RaQualification.choices,
        default=RaQualification.POLICY,
        blank=True,
    )

    evaluation_basis = models.CharField(
        _("evaluation basis"),
        max_length=8,
        choices=EvaluationBasis.choices,
        default=EvaluationBasis.TOTAL,
    )
    two_packet = models.BooleanField(_("two-packet bid"), default=True)
    # BID-4: fewer bids than this at the end extends the bid once.
    min_bids = models.PositiveSmallIntegerField(_("minimum number of bids"), default=3)
    # BID-4: never shown to anyone before the opening.
    extensions = models.PositiveSmallIntegerField(_("automatic extensions"), default=0)
    # ORD-1 additional terms of the buyer (ATC): [{"clause", "text": {"en", "hi"}}].
    additional_terms = models.JSONField(_("additional terms"), default=list, blank=True)

    # ORD-2 for the contract the award makes: a sanction quoted by the buyer
    # or blocked by the paying authority before the award.
    sanction_reference = models.CharField(_("sanction reference"), max_length=100, blank=True)
    sanctioned_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sanctioned by"),
    )
    sanctioned_at = models.DateTimeField(_("sanctioned at"), null=True, blank=True)

    # BID-7, RA-1: the seed of every draw on this bid, fixed at publication.
    tie_break_seed = models.CharField(_("tie-break seed"), max_length=64, blank=True)
    policy_version = models.CharField(_("policy version"), max_length=10, blank=True)
    # The decision receipts of BID-1..4 checks (duration, validity, EMD,
    # corrigendum ends, the extension), in the order they were taken.
    receipts = models.JSONField(_("decision receipts"), default=list, blank=True)

    technical_opened_at = models.DateTimeField(_("technical bids opened at"), null=True, blank=True)
    financial_opened_at = models.DateTimeField(_("financial bids opened at"), null=True, blank=True)
    awarded_at = models.DateTimeField(_("awarded at"), null=True, blank=True)
    # BID-8: a cancellation is published with its reason.
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancellation"), blank=True)

    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["office", "created_at"]),
            # The clock: bids whose end or opening has come.
            models.Index(fields=["status", "end_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="bid_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(estimated_value_paise__gt=0), name="bid_estimated_value_positive"
            ),
            models.CheckConstraint(
                condition=Q(opening_at__gte=models.F("end_at")), name="bid_opens_after_end"
            ),
            models.CheckConstraint(
                condition=~Q(paying_authority=models.F("buyer"))
                & ~Q(paying_authority=models.F("consignee")),
                name="bid_paying_authority_separate",
            ),
            models.CheckConstraint(
                condition=~Q(status=states.CANCELLED) | ~Q(cancel_reason=""),
                name="bid_cancel_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"draft {self.pk}"

    @property
    def reference(self) -> str:
        return self.number or f"B-{self.pk}"


class BidLot(models.Model):
    """What is ranked as one (by the evaluation basis): all items (TOTAL),
    each item (ITEM) or each group (GROUP). The ranking, the auction and the
    preferences work per lot. A lot of one item splits by its quantity when
    the bid says it is divisible; a lot of several items goes whole to one
    seller (there is no one quantity to share)."""

    bid = models.ForeignKey(
        Bid, on_delete=models.CASCADE, related_name="lots", verbose_name=_("bid")
    )
    number = models.PositiveSmallIntegerField(_("lot"))
    title = models.CharField(_("title"), max_length=200)
    divisible = models.BooleanField(_("divisible"), default=True)
    # BID-7 receipt (`bids.financial_ranking`), RA-4 receipt (`bids.ra`) and
    # the §7 receipt (`bids.preference`), as they are decided.
    ranking = models.JSONField(_("financial ranking"), null=True, blank=True)
    auction_result = models.JSONField(_("reverse auction result"), null=True, blank=True)
    preference = models.JSONField(_("purchase preference"), null=True, blank=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["bid", "number"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "number"], name="bid_lot_number"),
        ]

    def __str__(self) -> str:
        return f"{self.bid_id}/{self.number}"


class BidItem(models.Model):
    """BID-1: a catalogue category with a quantity and the golden parameters
    the offered product must meet, or a free BOQ line (no category)."""

    bid = models.ForeignKey(
        Bid, on_delete=models.CASCADE, related_name="items", verbose_name=_("bid")
    )
    lot = models.ForeignKey(
        BidLot, on_delete=models.CASCADE, related_name="items", verbose_name=_("lot")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    category = models.ForeignKey(
        "catalog.Category",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
    )
    title = models.CharField(_("item"), max_length=200)
    specification = models.TextField(_("specification"), blank=True)
    golden_specs = models.JSONField(_("golden parameters"), default=dict, blank=True)
    unit = models.CharField(_("unit"), max_length=30, default="unit")
    quantity = models.PositiveIntegerField(_("quantity"))
    estimated_unit_price_paise = models.PositiveBigIntegerField(_("estimated unit price (paise)"))

    class Meta:
        verbose_name = _("bid item")
        verbose_name_plural = _("bid items")
        ordering = ["bid", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "position"], name="bid_item_position"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="bid_item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"


class Corrigendum(models.Model):
    """BID-3: a published change, numbered per bid; `changes` holds each
    changed field's old and new value, `receipt` the end-time decision."""

    bid = models.ForeignKey(
        Bid, on_delete=models.CASCADE, related_name="corrigenda", verbose_name=_("bid")
    )
    version = models.PositiveSmallIntegerField(_("corrigendum"))
    reason = models.TextField(_("reason"))
    changes = models.JSONField(_("changes"), default=dict)
    receipt = models.JSONField(_("end time decision"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), default=clock.now)
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )

    class Meta:
        verbose_name = _("corrigendum")
        verbose_name_plural = _("corrigenda")
        ordering = ["bid", "version"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "version"], name="corrigendum_version"),
        ]

    def __str__(self) -> str:
        return f"{self.bid_id} corrigendum {self.version}"


class BidKeys(models.Model):
    """BID-5: the two key pairs that seal a bid's submissions, one for the
    technical packet and one for the financial packet (`kraya.bids.sealing`).
    The public keys seal; each private key is stored only wrapped under the
    sealing master key (outside the database) until its opening releases it.
    No API, page or admin shows this model."""

    bid = models.OneToOneField(Bid, primary_key=True, on_delete=models.CASCADE, related_name="keys")
    technical_public = models.BinaryField()
    technical_private_wrapped = models.BinaryField()
    technical_private = models.BinaryField(null=True)
    technical_released_at = models.DateTimeField(null=True)
    financial_public = models.BinaryField()
    financial_private_wrapped = models.BinaryField()
    financial_private = models.BinaryField(null=True)
    financial_released_at = models.DateTimeField(null=True)
    master_key_id = models.CharField(max_length=16)

    class Meta:
        verbose_name = _("bid keys")
        verbose_name_plural = _("bid keys")

    def __str__(self) -> str:
        return f"keys of {self.bid_id}"
