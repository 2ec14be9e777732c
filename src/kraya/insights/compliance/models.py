"""OPEN-3 / ORD-7: payment delays and interest per buyer office and FY, so the
compliance pages never scan payments or bills per request. Rebuilt by
`kraya compliance refresh` (a few GROUP BYs), hourly by Celery beat."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentRollup(models.Model):
    fy = models.SmallIntegerField(_("financial year"))
    department_id = models.BigIntegerField(_("department"))
    office_id = models.BigIntegerField(_("office"))
    # Payments made in the FY (IST) and how late (ORD-7).
    payments = models.BigIntegerField(_("payments"), default=0)
    paid_late = models.BigIntegerField(_("paid late"), default=0)
    late_days = models.BigIntegerField(_("days late (sum)"), default=0)
    interest_paid_paise = models.BigIntegerField(_("interest paid (paise)"), default=0)
    # Orders still unpaid after their last day to pay (FY of that day).
    overdue = models.BigIntegerField(_("overdue unpaid orders"), default=0)
    overdue_paise = models.BigIntegerField(_("overdue value (paise)"), default=0)
    interest_owed_paise = models.BigIntegerField(_("interest accrued, unpaid (paise)"), default=0)

    class Meta:
        verbose_name = _("payment delays")
        verbose_name_plural = _("payment delays")
        constraints = [
            models.UniqueConstraint(fields=["fy", "office_id"], name="compliance_payment_key")
        ]
        indexes = [
            models.Index(fields=["department_id", "fy"], name="compliance_payment_dept"),
        ]

    def __str__(self) -> str:
        return f"FY {self.fy} office {self.office_id}: {self.paid_late} late"


class RefreshMark(models.Model):
    """When the payment rollup was last rebuilt (one row)."""

    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("compliance refresh")
        verbose_name_plural = _("compliance refreshes")

    def __str__(self) -> str:
        return str(self.refreshed_at)
