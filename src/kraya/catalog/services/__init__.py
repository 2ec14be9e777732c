"""Writes for the catalogue (DOMAIN §4): categories and templates, brands,
products and their approval, offers, bulk updates, price references.

Keyword-only, one transaction each, one audit event each; refusals raise
`kraya.core.errors` exceptions with stable codes and change nothing. Every
write that changes what search shows re-indexes the offers on commit."""

from kraya.catalog.services._common import MESSAGES
from kraya.catalog.services.bulk import BulkReport, RowReport, offers_bulk_update_csv
from kraya.catalog.services.categories import category_create, spec_parameter_add
from kraya.catalog.services.offers import (
    flag_for,
    offer_clone,
    offer_create,
    offer_remove,
    offer_update_terms,
    offer_withdraw,
    price_reference_add,
)
from kraya.catalog.services.products import (
    brand_register,
    product_approve,
    product_create,
    product_reject,
)

__all__ = [
    "MESSAGES",
    "BulkReport",
    "RowReport",
    "brand_register",
    "category_create",
    "flag_for",
    "offer_clone",
    "offer_create",
    "offer_remove",
    "offer_update_terms",
    "offer_withdraw",
    "offers_bulk_update_csv",
    "price_reference_add",
    "product_approve",
    "product_create",
    "product_reject",
    "spec_parameter_add",
]
