"""Keeping the index true when something outside the catalogue changes what a
buyer sees about an offer: a seller firm deactivated or reactivated, its
social categories verified (CAT-5 segments), its state. `sellers` sends
`seller_firms_changed` and never imports the catalogue; the offers of those
firms are re-indexed after the change commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kraya.catalog.models import Offer
from kraya.catalog.search import index


def reindex_firms(sender: Any, *, firm_ids: list[int], **kwargs: Any) -> None:
    ids = list(Offer.objects.filter(seller_firm_id__in=firm_ids).values_list("id", flat=True))
    if ids:
        transaction.on_commit(lambda: index.offers_changed(ids))
