from django.urls import path

from kraya.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.catalogue_index, name="index"),
    # Fixed words come before <code>/: a category cannot be called "search".
    path("search/", views.search_page, name="search"),
    path("compare/", views.compare_page, name="compare"),
    path("offers/<int:offer_id>/", views.offer_detail, name="offer"),
    # A seller firm's catalogue (ROLE-3).
    path("firms/<int:firm_id>/", views.seller_home, name="seller_home"),
    path("firms/<int:firm_id>/products/new/", views.product_create, name="product_create"),
    path("firms/<int:firm_id>/offers/new/", views.offer_create, name="offer_create"),
    path("firms/<int:firm_id>/offers/upload/", views.offers_upload, name="offers_upload"),
    path("my-offers/<int:offer_id>/", views.seller_offer, name="seller_offer"),
    path("my-offers/<int:offer_id>/clone/", views.offer_clone, name="offer_clone"),
    path("my-offers/<int:offer_id>/withdraw/", views.offer_withdraw, name="offer_withdraw"),
    # Operators (CAT-1, CAT-3).
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:product_id>/", views.product_review, name="product_review"),
    path("templates/new/", views.category_create, name="category_create"),
    path("templates/<slug:code>/", views.category_template, name="category_template"),
    path("<slug:code>/", views.category_detail, name="category"),
]
