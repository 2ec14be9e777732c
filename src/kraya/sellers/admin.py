"""Operators read registrations in the Django admin; changes go through the
services (verify, reject), so the admin is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kraya.sellers.models import BankAccount, Registration, SellerOffice, SocialCategory


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OfficeInline(_ReadOnlyInline):
    model = SellerOffice


class BankInline(_ReadOnlyInline):
    model = BankAccount
    exclude = ("account_number",)


class CategoryInline(_ReadOnlyInline):
    model = SocialCategory


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("legal_name", "pan", "state", "district", "status", "channel", "submitted_at")
    list_filter = ("status", "channel", "business_type", "state")
    search_fields = ("legal_name", "trade_name", "=pan")
    inlines = (OfficeInline, BankInline, CategoryInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)
