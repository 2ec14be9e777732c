from django.contrib import admin
from django.urls import include, path

from kraya.api.main import api
from kraya.bids.api import auction_hot
from kraya.web.views import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    # RA-2..4 hot path (issue 6): token bids on PostgreSQL skip the ninja operation of
    # the same URL; everything else goes on to it (`kraya.bids.api.auction_hot`).
    path(
        "api/v1/bids/auctions/<int:auction_id>/bids",
        auction_hot.auction_bid,
        name="auction_bid_hot",
    ),
    path("api/v1/", api.urls),
    path("accounts/", include("kraya.accounts.urls")),
    path("catalogue/", include("kraya.catalog.urls")),
    path("sellers/", include("kraya.sellers.urls")),
    path("outreach/", include("kraya.outreach.urls")),
    path("buying/", include("kraya.buying.urls")),
    path("orders/", include("kraya.orders.urls")),
    path("bids/", include("kraya.bids.urls")),
    path("incidents/", include("kraya.incidents.urls")),  # INC-1, INC-2
    path("inbox/", include("kraya.notifications.urls")),
    path("open-data/", include("kraya.opendata.urls")),  # OPEN-1
    path("statistics/", include("kraya.insights.urls")),  # OPEN-2, public
    path("compliance/", include("kraya.insights.compliance.views")),  # OPEN-3, officials
    path("transparency/red-flags/", include("kraya.insights.redflags.views")),  # OPEN-4
    path("operator/", admin.site.urls),
    path("", include("kraya.web.urls")),
]
