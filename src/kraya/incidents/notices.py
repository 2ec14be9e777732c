"""Telling the parties (through `kraya.notifications`, after the commit):
the respondent when an incident is raised; both sides when it escalates, a
show-cause notice is issued, and when it is decided. The texts are the
renderers below, in each recipient's language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from kraya.accounts.models import Membership, User
from kraya.incidents.models import Incident
from kraya.incidents.services._common import BUYER_SIDE_ROLES
from kraya.notifications.messages import message
from kraya.notifications.services import notify

RAISED = "incidents.raised"
ESCALATED = "incidents.escalated"
SHOW_CAUSE = "incidents.show_cause"
DECIDED = "incidents.decided"
# Transition event → (kind, sides told).
ON_EVENT: dict[str, tuple[str, tuple[str, ...]]] = {
    "escalate": (ESCALATED, ("raiser", "respondent")),
    "show_cause": (SHOW_CAUSE, ("raiser", "respondent")),
    "decide": (DECIDED, ("raiser", "respondent")),
}


def _side_users(firm_id: int | None, office_id: int | None) -> Q:
    if firm_id is not None:
        return Q(seller_firm_id=firm_id)
    if office_id is not None:
        return Q(buyer_unit_id=office_id, role__in=sorted(BUYER_SIDE_ROLES))
    return Q(pk__in=[])


def recipients(incident: Incident, sides: Sequence[str]) -> list[User]:
    wanted = Q(pk__in=[])
    ids: set[int] = set()
    if "respondent" in sides:
        wanted |= _side_users(incident.respondent_firm_id, incident.respondent_office_id)
    if "raiser" in sides:
        wanted |= _side_users(incident.raiser_firm_id, incident.raiser_office_id)
        if incident.raised_by_id is not None:
            ids.add(incident.raised_by_id)
    ids.update(Membership.objects.filter(wanted, is_active=True).values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def announce(*, incident: Incident, kind: str, sides: Sequence[str]) -> None:
    """Inside the change's transaction (the outbox sends after the commit)."""
    notify(
        users=recipients(incident, sides),
        kind=kind,
        payload={"incident_id": incident.pk, "number": incident.number},
        key=f"{kind}:{incident.pk}",
    )


def _link(payload: dict[str, Any]) -> str:
    return reverse("incidents:detail", args=[payload["incident_id"]])


@message(RAISED)
def _raised(payload: dict[str, Any]) -> tuple[str, str, str]:
    number = payload["number"]
    return (
        _("Incident %(number)s raised against you") % {"number": number},
        _("Please respond to incident %(number)s within 7 days; then it goes to an operator.")
        % {"number": number},
        _link(payload),
    )


@message(ESCALATED)
def _escalated(payload: dict[str, Any]) -> tuple[str, str, str]:
    number = payload["number"]
    return (
        _("Incident %(number)s escalated") % {"number": number},
        _("Incident %(number)s is now with an operator.") % {"number": number},
        _link(payload),
    )


@message(SHOW_CAUSE)
def _show_cause(payload: dict[str, Any]) -> tuple[str, str, str]:
    number = payload["number"]
    return (
        _("Show-cause notice on incident %(number)s") % {"number": number},
        _("An operator issued a show-cause notice; the reply is due in 5 days.")
        % {"number": number},
        _link(payload),
    )


@message(DECIDED)
def _decided(payload: dict[str, Any]) -> tuple[str, str, str]:
    number = payload["number"]
    return (
        _("Incident %(number)s decided") % {"number": number},
        _("An operator decided incident %(number)s; see the decision and its reasons.")
        % {"number": number},
        _link(payload),
    )
