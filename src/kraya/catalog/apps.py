from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "kraya.catalog"
    label = "catalog"
