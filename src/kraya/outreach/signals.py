"""OUT-1: bulk registrations made for an event are credited to it. `sellers`
sends `sellers_bulk_registered` inside each import chunk's transaction and
never imports `outreach`; this receiver is connected in `apps.py`."""

from __future__ import annotations

from typing import Any

from kraya.accounts.models import SellerFirm
from kraya.outreach import services
from kraya.sellers.models import ImportBatch


def credit_bulk_registrations(
    sender: Any, *, batch: ImportBatch, firms: list[SellerFirm], **kwargs: Any
) -> None:
    services.event_credit_bulk_registrations(batch=batch, firms=firms)
