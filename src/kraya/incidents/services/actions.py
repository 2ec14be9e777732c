"""INC-2: the effects of a decided action on the respondent, and lifting
them when an appeal overturns the decision. Runs inside the deciding
service's transaction; every effect is audited.

- warning: recorded only;
- suspension (N days) and debarment (until a date): `SellerFirm.suspended_until`
  / `debarred_until`, read at the moment of use (bids refuse a barred firm's
  submission, `catalog.selectors.listed_q` and `Offer.is_listed` hide its
  offers); the search index re-indexes the firm's offers now and when the
  bar ends (`incidents_tick`);
- catalogue removal: the offer the incident names, or the respondent's
  offers of the order's products, withdrawn through `catalog.services.offer_remove`.

Lifting restores the firm's previous bars. Withdrawn offers cannot be
re-opened (CAT-2: a withdrawal is for good); the lift records them so the
seller can offer them again (`offer_clone`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from kraya.accounts.models import SellerFirm
from kraya.catalog import services as catalog_services
from kraya.catalog.models import Offer
from kraya.core import audit
from kraya.incidents import rules
from kraya.incidents.models import Incident
from kraya.incidents.services._common import invalid
from kraya.orders.models import OrderItem
from kraya.sellers.signals import seller_firms_changed


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _reindex_firm(firm_id: int) -> None:
    transaction.on_commit(lambda: seller_firms_changed.send(sender=SellerFirm, firm_ids=[firm_id]))


def offers_to_remove(incident: Incident) -> list[Offer]:
    """The offers a catalogue removal takes off: the one named, or the
    respondent's open offers of the order's products."""
    if incident.offer_id is not None:
        return list(Offer.objects.filter(pk=incident.offer_id))
    if incident.order_id is not None and incident.respondent_firm_id is not None:
        products = OrderItem.objects.filter(order_id=incident.order_id).values("product_id")
        return list(
            Offer.objects.filter(
                seller_firm_id=incident.respondent_firm_id, product_id__in=products
            ).order_by("pk")
        )
    return []


def apply_action(
    *,
    incident: Incident,
    actor: Any,
    action: str,
    decided_at: dt.datetime,
    suspension_days: int,
    debarred_until: dt.datetime | None,
) -> tuple[dt.datetime | None, dict[str, Any]]:
    """Make `action` real on the respondent; returns (in force until, effects)."""
    effects: dict[str, Any] = {"action": action}
    if action == rules.WARNING or incident.respondent_firm_id is None:
        # A buyer office can only be warned (checked by the deciding service).
        return None, effects
    firm = SellerFirm.objects.select_for_update().get(pk=incident.respondent_firm_id)
    until: dt.datetime | None = None
    if action == rules.SUSPENSION:
        until = rules.suspension_end(decided_at, suspension_days)
        effects["previous_suspended_until"] = _iso(firm.suspended_until)
        firm.suspended_until = max(until, firm.suspended_until or until)
        firm.save(update_fields=["suspended_until"])
        effects["suspended_until"] = _iso(firm.suspended_until)
        _reindex_firm(firm.pk)
    elif action == rules.DEBARMENT:
        assert debarred_until is not None
        until = debarred_until
        effects["previous_debarred_until"] = _iso(firm.debarred_until)
        firm.debarred_until = max(until, firm.debarred_until or until)
        firm.save(update_fields=["debarred_until"])
        effects["debarred_until"] = _iso(firm.debarred_until)
        _reindex_firm(firm.pk)
    elif action == rules.CATALOGUE_REMOVAL:
        offers = offers_to_remove(incident)
        removed = [
            offer.pk
            for offer in offers
            if catalog_services.offer_remove(
                acting_user=actor, offer=offer, reason=f"INC-2 {incident.number}"
            )
            is not None
        ]
        if not removed:
            raise invalid("action", "incidents.nothing_to_remove")
        effects["removed_offer_ids"] = removed
    audit.record(
        actor=actor.user if actor else None,
        action="incidents.action_applied",
        target=incident,
        payload={"number": incident.number, **effects},
    )
    return until, effects


def lift_action(*, incident: Incident, actor: Any) -> dict[str, Any]:
    """An overturned decision: restore what is restorable, audited."""
    effects = dict(incident.action_effects or {})
    lifted: dict[str, Any] = {"action": incident.action}
    if incident.respondent_firm_id is not None and incident.action in (
        rules.SUSPENSION,
        rules.DEBARMENT,
    ):
        firm = SellerFirm.objects.select_for_update().get(pk=incident.respondent_firm_id)
        field = "suspended_until" if incident.action == rules.SUSPENSION else "debarred_until"
        previous = effects.get(f"previous_{field}")
        # Only undo what this incident set: a later bar stays.
        if _iso(getattr(firm, field)) == effects.get(field):
            setattr(firm, field, dt.datetime.fromisoformat(previous) if previous else None)
            firm.save(update_fields=[field])
            _reindex_firm(firm.pk)
        lifted[field] = _iso(getattr(firm, field))
    if incident.action == rules.CATALOGUE_REMOVAL:
        # CAT-2: a withdrawal is for good; the seller may offer them again.
        lifted["not_restorable_offer_ids"] = effects.get("removed_offer_ids", [])
    audit.record(
        actor=actor.user if actor else None,
        action="incidents.action_lifted",
        target=incident,
        payload={"number": incident.number, **lifted},
    )
    return lifted
