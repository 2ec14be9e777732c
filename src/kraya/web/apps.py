from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kraya.web"
    label = "web"
