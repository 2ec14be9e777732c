from django.urls import path

from kraya.opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.open_data, name="index"),
    path("export.jsonl.gz", views.export_download, name="export"),
]
