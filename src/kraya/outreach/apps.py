from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "kraya.outreach"
    label = "outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        from kraya.outreach.signals import credit_bulk_registrations, credit_web_registration
        from kraya.sellers.bulk.signals import sellers_bulk_registered
        from kraya.sellers.signals import registration_submitted

        sellers_bulk_registered.connect(
            credit_bulk_registrations, dispatch_uid="outreach.credit_bulk_registrations"
        )
        registration_submitted.connect(
            credit_web_registration, dispatch_uid="outreach.credit_web_registration"
        )
