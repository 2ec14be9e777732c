from kraya.insights.views import urlpatterns as statistics

app_name = "insights"
urlpatterns = [*statistics]
