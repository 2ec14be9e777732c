from kraya.bids.views import auction, evaluation, participation, publication

app_name = "bids"
urlpatterns = [
    *publication.urlpatterns,
    *participation.urlpatterns,
    *evaluation.urlpatterns,
    *auction.urlpatterns,
]
