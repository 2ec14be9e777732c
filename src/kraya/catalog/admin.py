"""Read-mostly admin for the catalogue. Approval, prices and templates change
through the services (audited); the admin is for looking, not for writing
around them."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kraya.catalog.models import (
    Brand,
    Category,
    Offer,
    OfferPriceChange,
    PriceReference,
    Product,
    SpecParameter,
)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SpecParameterInline(admin.TabularInline):
    model = SpecParameter
    extra = 0
    fields = ("position", "code", "name", "name_hi", "kind", "unit", "is_golden", "is_required")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(_ReadOnly):
    list_display = ["code", "name", "name_hi", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "name_hi"]
    inlines = [SpecParameterInline]


@admin.register(Brand)
class BrandAdmin(_ReadOnly):
    list_display = ["name", "is_registered", "owner_firm", "created_at"]
    list_filter = ["is_registered"]
    search_fields = ["name", "name_key"]


@admin.register(Product)
class ProductAdmin(_ReadOnly):
    list_display = ["title", "brand", "model", "category", "status", "mii_class", "created_at"]
    list_filter = ["status", "mii_class", "category__kind"]
    search_fields = ["title", "title_hi", "model", "brand__name"]
    raw_id_fields = ["category", "brand", "created_by_firm", "reviewed_by"]


@admin.register(Offer)
class OfferAdmin(_ReadOnly):
    list_display = ["id", "product", "seller_firm", "price_paise", "status", "price_flag"]
    list_filter = ["status", "price_flag"]
    search_fields = ["product__title", "seller_firm__name"]
    raw_id_fields = ["product", "seller_firm", "category"]


@admin.register(OfferPriceChange)
class OfferPriceChangeAdmin(_ReadOnly):
    list_display = ["offer", "price_paise", "mrp_paise", "stock", "source", "changed_at"]
    raw_id_fields = ["offer", "changed_by"]


@admin.register(PriceReference)
class PriceReferenceAdmin(_ReadOnly):
    list_display = ["product", "kind", "price_paise", "observed_at", "source"]
    list_filter = ["kind"]
    raw_id_fields = ["product"]
