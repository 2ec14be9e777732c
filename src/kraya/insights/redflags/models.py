"""OPEN-4: one stored red flag. A flag is a suspicion to look into, not a
finding: it carries the evidence, the rule and the thresholds it applied, and
links to its process (a bid or an order). `kind` + `key` identify it, so the
nightly computation updates a flag instead of adding it twice."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kraya.core import clock
from kraya.insights.redflags import rules


class RedFlag(models.Model):
    class Kind(models.TextChoices):
        SINGLE_BIDDER = rules.SINGLE_BIDDER, _("Single bidder")
        SHORT_BID_PERIOD = rules.SHORT_BID_PERIOD, _("Short bid period")
        REPEATED_WINNER = rules.REPEATED_WINNER, _("Repeated buyer and seller pair")
        IDENTICAL_PRICES = rules.IDENTICAL_PRICES, _("Identical prices")
        SHARED_IP = rules.SHARED_IP, _("Buyer and seller signed in from one IP")
        PRICE_ABOVE_PAST = rules.PRICE_ABOVE_PAST, _("Price far above past orders")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What the flag is about within its kind ("bid:12", "pair:4:9", ...).
    key = models.CharField(_("key"), max_length=120)
    bid_id = models.BigIntegerField(_("bid"), null=True, blank=True)
    order_id = models.BigIntegerField(_("order"), null=True, blank=True)
    # The bid number or contract number people quote.
    process_ref = models.CharField(_("process"), max_length=40)
    # When the flagged process happened; a run re-examines the flags of its window.
    process_at = models.DateTimeField(_("process at"))
    office_id = models.BigIntegerField(_("buyer office"))
    # The office's DEPARTMENT-level ancestor (0: none): who may see the flag.
    department_id = models.BigIntegerField(_("department"))
    seller_firm_ids = models.JSONField(_("seller firms"), default=list)
    evidence = models.JSONField(_("evidence"), default=dict)
    # The rule id, the policy values it applied and their policy version.
    rule = models.CharField(_("rule"), max_length=10, default="OPEN-4")
    thresholds = models.JSONField(_("thresholds"), default=dict)
    policy_version = models.CharField(_("policy version"), max_length=10)
    first_seen_at = models.DateTimeField(_("first seen at"), default=clock.now)
    computed_at = models.DateTimeField(_("computed at"), default=clock.now)

    class Meta:
        verbose_name = _("red flag")
        verbose_name_plural = _("red flags")
        ordering = ["-process_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="redflag_kind_key")]
        indexes = [
            models.Index(fields=["department_id", "process_at"], name="redflag_department"),
            models.Index(fields=["kind", "process_at"], name="redflag_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.process_ref}"
