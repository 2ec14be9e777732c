"""An incident (INC-1) against one bid, order or catalogue offer, between the
raiser and the respondent (the other party: a seller firm or a buyer
office), its messages, and the decided action (INC-2) with its effects."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kraya.core import clock
from kraya.incidents import rules, states


class Incident(models.Model):
    class Status(models.TextChoices):
        OPEN = states.OPEN, _("Open, awaiting the other party")
        RESPONDED = states.RESPONDED, _("Responded")
        RESOLVED = states.RESOLVED, _("Resolved")
        ESCALATED = states.ESCALATED, _("Escalated to an operator")
        SHOW_CAUSE = states.SHOW_CAUSE, _("Show-cause notice issued")
        REPLIED = states.REPLIED, _("Show-cause reply received")
        REPLY_LAPSED = states.REPLY_LAPSED, _("No reply to the show-cause notice")
        DECIDED = states.DECIDED, _("Decided")
        APPEALED = states.APPEALED, _("Appealed")
        APPEAL_DECIDED = states.APPEAL_DECIDED, _("Appeal decided")
        WITHDRAWN = states.WITHDRAWN, _("Withdrawn")

    class Side(models.TextChoices):
        BUYER = "BUYER", _("Buyer")
        SELLER = "SELLER", _("Seller")
        SYSTEM = "SYSTEM", _("System")
        OPERATOR = "OPERATOR", _("Operator")

    class Category(models.TextChoices):
        QUALITY = "QUALITY", _("Quality of goods or services")
        DELIVERY = "DELIVERY", _("Delivery")
        PAYMENT = "PAYMENT", _("Payment")
        BID_CONDUCT = "BID_CONDUCT", _("Conduct in a bid")
        CATALOGUE = "CATALOGUE", _("Catalogue listing")
        AUTO_CANCELS = "AUTO_CANCELS", _("Repeated auto-cancelled orders")
        OTHER = "OTHER", _("Other")

    class Severity(models.TextChoices):
        MILD = rules.MILD, _("Mild")
        SERIOUS = rules.SERIOUS, _("Serious")
        SEVERE = rules.SEVERE, _("Severe")
        GRAVE = rules.GRAVE, _("Grave")

    class Action(models.TextChoices):
        WARNING = rules.WARNING, _("Warning")
        SUSPENSION = rules.SUSPENSION, _("Suspension")
        CATALOGUE_REMOVAL = rules.CATALOGUE_REMOVAL, _("Catalogue removal")
        DEBARMENT = rules.DEBARMENT, _("Debarment")

    class AppealOutcome(models.TextChoices):
        UPHELD = "UPHELD", _("Upheld")
        OVERTURNED = "OVERTURNED", _("Overturned")

    number = models.CharField(_("incident number"), max_length=24, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    raiser_side = models.CharField(_("raised by side"), max_length=8, choices=Side.choices)
    raised_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("raised by"),
    )
    raiser_firm = models.ForeignKey(
        "accounts.SellerFirm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("raising seller firm"),
    )
    raiser_office = models.ForeignKey(
        "accounts.BuyerUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("raising buyer office"),
    )
    bid = models.ForeignKey(
        "bids.Bid",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bid"),
    )
    order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("order"),
    )
    offer = models.ForeignKey(
        "catalog.Offer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("offer"),
    )
    respondent_firm = models.ForeignKey(
        "accounts.SellerFirm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("respondent seller firm"),
    )
    respondent_office = models.ForeignKey(
        "accounts.BuyerUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("respondent buyer office"),
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    description = models.TextField(_("description"))
    raised_at = models.DateTimeField(_("raised at"), default=clock.now)
    # INC-1 deadlines, stored when they start (shown with days left to both sides).
    response_due_at = models.DateTimeField(_("response due"))
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    show_cause_at = models.DateTimeField(_("show-cause notice issued at"), null=True, blank=True)
    show_cause_text = models.TextField(_("show-cause notice"), blank=True)
    reply_due_at = models.DateTimeField(_("reply due"), null=True, blank=True)
    # INC-2: the decision.
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, blank=True)
    action_reasons = models.TextField(_("reasons"), blank=True)
    action_until = models.DateTimeField(_("action in force until"), null=True, blank=True)
    # What the action changed, to lift it on appeal: the firm's bars before,
    # the offers withdrawn.
    action_effects = models.JSONField(_("action effects"), default=dict, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    appeal_due_at = models.DateTimeField(_("appeal due"), null=True, blank=True)
    appeal_text = models.TextField(_("grounds of appeal"), blank=True)
    appealed_at = models.DateTimeField(_("appealed at"), null=True, blank=True)
    appeal_outcome = models.CharField(
        _("appeal outcome"), max_length=12, choices=AppealOutcome.choices, blank=True
    )
    appeal_reasons = models.TextField(_("appeal decision reasons"), blank=True)
    appeal_decided_at = models.DateTimeField(_("appeal decided at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The search index learnt that the bar ended (the clock re-indexes once).
    bar_end_indexed = models.BooleanField(default=False)
    policy_version = models.CharField(_("policy version"), max_length=10)
    receipts = models.JSONField(_("decision receipts"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-raised_at", "-id"]
        constraints = [
            # INC-1: against exactly one of a bid, an order or an offer.
            models.CheckConstraint(
                condition=(Q(bid__isnull=False) & Q(order__isnull=True) & Q(offer__isnull=True))
                | (Q(bid__isnull=True) & Q(order__isnull=False) & Q(offer__isnull=True))
                | (Q(bid__isnull=True) & Q(order__isnull=True) & Q(offer__isnull=False)),
                name="incident_against_one",
            ),
            models.CheckConstraint(
                condition=(Q(respondent_firm__isnull=False) & Q(respondent_office__isnull=True))
                | (Q(respondent_firm__isnull=True) & Q(respondent_office__isnull=False)),
                name="incident_one_respondent",
            ),
            # One open system incident per firm at a time (idempotent raising).
            models.UniqueConstraint(
                fields=["respondent_firm"],
                condition=Q(raiser_side="SYSTEM", status__in=sorted(states.OPEN_STATES)),
                name="incident_one_open_system_per_firm",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "response_due_at"]),
            models.Index(fields=["status", "reply_due_at"]),
            models.Index(fields=["respondent_firm", "status"]),
            models.Index(fields=["order", "status"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in states.OPEN_STATES


class IncidentMessage(models.Model):
    """A message between the parties (a response, a show-cause reply, an
    appeal), with an optional document stored in the row like the project's
    other uploads."""

    class Kind(models.TextChoices):
        RESPONSE = "RESPONSE", _("Response")
        REPLY = "REPLY", _("Show-cause reply")
        APPEAL = "APPEAL", _("Appeal")

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="messages", verbose_name=_("incident")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("text"))
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    content = models.BinaryField(_("content"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("incident message")
        verbose_name_plural = _("incident messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id} · {self.kind}"
