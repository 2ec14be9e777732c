"""Operators read orders, their bills, payments and ledger in the Django
admin, read-only: every change goes through the services (one transition
function, one ledger writer), so the admin can never unbalance the books."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kraya.orders.models import Bill, LedgerLine, LedgerTransaction, Order, Payment


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)


@admin.register(Order)
class OrderAdmin(ReadOnly):
    list_display = ("number", "buyer_office", "seller_firm", "mode", "status", "total_paise")
    list_filter = ("status", "mode")
    search_fields = ("=number",)
    list_select_related = ("buyer_office", "seller_firm")
    exclude = ("receipts", "terms")


@admin.register(Bill)
class BillAdmin(ReadOnly):
    list_display = ("order", "payable_paise", "ld_paise", "last_day", "interest_accrued_paise")
    list_select_related = ("order",)


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ("order", "principal_paise", "interest_paise", "days_late", "paid_at", "gateway")
    search_fields = ("=idempotency_key", "=gateway_reference")
    list_select_related = ("order",)


class LedgerLineInline(admin.TabularInline):
    model = LedgerLine
    fields = ("account", "debit_paise", "credit_paise")
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnly):
    list_display = ("key", "order", "kind", "rule", "posted_at")
    list_filter = ("kind",)
    search_fields = ("=key",)
    inlines = (LedgerLineInline,)
    list_select_related = ("order",)
