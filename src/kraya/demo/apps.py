from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kraya.demo"
    label = "demo"
