from django.contrib import admin
from django.urls import include, path

from kraya.api.main import api
from kraya.web.views import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("accounts/", include("kraya.accounts.urls")),
    path("catalogue/", include("kraya.catalog.urls")),
    path("sellers/", include("kraya.sellers.urls")),
    path("outreach/", include("kraya.outreach.urls")),
    path("buying/", include("kraya.buying.urls")),
    path("orders/", include("kraya.orders.urls")),
    path("bids/", include("kraya.bids.urls")),
    path("operator/", admin.site.urls),
    path("", include("kraya.web.urls")),
]
