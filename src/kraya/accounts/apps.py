from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kraya.accounts"
    label = "accounts"
