"""Outreach (DOMAIN §12): events with their attendance and the registrations
they brought (OUT-1), and feedback from buyers and sellers (OUT-2).

Workflows live in `services.py`; these models hold data and the invariants
the database can enforce."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kraya.core import clock
from kraya.outreach import rules, sentiment


class Event(models.Model):
    """OUT-1: a workshop, Samvad session, district camp or GeM event."""

    class Kind(models.TextChoices):
        WORKSHOP = rules.WORKSHOP, _("Workshop")
        SAMVAD = rules.SAMVAD, _("Samvad session")
        DISTRICT_CAMP = rules.DISTRICT_CAMP, _("District camp")
        GEM_EVENT = rules.GEM_EVENT, _("GeM event")

    code = models.CharField(_("code"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    title_hi = models.CharField(_("title in Hindi"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=100)
    district = models.CharField(_("district"), max_length=100, blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    organisers = models.CharField(_("organisers"), max_length=300, blank=True)
    organiser_unit = models.ForeignKey(
        "accounts.BuyerUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organising buyer unit"),
    )
    # Values of `kraya.sellers.models.Segment` (KYC-3), checked by the services.
    target_segments = models.JSONField(_("target segments"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="outreach_event_dates"
            ),
        ]
        indexes = [models.Index(fields=["state", "district"], name="outreach_event_place")]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.title_hi and (translation.get_language() or "").startswith("hi"):
            return self.title_hi
        return self.title


class Attendance(models.Model):
    """OUT-1: one person who came to an event."""

    class AttendeeType(models.TextChoices):
        SELLER = rules.SELLER, _("Seller")
        BUYER = rules.BUYER, _("Buyer")
        OTHER = rules.OTHER, _("Other")

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=200)
    mobile = models.CharField(_("mobile"), max_length=10, blank=True)
    organisation = models.CharField(_("organisation or firm"), max_length=200, blank=True)
    attendee_type = models.CharField(_("attendee type"), max_length=8, choices=AttendeeType.choices)
    firm = models.ForeignKey(
        "accounts.SellerFirm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("seller firm"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["event", "id"]

    def __str__(self) -> str:
        return self.name


class EventAttribution(models.Model):
    """OUT-1: the event a seller firm's registration is credited to. One per
    firm: the first event wins (the unique constraint makes it so)."""

    class How(models.TextChoices):
        DURING = rules.DURING, _("Registered during the event")
        ATTRIBUTED = rules.ATTRIBUTED, _("Attributed to the event")

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="attributions", verbose_name=_("event")
    )
    firm = models.OneToOneField(
        "accounts.SellerFirm",
        on_delete=models.PROTECT,
        related_name="event_attribution",
        verbose_name=_("seller firm"),
    )
    how = models.CharField(_("how"), max_length=12, choices=How.choices)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("event attribution")
        verbose_name_plural = _("event attributions")
        ordering = ["event", "id"]

    def __str__(self) -> str:
        return f"{self.event.code} · {self.firm_id}"


class EventImport(models.Model):
    """KYC-5 and OUT-1: a bulk registration (a workshop's CSV) run for an
    event; every firm it registers is credited to the event."""

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="imports", verbose_name=_("event")
    )
    batch = models.OneToOneField(
        "sellers.ImportBatch",
        on_delete=models.PROTECT,
        related_name="event_import",
        verbose_name=_("bulk import"),
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("event import")
        verbose_name_plural = _("event imports")
        ordering = ["event", "id"]

    def __str__(self) -> str:
        return f"{self.event.code} · {self.batch_id}"


class Feedback(models.Model):
    """OUT-2: one piece of "voice of the customer", tracked to a response."""

    class Side(models.TextChoices):
        BUYER = rules.BUYER, _("Buyer")
        SELLER = rules.SELLER, _("Seller")

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        HINDI = "hi", "हिन्दी"

    class Topic(models.TextChoices):
        REGISTRATION = "REGISTRATION", _("Registration")
        CATALOGUE = "CATALOGUE", _("Catalogue")
        BIDDING = "BIDDING", _("Bidding")
        ORDERS = "ORDERS", _("Orders")
        PAYMENT = "PAYMENT", _("Payment")
        TRAINING = "TRAINING", _("Training")
        PORTAL = "PORTAL", _("Portal")
        OTHER = "OTHER", _("Other")

    class Sentiment(models.TextChoices):
        POSITIVE = sentiment.POSITIVE, _("Positive")
        NEUTRAL = sentiment.NEUTRAL, _("Neutral")
        NEGATIVE = sentiment.NEGATIVE, _("Negative")

    class Status(models.TextChoices):
        OPEN = rules.OPEN, _("Open")
        TAGGED = rules.TAGGED, _("Tagged")
        RESPONDED = rules.RESPONDED, _("Responded")
        CLOSED = rules.CLOSED, _("Closed")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("author"),
    )
    side = models.CharField(_("side"), max_length=8, choices=Side.choices)
    # The author's state when they wrote (their buyer unit's or firm's), for summaries.
    state = models.CharField(_("state"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    text = models.TextField(_("feedback"), max_length=4000)
    event = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("event"),
    )
    # Plain references until the orders (issue 7) and bids (issue 6) apps exist.
    order_ref = models.CharField(_("order"), max_length=64, blank=True)
    bid_ref = models.CharField(_("bid"), max_length=64, blank=True)
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices, blank=True)
    sentiment = models.CharField(_("sentiment"), max_length=8, choices=Sentiment.choices)
    sentiment_score = models.FloatField(_("sentiment score"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    response = models.TextField(_("response"), blank=True, max_length=4000)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responded by"),
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    tagged_at = models.DateTimeField(_("tagged at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="outreach_fb_status"),
            models.Index(fields=["author", "created_at"], name="outreach_fb_author"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"
