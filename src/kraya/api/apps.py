from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kraya.api"
    label = "api"
