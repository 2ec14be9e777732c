"""Operators read bids in the Django admin, read-only: changes go through the
services. Only the bid's public facts are shown — never its keys
(`BidKeys`), never a submission (sealed or opened, BID-5), and never the
bid's decision receipts, whose BID-4 receipt holds the number of
submissions received (`bids.less_competition`)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kraya.bids.models import Bid

# The public facts of a bid (BID-1), as its bid document shows them.
BID_FIELDS = (
    "number",
    "status",
    "office",
    "title",
    "description",
    "estimated_value_paise",
    "delivery_state",
    "delivery_pincode",
    "published_at",
    "end_at",
    "opening_at",
    "offer_validity_days",
    "evaluation_basis",
    "two_packet",
    "emd_percent",
    "epbg_percent",
    "mse_preference",
    "mii_preference",
    "mii_reservation",
    "reverse_auction",
    "technical_opened_at",
    "financial_opened_at",
    "awarded_at",
    "cancelled_at",
    "cancel_reason",
)


@admin.register(Bid)
class BidAdmin(admin.ModelAdmin):
    list_display = ("number", "office", "status", "end_at")
    list_filter = ("status",)
    search_fields = ("=number", "title")
    fields = BID_FIELDS
    readonly_fields = BID_FIELDS
    list_select_related = ("office",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)
