"""The rollups behind the public statistics (OPEN-2) and the compliance
dashboards (OPEN-3), so no page scans the orders.

What counts (GMV and order counts): every order placed, at its `placed_at`
in IST (Indian financial year 1 April - 31 March), unless it was DECLINED by
the seller or CANCELLED: those leave GMV and the order count. Its value is
the contract total (`Order.total_paise`).

`OrderFact` holds each counted order's keys as they were rolled up (seller
segments as they were when the order was first counted), so an incremental
refresh subtracts exactly what it added; the rollup tables are sums of the
facts over fewer keys. Keys use 0 / "" for "none" (never NULL), so upserts
match on them. `RefreshState` is the watermark of `kraya.insights.services`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderFact(models.Model):
    """One counted order as rolled up (not a foreign key: the rollups must
    not hold the orders table's rows locked)."""

    order_id = models.BigIntegerField(primary_key=True)
    month = models.IntegerField(_("month (YYYYMM, IST)"))
    fy = models.SmallIntegerField(_("financial year (its starting year)"))
    mode = models.CharField(_("buying mode"), max_length=8)
    segments = models.IntegerField(_("seller segments (bits)"))
    state = models.CharField(_("state"), max_length=100)
    district = models.CharField(_("district"), max_length=100)
    department_id = models.BigIntegerField(_("department"))
    organisation_id = models.BigIntegerField(_("organisation"))
    office_id = models.BigIntegerField(_("office"))
    category_id = models.BigIntegerField(_("category"))
    gmv_paise = models.BigIntegerField(_("GMV (paise)"))

    class Meta:
        verbose_name = _("rolled-up order")
        verbose_name_plural = _("rolled-up orders")

    def __str__(self) -> str:
        return f"order {self.order_id}: FY {self.fy}, {self.gmv_paise} paise"


class MonthRollup(models.Model):
    """GMV and orders per IST month, buying mode and seller segments (all nine
    segment bits): the overview, the month chart and GMV by segment."""

    month = models.IntegerField(_("month (YYYYMM, IST)"))
    fy = models.SmallIntegerField(_("financial year"))
    mode = models.CharField(_("buying mode"), max_length=8)
    segments = models.IntegerField(_("seller segments (bits)"))
    orders = models.BigIntegerField(_("orders"), default=0)
    gmv_paise = models.BigIntegerField(_("GMV (paise)"), default=0)

    class Meta:
        verbose_name = _("GMV by month")
        verbose_name_plural = _("GMV by month")
        constraints = [
            models.UniqueConstraint(fields=["month", "mode", "segments"], name="insights_month_key")
        ]
        indexes = [models.Index(fields=["fy"], name="insights_month_fy")]

    def __str__(self) -> str:
        return f"{self.month} {self.mode} {self.segments}: {self.orders}"


class PlaceRollup(models.Model):
    """GMV and orders per FY, buyer state and district, and the compliance
    segments (MSE, women, SC/ST bits only): state and district tables and
    OPEN-3's state ranking."""

    fy = models.SmallIntegerField(_("financial year"))
    state = models.CharField(_("state"), max_length=100)
    district = models.CharField(_("district"), max_length=100)
    segments = models.IntegerField(_("compliance segments (bits)"))
    orders = models.BigIntegerField(_("orders"), default=0)
    gmv_paise = models.BigIntegerField(_("GMV (paise)"), default=0)

    class Meta:
        verbose_name = _("GMV by place")
        verbose_name_plural = _("GMV by place")
        constraints = [
            models.UniqueConstraint(
                fields=["fy", "state", "district", "segments"], name="insights_place_key"
            )
        ]

    def __str__(self) -> str:
        return f"FY {self.fy} {self.state}/{self.district}: {self.orders}"


class BuyerRollup(models.Model):
    """GMV and orders per FY, department, organisation and office, and the
    compliance segments (MSE, women, SC/ST bits): the department table and
    OPEN-3's shares per department (and office) per FY, one indexed read."""

    fy = models.SmallIntegerField(_("financial year"))
    department_id = models.BigIntegerField(_("department"))
    organisation_id = models.BigIntegerField(_("organisation"))
    office_id = models.BigIntegerField(_("office"))
    segments = models.IntegerField(_("compliance segments (bits)"))
    orders = models.BigIntegerField(_("orders"), default=0)
    gmv_paise = models.BigIntegerField(_("GMV (paise)"), default=0)

    class Meta:
        verbose_name = _("GMV by buyer")
        verbose_name_plural = _("GMV by buyer")
        constraints = [
            models.UniqueConstraint(
                fields=["fy", "department_id", "organisation_id", "office_id", "segments"],
                name="insights_buyer_key",
            )
        ]
        indexes = [
            models.Index(fields=["department_id", "fy"], name="insights_buyer_department"),
            models.Index(fields=["organisation_id", "fy"], name="insights_buyer_organisation"),
        ]

    def __str__(self) -> str:
        return f"FY {self.fy} office {self.office_id}: {self.orders}"


class CategoryRollup(models.Model):
    """GMV and orders per FY, category and buying mode."""

    fy = models.SmallIntegerField(_("financial year"))
    category_id = models.BigIntegerField(_("category"))
    mode = models.CharField(_("buying mode"), max_length=8)
    orders = models.BigIntegerField(_("orders"), default=0)
    gmv_paise = models.BigIntegerField(_("GMV (paise)"), default=0)

    class Meta:
        verbose_name = _("GMV by category")
        verbose_name_plural = _("GMV by category")
        constraints = [
            models.UniqueConstraint(
                fields=["fy", "category_id", "mode"], name="insights_category_key"
            )
        ]

    def __str__(self) -> str:
        return f"FY {self.fy} category {self.category_id} {self.mode}: {self.orders}"


class Headcount(models.Model):
    """A count recomputed at each refresh: sellers (all, by segment), buyer
    organisations, primary and secondary users, products and services."""

    name = models.CharField(_("name"), max_length=40)
    key = models.CharField(_("key"), max_length=40, blank=True)
    value = models.BigIntegerField(_("value"))

    class Meta:
        verbose_name = _("headcount")
        verbose_name_plural = _("headcounts")
        constraints = [
            models.UniqueConstraint(fields=["name", "key"], name="insights_headcount_key")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.key}: {self.value}"


class RefreshState(models.Model):
    """The one row of the refresh's progress; locked while a refresh runs."""

    # Orders changed after this instant (less the overlap) are read next time.
    watermark = models.DateTimeField(_("watermark"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)
    rebuilt_at = models.DateTimeField(_("last full rebuild at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refresh state")
        verbose_name_plural = _("refresh state")

    def __str__(self) -> str:
        return f"watermark {self.watermark}"
