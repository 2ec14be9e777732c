from django.urls import path

from kraya.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.catalogue_index, name="index"),
    path("<slug:code>/", views.category_detail, name="category"),
]
