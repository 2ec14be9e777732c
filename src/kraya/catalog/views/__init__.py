"""The catalogue's web pages: public (categories, search, compare, an
offer), the seller firm's catalogue, and the operators' review pages."""

from kraya.catalog.views.operator import (
    category_create,
    category_template,
    product_review,
    review_queue,
)
from kraya.catalog.views.public import (
    catalogue_index,
    category_detail,
    compare_page,
    offer_detail,
    search_page,
)
from kraya.catalog.views.seller import (
    offer_clone,
    offer_create,
    offer_withdraw,
    offers_upload,
    product_create,
    seller_home,
    seller_offer,
)

__all__ = [
    "catalogue_index",
    "category_create",
    "category_detail",
    "category_template",
    "compare_page",
    "offer_clone",
    "offer_create",
    "offer_detail",
    "offer_withdraw",
    "offers_upload",
    "product_create",
    "product_review",
    "review_queue",
    "search_page",
    "seller_home",
    "seller_offer",
]
