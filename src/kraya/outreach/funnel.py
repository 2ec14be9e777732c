"""The outreach funnel (OUT-1 follow-up: did they list, bid, sell?) as a
registry of stages.

Each stage asks the app that owns its data which of a set of firms reached
it, in one query: `sellers` for registration, `catalog` for listing and
offers. A stage whose app does not exist yet has no counter and is shown as
"not tracked yet" — never as 0 — with the issue that will provide it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from kraya.catalog import selectors as catalog_selectors
from kraya.sellers.models import Registration

FirmsAtStage = Callable[[set[int]], set[int]]


def _registered(firm_ids: set[int]) -> set[int]:
    """KYC: a firm counts as registered once its registration is submitted
    (self-service, assisted or bulk) or verified; a draft does not count."""
    done = [Registration.Status.SUBMITTED, Registration.Status.VERIFIED]
    return set(
        Registration.objects.filter(firm_id__in=firm_ids, status__in=done).values_list(
            "firm_id", flat=True
        )
    )


def _listed(firm_ids: set[int]) -> set[int]:
    return catalog_selectors.seller_firms_listed(firm_ids=firm_ids)


def _offer_made(firm_ids: set[int]) -> set[int]:
    # Offers only for now: bids join this stage with the bids app (issue 6).
    return catalog_selectors.seller_firms_with_offers(firm_ids=firm_ids)


@dataclass(frozen=True)
class Stage:
    key: str
    label: Any
    firms_at_stage: FirmsAtStage | None
    # Why the stage is not (fully) tracked yet, naming the issue that adds it.
    note: Any = ""


STAGES: tuple[Stage, ...] = (
    Stage("registered", _("Registered"), _registered),
    Stage("listed", _("Catalogue listed"), _listed),
    Stage(
        "offer_made",
        _("Bid or offer made"),
        _offer_made,
        _("Offers only: bids are counted once bidding arrives (issue 6)."),
    ),
    Stage(
        "first_order",
        _("First order"),
        None,
        _("Not tracked yet: orders arrive with issue 7."),
    ),
)


@dataclass(frozen=True)
class StageCount:
    key: str
    label: Any
    count: int | None  # None: not tracked yet
    note: Any

    @property
    def tracked(self) -> bool:
        return self.count is not None


def firms_by_stage(firm_ids: Iterable[int]) -> dict[str, set[int] | None]:
    """For each stage, which of `firm_ids` reached it (None: not tracked)."""
    ids = set(firm_ids)
    result: dict[str, set[int] | None] = {}
    for stage in STAGES:
        if stage.firms_at_stage is None:
            result[stage.key] = None
        else:
            result[stage.key] = stage.firms_at_stage(ids) if ids else set()
    return result


def funnel(firm_ids: Iterable[int]) -> list[StageCount]:
    """The funnel of a group of firms (those attributed to one event)."""
    reached = firms_by_stage(firm_ids)
    return [
        StageCount(
            stage.key,
            stage.label,
            None if reached[stage.key] is None else len(reached[stage.key] or ()),
            stage.note,
        )
        for stage in STAGES
    ]
