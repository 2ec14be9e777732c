from django.urls import path

from kraya.orders import rating_views
from kraya.orders.views import actions, contract, detail

app_name = "orders"
urlpatterns = [
    # ORD-9: the rating pages (before the order pages, whose first segment is a number).
    path("ratings/sellers/<int:firm_id>/", rating_views.seller_rating, name="seller_rating"),
    path("ratings/offices/<int:office_id>/", rating_views.office_rating, name="office_rating"),
    *detail.urlpatterns,
    *contract.urlpatterns,
    *actions.urlpatterns,
]
