from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kraya.core"
    label = "core"
