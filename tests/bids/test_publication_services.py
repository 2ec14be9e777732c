"""BID-1..3 and BID-8 through the publication services on the real
database: drafts (categories with golden parameters, BOQ lines, lots by the
evaluation basis, a demand that needs a bid), publication (duration, offer
validity, EMD, numbering, keys, seed), corrigenda and cancellation.

The helpers at the top (`make_category`, `bid_input`, `draft`, `published`)
are shared with the publication API, page and document tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from kraya.bids import states
from kraya.bids.models import Bid, BidKeys, BidLot, Corrigendum
from kraya.bids.services import publication as services
from kraya.buying import services as buying
from kraya.buying.models import Demand
from kraya.catalog import services as catalog_services
from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from kraya.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.bids.factory import make_bid
from tests.factories import World, audit_actions_since, audit_head, unique

UP = "Uttar Pradesh"
NOW = dt.datetime(2026, 11, 2, 4, 30, tzinfo=dt.UTC)  # 10:00 IST


def make_category() -> Any:
    category = catalog_services.category_create(
        acting_user=None,
        code=unique("water-purifiers-"),
        name="Water purifiers",
        name_hi="जल शोधक",
        kind="PRODUCT",
    )
    catalog_services.spec_parameter_add(
        acting_user=None,
        category=category,
        code="capacity",
        name="Capacity",
        kind="NUMBER",
        unit="L",
        is_golden=True,
        is_required=True,
    )
    return category


def bid_input(world: World, category: Any = None, **changes: Any) -> services.BidInput:
    """Two items: 100 purifiers of 9 L at ₹10,000 (a catalogue item when a
    category is given) and a BOQ line of 10 installations at ₹500."""
    first = services.ItemInput(
        title="Water purifier 9 L",
        quantity=100,
        estimated_unit_price_paise=10_000_00,
        category_id=category.pk if category is not None else None,
        golden_specs={"capacity": "9"} if category is not None else {},
        group=1,
    )
    boq = services.ItemInput(
        title="Installation at site", quantity=10, estimated_unit_price_paise=500_00, group=2
    )
    values: dict[str, Any] = {
        "title": "Water purifiers for district hospitals",
        "items": [first, boq],
        "consignee_id": world.consignee.pk,
        "paying_authority_id": world.paying_authority.pk,
        "delivery_state": UP,
        "delivery_pincode": "226001",
        "delivery_address": "District Hospital, Civil Lines, Lucknow",
        "emd_percent": Decimal(2),
    }
    values.update(changes)
    return services.BidInput(**values)


def draft(world: World, **changes: Any) -> Bid:
    return services.bid_create(
        acting_user=world.buyer, office=world.office, data=bid_input(world, **changes)
    )


def published(world: World, *, days: int = 12, **changes: Any) -> Bid:
    bid = draft(world, **changes)
    return services.bid_publish(
        acting_user=world.buyer,
        bid=bid,
        end_at=clock.now() + dt.timedelta(days=days),
        offer_validity_days=90,
    )


pytestmark = pytest.mark.django_db


def bid_rows() -> dict[str, int]:
    return {
        "bids": Bid.objects.count(),
        "lots": BidLot.objects.count(),
        "keys": BidKeys.objects.count(),
        "corrigenda": Corrigendum.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def refused_with(error: type[Exception], code: str, field: str | None = None) -> Any:
    """Expect `error` with `code` (on `field`) and no row written."""

    class _Expect:
        def __enter__(self) -> None:
            self.before = bid_rows()
            self.raises = pytest.raises(error)
            self.info = self.raises.__enter__()

        def __exit__(self, *exc: Any) -> bool:
            handled = self.raises.__exit__(*exc)
            assert self.info.value.code == code, self.info.value.code
            if field is not None:
                assert set(self.info.value.fields) == {field}
            assert bid_rows() == self.before
            return bool(handled)

    return _Expect()


# --- BID-1 drafts --------------------------------------------------------------------------


def test_bid1_a_draft_holds_every_field_and_the_estimated_value_is_the_sum(world: World) -> None:
    category = make_category()
    head = audit_head()
    with clock.frozen_at(NOW):
        bid = draft(
            world,
            category=category,
            min_average_turnover_paise=50_00_000_00,
            min_experience_years=3,
            min_past_performance_percent=Decimal("20"),
            relax_for_mse_and_startups=True,
            epbg_percent=Decimal(3),
            epbg_months=14,
            mii_reservation=Bid.MiiReservation.CLASS_1,
            reverse_auction=True,
            ra_qualification=Bid.RaQualification.H1_ELIMINATION,
            additional_terms=[services.TermInput("Warranty", "3 years on site", "3 वर्ष")],
        )
    assert (bid.status, bid.number, bid.office, bid.buyer) == (
        states.DRAFT,
        "",
        world.office,
        world.buyer,
    )
    # 100 × ₹10,000 + 10 × ₹500
    assert bid.estimated_value_paise == 10_05_000_00
    assert (bid.consignee, bid.paying_authority) == (world.consignee, world.paying_authority)
    assert bid.min_bids == 3  # policy bids.min_bids_default
    assert (bid.emd_percent, bid.epbg_percent, bid.epbg_months) == (2, 3, 14)
    assert bid.ra_qualification == "h1_elimination"
    assert bid.additional_terms == [
        {"clause": "Warranty", "text": {"en": "3 years on site", "hi": "3 वर्ष"}}
    ]
    first, boq = bid.items.order_by("position")
    assert (first.category, first.golden_specs, first.title) == (
        category,
        {"capacity": "9"},
        "Water purifier 9 L",
    )
    assert (boq.category, boq.golden_specs, boq.quantity) == (None, {}, 10)
    # TOTAL: one lot of both items, not divisible (a lot of several items goes whole).
    [lot] = bid.lots.all()
    assert (lot.number, lot.title, lot.divisible) == (1, bid.title, False)
    assert {first.lot_id, boq.lot_id} == {lot.pk}
    assert audit_actions_since(head) == ["bids.draft_created"]


@pytest.mark.parametrize(
    ("basis", "divisible", "groups", "lots"),
    [
        ("ITEM", True, (None, None), [(1, True), (2, True)]),
        ("ITEM", False, (None, None), [(1, False), (2, False)]),
        ("GROUP", True, (2, 5), [(1, True), (2, True)]),
        ("GROUP", True, (4, 4), [(1, False)]),
    ],
)
def test_bid1_lots_follow_the_evaluation_basis(
    world: World, basis: str, divisible: bool, groups: tuple[Any, Any], lots: list[Any]
) -> None:
    data = bid_input(world, evaluation_basis=basis, divisible=divisible)
    items = [dataclasses.replace(i, group=g) for i, g in zip(data.items, groups, strict=True)]
    bid = services.bid_create(
        acting_user=world.buyer, office=world.office, data=dataclasses.replace(data, items=items)
    )
    assert [(lot.number, lot.divisible) for lot in bid.lots.order_by("number")] == lots
    positions = [(i.position, i.lot.number) for i in bid.items.order_by("position")]
    assert positions == ([(1, 1), (2, 1)] if len(lots) == 1 else [(1, 1), (2, 2)])


def test_bid1_a_group_wise_bid_needs_a_group_for_every_item(world: World) -> None:
    data = bid_input(world, evaluation_basis="GROUP")
    items = [data.items[0], dataclasses.replace(data.items[1], group=None)]
    with refused_with(ValidationFailed, "bids.group_required", "items"):
        services.bid_create(
            acting_user=world.buyer,
            office=world.office,
            data=dataclasses.replace(data, items=items),
        )


@pytest.mark.parametrize(
    ("specs", "code"),
    [
        ({}, "bids.golden_specs_invalid"),
        ({"capacity": "nine"}, "bids.golden_specs_invalid"),
        ({"capacity": "9", "colour": "blue"}, "bids.golden_specs_invalid"),
    ],
)
def test_bid1_golden_parameters_are_checked_against_the_category(
    world: World, specs: dict[str, str], code: str
) -> None:
    category = make_category()
    data = bid_input(world, category)
    items = [dataclasses.replace(data.items[0], golden_specs=specs), data.items[1]]
    with refused_with(ValidationFailed, code, "items"):
        services.bid_create(
            acting_user=world.buyer,
            office=world.office,
            data=dataclasses.replace(data, items=items),
        )


def test_bid1_a_boq_line_has_no_golden_parameters_and_a_quantity_in_range(world: World) -> None:
    data = bid_input(world)
    with refused_with(ValidationFailed, "bids.boq_has_specs", "items"):
        items = [dataclasses.replace(data.items[0], golden_specs={"capacity": "9"})]
        services.bid_create(
            acting_user=world.buyer,
            office=world.office,
            data=dataclasses.replace(data, items=items),
        )
    with refused_with(ValidationFailed, "bids.item_quantity_out_of_range", "items"):
        items = [dataclasses.replace(data.items[0], quantity=0)]
        services.bid_create(
            acting_user=world.buyer,
            office=world.office,
            data=dataclasses.replace(data, items=items),
        )
    with refused_with(ValidationFailed, "bids.no_items", "items"):
        services.bid_create(
            acting_user=world.buyer, office=world.office, data=dataclasses.replace(data, items=[])
        )


@pytest.mark.parametrize("percent", ["0", "2", "5", "3.5"])
def test_bid2_emd_of_none_or_2_to_5_percent_is_allowed(world: World, percent: str) -> None:
    assert draft(world, emd_percent=Decimal(percent)).emd_percent == Decimal(percent)


@pytest.mark.parametrize("percent", ["1.9", "5.1", "1"])
def test_bid2_emd_outside_2_to_5_percent_is_refused(world: World, percent: str) -> None:
    with refused_with(ValidationFailed, "bids.emd_percent_out_of_range", "emd_percent") as _:
        draft(world, emd_percent=Decimal(percent))


def test_role2_consignee_and_paying_authority_are_of_the_office_in_their_roles(
    world: World,
) -> None:
    """ROLE-2 (accounts already refuses one person as both consignee and paying
    authority; the service still checks each is of the office in that role)."""
    with refused_with(ValidationFailed, "bids.consignee_not_in_office", "consignee_id"):
        draft(world, consignee_id=world.other_buyer.pk)
    with refused_with(
        ValidationFailed, "bids.paying_authority_not_in_office", "paying_authority_id"
    ):
        draft(world, paying_authority_id=world.buyer.pk)


@pytest.mark.parametrize("who", ["consignee", "primary", "other_buyer", "seller_admin"])
def test_role2_only_a_buyer_of_the_office_drafts_a_bid(world: World, who: str) -> None:
    with refused_with(PermissionDenied, "bids.not_buyer"):
        services.bid_create(
            acting_user=getattr(world, who), office=world.office, data=bid_input(world)
        )


def test_a_draft_is_edited_in_full_and_only_as_a_draft(world: World) -> None:
    bid = draft(world)
    current = services.bid_input_of(bid)
    services.bid_update(
        acting_user=world.buyer,
        bid=bid,
        data=services.replace(current, title="Purifiers, revised", evaluation_basis="ITEM"),
    )
    bid.refresh_from_db()
    assert (bid.title, bid.lots.count(), bid.estimated_value_paise) == (
        "Purifiers, revised",
        2,
        10_05_000_00,
    )
    assert services.bid_input_of(bid).items == current.items[:0] + [
        dataclasses.replace(item, group=None) for item in current.items
    ]
    published_bid = published(world)
    with refused_with(Conflict, "bids.wrong_state"):
        services.bid_update(acting_user=world.buyer, bid=published_bid, data=current)


# --- BID-1 publication -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end_after", "allowed"),
    [
        (dt.timedelta(days=10), True),
        (dt.timedelta(days=10) - dt.timedelta(minutes=1), False),
        (dt.timedelta(days=9), False),
        (dt.timedelta(days=11), True),
    ],
)
def test_bid1_the_end_is_at_least_10_days_after_publication(
    world: World, end_after: dt.timedelta, allowed: bool
) -> None:
    bid = draft(world)
    with clock.frozen_at(NOW):
        if allowed:
            services.bid_publish(
                acting_user=world.buyer, bid=bid, end_at=NOW + end_after, offer_validity_days=90
            )
            bid.refresh_from_db()
            assert (bid.status, bid.end_at, bid.opening_at) == (
                states.PUBLISHED,
                NOW + end_after,
                NOW + end_after,
            )
        else:
            with refused_with(ValidationFailed, "bids.duration_too_short", "end_at"):
                services.bid_publish(
                    acting_user=world.buyer, bid=bid, end_at=NOW + end_after, offer_validity_days=90
                )


@pytest.mark.parametrize(("days", "allowed"), [(44, False), (45, True), (180, True), (181, False)])
def test_bid1_offer_validity_is_45_to_180_days(world: World, days: int, allowed: bool) -> None:
    bid = draft(world)
    end = clock.now() + dt.timedelta(days=12)
    if allowed:
        services.bid_publish(acting_user=world.buyer, bid=bid, end_at=end, offer_validity_days=days)
        bid.refresh_from_db()
        assert bid.offer_validity_days == days
    else:
        with refused_with(
            ValidationFailed, "bids.offer_validity_out_of_range", "offer_validity_days"
        ):
            services.bid_publish(
                acting_user=world.buyer, bid=bid, end_at=end, offer_validity_days=days
            )


def test_bid1_opening_before_the_end_is_refused(world: World) -> None:
    bid = draft(world)
    end = clock.now() + dt.timedelta(days=12)
    with refused_with(ValidationFailed, "bids.opening_before_end", "opening_at"):
        services.bid_publish(
            acting_user=world.buyer,
            bid=bid,
            end_at=end,
            opening_at=end - dt.timedelta(hours=1),
            offer_validity_days=90,
        )


def test_bid1_publication_fixes_number_keys_seed_policy_and_receipts(world: World) -> None:
    first, second = draft(world), draft(world)
    head = audit_head()
    end = NOW + dt.timedelta(days=12)
    with clock.frozen_at(NOW):
        first = services.bid_publish(
            acting_user=world.buyer,
            bid=first,
            end_at=end,
            opening_at=end + dt.timedelta(hours=1),
            offer_validity_days=90,
        )
        second = services.bid_publish(
            acting_user=world.buyer, bid=second, end_at=end, offer_validity_days=120
        )
    assert (first.number, second.number) == ("KRY/B/2026/000001", "KRY/B/2026/000002")
    assert (first.published_at, first.original_end_at, first.opening_at) == (
        NOW,
        end,
        end + dt.timedelta(hours=1),
    )
    assert re.fullmatch("[0-9a-f]{64}", first.tie_break_seed)
    assert first.tie_break_seed != second.tie_break_seed
    assert first.policy_version
    assert BidKeys.objects.filter(bid__in=[first, second]).count() == 2
    assert [r["kind"] for r in first.receipts] == [
        "bids.duration",
        "bids.offer_validity",
        "bids.emd_percent",
    ]
    assert all(r["outcome"]["allowed"] for r in first.receipts)
    assert audit_actions_since(head) == ["bids.publish", "bids.publish"]


def test_bid1_numbers_run_per_indian_year(world: World) -> None:
    new_year_ist = dt.datetime(2026, 12, 31, 19, 0, tzinfo=dt.UTC)  # 1 Jan 2027, 00:30 IST
    bid = draft(world)
    with clock.frozen_at(new_year_ist):
        bid = services.bid_publish(
            acting_user=world.buyer,
            bid=bid,
            end_at=new_year_ist + dt.timedelta(days=10),
            offer_validity_days=90,
        )
    assert bid.number == "KRY/B/2027/000001"


def test_publishing_twice_or_by_someone_else_is_refused(world: World) -> None:
    bid = published(world)
    end = clock.now() + dt.timedelta(days=12)
    with refused_with(Conflict, "bids.wrong_state"):
        services.bid_publish(acting_user=world.buyer, bid=bid, end_at=end, offer_validity_days=90)
    other = draft(world)
    with refused_with(PermissionDenied, "bids.not_buyer"):
        services.bid_publish(
            acting_user=world.paying_authority, bid=other, end_at=end, offer_validity_days=90
        )


# --- a bid from a demand (MODE-1) --------------------------------------------------------------


def test_mode1_a_demand_that_needs_a_bid_becomes_a_draft_bid(world: World) -> None:
    from tests.buying.market import ADDRESS, LUCKNOW_PIN, make_market

    market = make_market(world)
    small = buying.demand_create(
        acting_user=world.buyer,
        office=world.office,
        consignee_id=world.consignee.pk,
        lines=[buying.LineInput(market.usha_9.pk, 1)],
        delivery_state=UP,
        delivery_pincode=LUCKNOW_PIN,
        delivery_address=ADDRESS,
    )
    demand = buying.demand_create(
        acting_user=world.buyer,
        office=world.office,
        consignee_id=world.consignee.pk,
        lines=[buying.LineInput(market.usha_9.pk, 200)],
        delivery_state=UP,
        delivery_pincode=LUCKNOW_PIN,
        delivery_address=ADDRESS,
    )
    assert demand.status == Demand.Status.BID_REQUIRED  # ₹24 lakh: above ₹10 lakh
    bid = services.bid_create_from_demand(acting_user=world.buyer, demand=demand)
    [item] = bid.items.all()
    assert (item.category, item.quantity, item.golden_specs, item.estimated_unit_price_paise) == (
        market.category,
        200,
        {"capacity": "9"},
        12_000_00,
    )
    assert (bid.demand, bid.consignee, bid.paying_authority) == (
        demand,
        world.consignee,
        world.paying_authority,
    )
    assert (bid.estimated_value_paise, bid.delivery_pincode) == (24_00_000_00, LUCKNOW_PIN)
    with refused_with(Conflict, "bids.demand_has_bid"):
        services.bid_create_from_demand(acting_user=world.buyer, demand=demand)
    with refused_with(Conflict, "bids.demand_not_bid_required"):
        services.bid_create_from_demand(acting_user=world.buyer, demand=small)


# --- BID-3 corrigenda ------------------------------------------------------------------------


def _published_at_now(world: World) -> Bid:
    with clock.frozen_at(NOW):
        return published(world, days=12)


@pytest.mark.parametrize(("after_days", "extended"), [(6, True), (4, False)])
def test_bid3_a_corrigendum_leaving_less_than_7_days_extends_the_end(
    world: World, after_days: int, extended: bool
) -> None:
    """End 12 days after publication: a corrigendum 6 days later leaves 6 days
    (the end moves to 7 days after it), one 4 days later leaves 8 (kept)."""
    bid = _published_at_now(world)
    at = NOW + dt.timedelta(days=after_days)
    with clock.frozen_at(at):
        corrigendum = services.corrigendum_publish(
            acting_user=world.buyer,
            bid=bid,
            reason="Installation clause clarified",
            changes=services.CorrigendumChanges(description="Includes installation."),
        )
    bid.refresh_from_db()
    expected_end = at + dt.timedelta(days=7) if extended else NOW + dt.timedelta(days=12)
    assert (bid.status, bid.end_at, bid.opening_at) == (
        states.PUBLISHED,
        expected_end,
        expected_end,
    )
    assert bid.original_end_at == NOW + dt.timedelta(days=12)
    assert corrigendum.receipt["outcome"]["extended"] is extended
    assert bid.receipts[-1] == corrigendum.receipt
    assert ("end_at" in corrigendum.changes) is extended
    assert corrigendum.changes["description"] == {"old": "", "new": "Includes installation."}


def test_bid3_a_corrigendum_shortening_the_end_below_7_days_is_moved_to_7_days(
    world: World,
) -> None:
    bid = _published_at_now(world)
    with clock.frozen_at(NOW + dt.timedelta(days=1)):
        services.corrigendum_publish(
            acting_user=world.buyer,
            bid=bid,
            reason="Urgent need",
            changes=services.CorrigendumChanges(end_at=NOW + dt.timedelta(days=3)),
        )
    bid.refresh_from_db()
    assert bid.end_at == NOW + dt.timedelta(days=8)


def test_bid3_corrigenda_are_versioned_with_old_and_new_values(world: World) -> None:
    bid = _published_at_now(world)
    head = audit_head()
    with clock.frozen_at(NOW + dt.timedelta(days=1)):
        first = services.corrigendum_publish(
            acting_user=world.buyer,
            bid=bid,
            reason="More purifiers needed",
            changes=services.CorrigendumChanges(quantities={1: 120}),
        )
        second = services.corrigendum_publish(
            acting_user=world.buyer,
            bid=bid,
            reason="Experience relaxed",
            changes=services.CorrigendumChanges(
                min_experience_years=2,
                additional_terms=[services.TermInput("Training", "Two days of training")],
            ),
        )
    assert (first.version, second.version) == (1, 2)
    assert first.changes == {
        "estimated_value_paise": {"old": 10_05_000_00, "new": 12_05_000_00},
        "items.1.quantity": {"old": 100, "new": 120},
    }
    assert second.changes == {
        "min_experience_years": {"old": 0, "new": 2},
        "additional_terms": {
            "old": [],
            "new": [{"clause": "Training", "text": {"en": "Two days of training", "hi": ""}}],
        },
    }
    bid.refresh_from_db()
    assert bid.items.get(position=1).quantity == 120
    assert (bid.estimated_value_paise, bid.min_experience_years) == (12_05_000_00, 2)
    assert audit_actions_since(head) == ["bids.amend", "bids.amend"]


def test_bid3_a_corrigendum_needs_a_reason_and_a_change(world: World) -> None:
    bid = _published_at_now(world)
    with clock.frozen_at(NOW + dt.timedelta(days=1)):
        with refused_with(ValidationFailed, "bids.reason_required", "reason"):
            services.corrigendum_publish(
                acting_user=world.buyer,
                bid=bid,
                reason="  ",
                changes=services.CorrigendumChanges(description="x"),
            )
        with refused_with(ValidationFailed, "bids.corrigendum_empty", "changes"):
            services.corrigendum_publish(
                acting_user=world.buyer,
                bid=bid,
                reason="Nothing",
                changes=services.CorrigendumChanges(quantities={1: 100}),
            )
        with refused_with(ValidationFailed, "bids.emd_percent_out_of_range", "emd_percent"):
            services.corrigendum_publish(
                acting_user=world.buyer,
                bid=bid,
                reason="EMD",
                changes=services.CorrigendumChanges(emd_percent=Decimal("5.1")),
            )


def test_bid3_no_corrigendum_after_the_end_or_to_a_draft(world: World) -> None:
    bid = _published_at_now(world)
    changes = services.CorrigendumChanges(description="Late")
    with clock.frozen_at(NOW + dt.timedelta(days=12)), refused_with(Conflict, "bids.ended"):
        services.corrigendum_publish(
            acting_user=world.buyer, bid=bid, reason="Late", changes=changes
        )
    a_draft = draft(world)
    with refused_with(Conflict, "bids.wrong_state"):
        services.corrigendum_publish(
            acting_user=world.buyer, bid=a_draft, reason="Draft", changes=changes
        )
    with refused_with(PermissionDenied, "bids.not_buyer"):
        services.corrigendum_publish(
            acting_user=world.consignee, bid=bid, reason="Not mine", changes=changes
        )


# --- BID-8 cancellation ----------------------------------------------------------------------


def test_bid8_a_cancellation_needs_a_reason_which_is_kept(world: World) -> None:
    bid = published(world)
    with refused_with(ValidationFailed, "bids.reason_required", "reason"):
        services.bid_cancel(acting_user=world.buyer, bid=bid, reason=" ")
    head = audit_head()
    with clock.frozen_at(NOW):
        bid = services.bid_cancel(acting_user=world.buyer, bid=bid, reason="Budget withdrawn")
    assert (bid.status, bid.cancel_reason, bid.cancelled_at) == (
        states.CANCELLED,
        "Budget withdrawn",
        NOW,
    )
    assert audit_actions_since(head) == ["bids.cancel"]
    with refused_with(Conflict, "bids.wrong_state"):
        services.bid_cancel(acting_user=world.buyer, bid=bid, reason="Again")


@pytest.mark.parametrize(
    "status",
    [states.DRAFT, states.TECHNICAL_EVALUATION, states.MATCHING, states.AWARD_PENDING],
)
def test_bid8_any_state_before_the_award_may_be_cancelled(world: World, status: str) -> None:
    bid = make_bid(world, status=status)
    bid = services.bid_cancel(acting_user=world.buyer, bid=bid, reason="Need changed")
    assert bid.status == states.CANCELLED


def test_bid8_an_awarded_bid_cannot_be_cancelled(world: World) -> None:
    bid = make_bid(world, status=states.AWARDED)
    with refused_with(Conflict, "bids.wrong_state"):
        services.bid_cancel(acting_user=world.buyer, bid=bid, reason="Too late")
    other = make_bid(world)
    with refused_with(PermissionDenied, "bids.not_buyer"):
        services.bid_cancel(acting_user=world.primary, bid=other, reason="Not mine")


# --- numbering under concurrency (PostgreSQL) ------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="lock races need PostgreSQL")
def test_bid1_two_publications_at_the_same_moment_take_different_numbers(world: World) -> None:
    """The number is the year's highest plus one, read under an advisory lock:
    two publications racing in two connections get two numbers, none fails."""
    from tests.buying.test_concurrency import race

    drafts = [draft(world) for _ in range(4)]
    end = clock.now() + dt.timedelta(days=12)

    def publish(bid: Bid) -> Any:
        return lambda: (
            services.bid_publish(
                acting_user=world.buyer, bid=bid, end_at=end, offer_validity_days=90
            ).number
        )

    numbers = race(*(publish(bid) for bid in drafts))
    assert all(isinstance(number, str) for number in numbers), numbers
    year = clock.to_ist(clock.now()).year
    assert sorted(numbers) == [f"KRY/B/{year}/{n:06d}" for n in range(1, 5)]
