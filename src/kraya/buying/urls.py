from django.urls import path

from kraya.buying import views

app_name = "buying"
urlpatterns = [
    path("demands/", views.demand_list, name="demands"),
    path("demands/new/", views.demand_new, name="demand_new"),
    path("demands/<int:demand_id>/", views.demand_detail, name="demand"),
    path("demands/<int:demand_id>/compare/", views.demand_compare, name="demand_compare"),
    path("demands/<int:demand_id>/cancel/", views.demand_cancel, name="demand_cancel"),
    path("demands/<int:demand_id>/funds/", views.funds_block, name="funds_block"),
    path("demands/<int:demand_id>/order/", views.order_place, name="order_place"),
    # MODE-6: purchases outside the portal.
    path("availability/", views.availability, name="availability"),
]
