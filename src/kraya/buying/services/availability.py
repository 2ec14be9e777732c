"""MODE-6: an office that buys outside the portal records an availability
report (unique id, reason) that the compliance reports count per department."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Max

from kraya.accounts.models import BuyerUnit, Role
from kraya.accounts.selectors import as_actor
from kraya.buying import rules
from kraya.buying.models import AvailabilityReport
from kraya.buying.services._common import Acting, denied, invalid
from kraya.catalog.models import Category
from kraya.core import audit, clock


def report_office_code(code: str) -> str:
    """The office's code as a report id carries it: upper-case letters and
    digits in hyphen-joined parts (MODE-6), whatever else the tree allowed."""
    return "-".join(re.findall(r"[A-Z0-9]+", code.upper()))[:32].strip("-") or "OFFICE"


@transaction.atomic
def availability_report_create(
    *,
    acting_user: Acting,
    office: BuyerUnit,
    item: str,
    estimated_value_paise: int,
    reason: str,
    explanation: str = "",
    category: Category | None = None,
) -> AvailabilityReport:
    """MODE-6: the office's Buyer or its organisation's Primary User (who
    answer for its purchases) records a purchase made outside the portal, with a reason code
    (and a written explanation for OTHER), under the office's next report id
    of the day."""
    actor = as_actor(acting_user)
    organisation = office.organisation
    is_primary = organisation is not None and actor.is_primary_of(organisation)
    if Role.BUYER not in actor.roles_in_unit(office) and not is_primary:
        raise denied("buying.not_buyer")
    item = " ".join(item.split())
    if not item:
        raise invalid("item", "buying.item_required")
    if type(estimated_value_paise) is not int or estimated_value_paise <= 0:
        raise invalid("estimated_value_paise", "buying.value_not_positive")
    now = clock.now()
    on = clock.to_ist(now).date()
    # The day's sequence of the office, taken under the office's row lock.
    BuyerUnit.objects.select_for_update().filter(pk=office.pk).first()
    last = AvailabilityReport.objects.filter(office=office, on=on).aggregate(last=Max("sequence"))
    sequence = (last["last"] or 0) + 1
    decision = rules.availability_report(
        office_code=report_office_code(office.code),
        on=on,
        sequence=sequence,
        reason=reason,
        text=explanation,
    )
    if not decision.allowed:
        field = "reason" if decision.code == "buying.unknown_reason" else "explanation"
        raise invalid(field, decision.code)
    report = AvailabilityReport.objects.create(
        report_id=decision.receipt.outcome["report_id"],
        office=office,
        category=category,
        item=item[:200],
        estimated_value_paise=estimated_value_paise,
        reason=reason,
        explanation=decision.receipt.inputs["text"],
        on=on,
        sequence=sequence,
        reported_by=actor.user,
        receipt=decision.receipt.as_dict(),
        created_at=now,
    )
    audit.record(
        actor=actor.user,
        action="buying.availability_reported",
        target=report,
        payload={
            "report_id": report.report_id,
            "reason": reason,
            "estimated_value_paise": estimated_value_paise,
            "receipt_digest": decision.receipt.digest(),
        },
    )
    return report
