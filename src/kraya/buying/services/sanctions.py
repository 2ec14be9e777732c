"""ORD-2: funds are blocked (sanctioned) before an order is placed: by the
office's Paying Authority, or by its Buyer quoting a recorded sanction and
naming the Paying Authority who will pay. ROLE-2: that Paying Authority is
never the demand's Buyer or Consignee."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum

from kraya.accounts.models import BuyerUnit, Role
from kraya.accounts.selectors import as_actor
from kraya.buying.models import Demand, FundBlock
from kraya.buying.services._common import (
    Acting,
    conflict,
    denied,
    invalid,
    member_with_role,
)
from kraya.core import audit, clock

MAX_REFERENCE = 100


def selected_total(demand: Demand) -> int | None:
    """What the demand will cost as decided (MODE-2/3), or None while a line
    has no offer to buy."""
    total = 0
    for line in demand.lines.all():
        if line.selected_unit_price_paise is None:
            return None
        total += line.quantity * line.selected_unit_price_paise
    return total


@transaction.atomic
def funds_block(
    *,
    acting_user: Acting,
    demand: Demand,
    amount_paise: int | None = None,
    sanction_reference: str = "",
    budget_head: str = "",
    paying_authority_id: int | None = None,
) -> FundBlock:
    """ORD-2: block `amount_paise` (by default what the demand will cost) for
    `demand`. The Paying Authority blocks as themselves; a Buyer must quote
    the sanction reference and name the Paying Authority."""
    actor = as_actor(acting_user)
    office: BuyerUnit = demand.office
    roles = actor.roles_in_unit(office)
    reference = " ".join(sanction_reference.split())
    if len(reference) > MAX_REFERENCE:
        raise invalid("sanction_reference", "buying.reference_too_long")
    if Role.PAYING_AUTHORITY in roles:
        paying_authority = actor.user
    elif Role.BUYER in roles:
        if not reference:
            raise invalid("sanction_reference", "buying.sanction_reference_required")
        if paying_authority_id is None:
            raise invalid("paying_authority_id", "buying.paying_authority_required")
        found = member_with_role(
            office=office, user_id=paying_authority_id, role=Role.PAYING_AUTHORITY
        )
        if found is None:
            raise invalid("paying_authority_id", "buying.paying_authority_not_in_office")
        paying_authority = found
    else:
        raise denied("buying.not_paying_authority")
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    if demand.status == Demand.Status.BID_REQUIRED:
        raise conflict("buying.bid_required")
    if demand.status == Demand.Status.SANCTIONED:
        raise conflict("buying.already_sanctioned")
    if demand.status != Demand.Status.OPEN:
        raise conflict("buying.demand_not_open")
    if paying_authority.pk in (demand.buyer_id, demand.consignee_id):
        raise invalid("paying_authority_id", "buying.separation_of_duties")
    needed = selected_total(demand)
    if needed is None:
        raise conflict("buying.not_decided")
    amount = needed if amount_paise is None else amount_paise
    if type(amount) is not int or amount <= 0:
        raise invalid("amount_paise", "buying.amount_not_positive")
    now = clock.now()
    block = FundBlock.objects.create(
        demand=demand,
        office=office,
        amount_paise=amount,
        sanction_reference=reference,
        budget_head=" ".join(budget_head.split())[:100],
        paying_authority=paying_authority,
        blocked_by=actor.user,
        blocked_at=now,
    )
    demand.status = Demand.Status.SANCTIONED
    demand.updated_at = now
    demand.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor.user,
        action="buying.funds_blocked",
        target=block,
        payload={
            "demand": demand.pk,
            "amount_paise": amount,
            "paying_authority": paying_authority.pk,
            "by_role": Role.PAYING_AUTHORITY if paying_authority == actor.user else Role.BUYER,
            "sanction_reference": reference,
        },
    )
    return block


def office_blocked_paise(*, office: BuyerUnit) -> int:
    """ORD-2: the funds an office has blocked and not released."""
    total = FundBlock.objects.filter(office=office, status=FundBlock.Status.BLOCKED).aggregate(
        total=Sum("amount_paise")
    )["total"]
    return int(total or 0)
