"""ORD-9: what incidents tell the seller ratings — how many incidents were
decided against each firm (INC-2). Registered with
`kraya.orders.services.ratings` when Django starts (`kraya.incidents.apps`):
orders may not import incidents.

Counted: incidents whose respondent is the firm, decided in the window
(`DECIDED`, `APPEALED` — the action stands until an appeal says otherwise —
or `APPEAL_DECIDED` and upheld); an incident overturned on appeal does not
count."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from kraya.incidents import states
from kraya.incidents.models import Incident


def decided_against_counts(since: dt.datetime, now: dt.datetime) -> dict[int, int]:
    """Per seller firm: incidents decided against it in [since, now] (one query)."""
    rows = (
        Incident.objects.filter(
            respondent_firm__isnull=False,
            decided_at__gte=since,
            decided_at__lte=now,
            status__in=sorted(states.DECIDED_STATES),
        )
        .exclude(appeal_outcome=Incident.AppealOutcome.OVERTURNED)
        .values("respondent_firm_id")
        .annotate(decided=Count("id"))
        .order_by()
    )
    return {row["respondent_firm_id"]: row["decided"] for row in rows}
