"""MODE-6: an office records a purchase made outside the portal (an
availability report with its unique id) and sees the office's reports."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kraya.accounts.middleware import signed_in_actor
from kraya.buying import selectors, services
from kraya.buying.forms import AvailabilityReportForm, to_paise
from kraya.buying.services._common import MESSAGES
from kraya.buying.views.demands import refuse
from kraya.core.errors import DomainError, PermissionDenied
from kraya.core.pages import bound, member_page

REPORTS_SHOWN = 50


@member_page
def availability(request: HttpRequest) -> HttpResponse:
    actor = signed_in_actor(request)
    offices = selectors.buyer_offices(actor=actor)
    if not offices:
        raise PermissionDenied(MESSAGES["buying.not_buyer"], code="buying.not_buyer")
    initial = {"office": offices[0].pk} if len(offices) == 1 else {}
    form = AvailabilityReportForm(bound(request), offices=offices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.availability_report_create(
                acting_user=actor,
                office=next(office for office in offices if office.pk == data["office"]),
                item=data["item"],
                estimated_value_paise=to_paise(data["value"]),
                reason=data["reason"],
                explanation=data["explanation"],
            )
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(
                request,
                _("Availability report %(id)s is recorded.") % {"id": report.report_id},
            )
            return redirect("buying:availability")
    reports = [
        (office, list(selectors.availability_reports(actor=actor, office=office)[:REPORTS_SHOWN]))
        for office in offices
    ]
    return render(request, "buying/availability.html", {"form": form, "reports": reports})
