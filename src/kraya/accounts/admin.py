"""Operator screens (Django admin at /operator/): read-mostly.

Users, organisations, firms, roles and tokens change through the services
(each audited), so here they are shown, searched and filtered, not edited:
an operator fixes data by a service call, never by a raw row edit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import ApiToken, BuyerUnit, Membership, SellerFirm, User


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    fields = ("role", "buyer_unit", "seller_firm", "is_active", "created_at", "deactivated_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Operators may reset a password or unlock staff flags (Django's own
    audited admin log); roles come only from memberships."""

    list_display = ("username", "full_name", "email", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "preferred_language")
    search_fields = ("username", "full_name", "email", "mobile")
    ordering = ("username",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email", "mobile", "preferred_language")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    inlines = [MembershipInline]


@admin.register(BuyerUnit)
class BuyerUnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "level", "organisation_type", "state", "district", "is_active")
    list_filter = ("level", "organisation_type", "is_active", "state")
    search_fields = ("name", "name_hi", "code", "district")
    list_select_related = ("parent",)


@admin.register(SellerFirm)
class SellerFirmAdmin(ReadOnlyAdmin):
    list_display = ("name", "pan", "state", "district", "is_active", "created_at")
    list_filter = ("is_active", "state")
    search_fields = ("name", "pan")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "buyer_unit", "seller_firm", "is_active", "created_at")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "user__full_name", "buyer_unit__name", "seller_firm__name")
    list_select_related = ("user", "buyer_unit", "seller_firm")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    # key_hash is deliberately not shown.
    list_display = ("name", "prefix", "membership", "created_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "membership__user__username")
    fields = (
        "name",
        "prefix",
        "membership",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    list_select_related = ("membership__user",)
