"""OUT-1: registrations made for an event are credited to it. `sellers`
never imports `outreach`; it sends signals these receivers (connected in
`apps.py`) listen to:

- `sellers_bulk_registered`, inside each bulk-import chunk's transaction;
- `registration_submitted`, after a seller submits through the web wizard:
  if the visitor came through an event's registration link (which remembers
  the event in the session), the new firm is credited to that event."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kraya.accounts.models import SellerFirm
from kraya.outreach import selectors, services
from kraya.sellers.models import ImportBatch, Registration

# The session key under which the event registration link remembers the event.
SESSION_EVENT_KEY = "outreach_event_code"


def credit_bulk_registrations(
    sender: Any, *, batch: ImportBatch, firms: list[SellerFirm], **kwargs: Any
) -> None:
    services.event_credit_bulk_registrations(batch=batch, firms=firms)


def credit_web_registration(
    sender: Any, *, registration: Registration, request: HttpRequest, **kwargs: Any
) -> None:
    code = request.session.get(SESSION_EVENT_KEY)
    if not code or registration.firm is None:
        return
    event = selectors.event_by_code_or_none(code=code)
    if event is None:
        return
    services.event_attribute_registration(
        event=event,
        firm=registration.firm,
        registered_on=selectors.firm_registered_on(firm=registration.firm),
        acting_user=registration.applicant,
    )
