"""The buying services against the real database (DOMAIN §5 MODE-1..6, §9
ORD-1..2): each test names the rule it shows. The market is
tests/buying/market.py: L1 among capacity-9 purifiers is tata_9 at ₹9,000."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from kraya.accounts.models import Membership, Role
from kraya.buying import rules, selectors, services
from kraya.buying.models import AvailabilityReport, Demand, FundBlock, SplitRefusal
from kraya.buying.rules import replay_l1
from kraya.buying.services import LineInput, SplitRefused, TermInput
from kraya.buying.wording import explain
from kraya.catalog.models import Offer
from kraya.catalog.search import index
from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from kraya.core.errors import Conflict, PermissionDenied, ValidationFailed
from kraya.core.receipts import DecisionReceipt
from kraya.orders.models import Order
from tests.buying.market import ADDRESS, LUCKNOW_PIN, UP
from tests.factories import audit_head, make_listed_offer, make_secondary_user, make_seller_user

pytestmark = pytest.mark.django_db

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))


def demand(market, offer, quantity, *, buyer=None, office=None, state=UP, **kwargs):
    world = market.world
    return services.demand_create(
        acting_user=buyer or world.buyer,
        office=office or world.office,
        consignee_id=kwargs.pop("consignee_id", world.consignee.pk),
        lines=[LineInput(offer.pk, quantity)],
        delivery_state=state,
        delivery_pincode=kwargs.pop("pincode", LUCKNOW_PIN),
        delivery_address=ADDRESS,
        **kwargs,
    )


def sanctioned(market, made):
    services.funds_block(acting_user=market.world.paying_authority, demand=made)
    made.refresh_from_db()
    return made


# --- MODE-1: the mode follows the value on the demand's date ------------------------------


@pytest.mark.parametrize(
    ("offer", "quantity", "mode", "status"),
    [
        ("tata_6", 10, rules.DIRECT, Demand.Status.OPEN),  # ₹50,000: at the direct limit
        ("tata_6", 11, rules.L1, Demand.Status.BID_REQUIRED),  # ₹55,000: L1, one maker only
        ("bajaj_9", 100, rules.L1, Demand.Status.OPEN),  # ₹10,00,000: at the L1 limit
        ("bajaj_9", 101, rules.BID, Demand.Status.BID_REQUIRED),  # ₹10,10,000: a bid
    ],
)
def test_mode1_both_sides_of_each_limit(market, offer, quantity, mode, status) -> None:
    made = demand(market, getattr(market, offer), quantity)
    assert (made.required_mode, made.mode, made.status) == (mode, mode, status)
    assert made.policy_version == "2024-07-10"
    assert made.mode_receipt["rules"] == ["MODE-1"]


def test_mode1_reason_is_shown_as_the_issue_words_it(market) -> None:
    made = demand(market, market.usha_9, 10)  # 10 × ₹12,000
    assert explain(made.mode_receipt) == (
        "₹1,20,000 is above ₹50,000 and at most ₹10 lakh: L1 purchase, "
        "GFR 149, policy of 10 Jul 2024"
    )


@pytest.mark.parametrize(
    ("moment", "mode", "version"),
    [
        # ₹30,000: direct under the 2017 limits (≤ ₹50,000) until 1 Apr 2019,
        (dt.datetime(2019, 4, 1, 23, 59, tzinfo=IST), rules.DIRECT, "2017-03-08"),
        # L1 under the 2019 limits (≤ ₹25,000) from 2 Apr 2019 (IST),
        (dt.datetime(2019, 4, 2, 0, 1, tzinfo=IST), rules.L1, "2019-04-02"),
        # and direct again under the 2024 limits from 10 Jul 2024.
        (dt.datetime(2024, 7, 9, 12, 0, tzinfo=IST), rules.L1, "2019-04-02"),
        (dt.datetime(2024, 7, 10, 12, 0, tzinfo=IST), rules.DIRECT, "2024-07-10"),
    ],
)
def test_mode1_policy_of_the_demands_date(market, moment, mode, version) -> None:
    with clock.frozen_at(moment):
        made = demand(market, market.tata_6, 6)  # ₹30,000
    assert (made.mode, made.policy_version) == (mode, version)
    assert made.on == moment.date()


# --- MODE-2: direct purchase -------------------------------------------------------------


def test_mode2_direct_purchase_buys_the_chosen_offer(market) -> None:
    made = demand(market, market.usha_9, 2)  # ₹24,000: direct, though tata_9 is cheaper
    line = made.lines.get()
    assert made.mode == rules.DIRECT
    assert (line.selected_offer_id, line.selected_unit_price_paise) == (
        market.usha_9.pk,
        12_000_00,
    )
    assert line.decision["kind"] == "buying.direct"


def test_mode2_an_offer_that_does_not_deliver_is_refused(market) -> None:
    before = Demand.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        demand(market, market.usha_9, 2, state="Bihar")
    assert refused.value.code == "buying.delivery_not_possible"
    assert Demand.objects.count() == before


# --- MODE-3: L1 among at least three manufacturers ---------------------------------------


def test_mode3_l1_is_the_cheapest_offer_with_the_same_golden_parameters(market) -> None:
    made = demand(market, market.usha_9, 10)
    line = made.lines.get()
    assert line.golden_specs == {"capacity": "9"}
    assert (line.selected_offer_id, line.selected_unit_price_paise) == (market.tata_9.pk, 9_000_00)
    receipt = line.decision
    assert receipt["rules"] == ["MODE-3"]
    compared = {int(c["offer_id"]) for c in receipt["inputs"]["candidates"]}
    # Capacity 6 has other golden parameters: never compared with capacity 9.
    assert compared == {offer.pk for offer in market.offers_9}
    assert receipt["outcome"]["manufacturers"] == ["bajaj", "godrej", "tata", "usha"]
    assert explain(receipt).startswith(f"Offer {market.tata_9.pk} is L1 at ₹90,000")


def test_mode3_offers_without_delivery_or_stock_are_not_compared(market) -> None:
    Offer.objects.filter(pk=market.godrej_9.pk).update(stock=5)
    made = demand(market, market.usha_9, 10)
    compared = {int(c["offer_id"]) for c in made.lines.get().decision["inputs"]["candidates"]}
    assert market.godrej_9.pk not in compared
    assert made.status == Demand.Status.OPEN  # still three makers: Tata, Bajaj, Usha


def test_mode3_fewer_than_three_manufacturers_goes_to_a_bid(market) -> None:
    Offer.objects.filter(pk__in=[market.godrej_9.pk, market.bajaj_9.pk]).update(stock=0)
    made = demand(market, market.usha_9, 10)
    line = made.lines.get()
    assert made.status == Demand.Status.BID_REQUIRED
    assert line.selected_offer_id is None
    assert line.decision["outcome"]["code"] == "buying.too_few_manufacturers"
    assert line.decision["outcome"]["advice"] == rules.BID
    with pytest.raises(Conflict) as refused:
        services.funds_block(acting_user=market.world.paying_authority, demand=made)
    assert refused.value.code == "buying.bid_required"


def test_mode3_a_tie_is_drawn_and_the_draw_replays(market) -> None:
    world = market.world
    seller = make_seller_user(
        admin=world.other_seller_admin, firm=world.other_seller_firm, roles=[Role.SELLER_CATALOGUE]
    )
    kent = make_listed_offer(
        seller=seller,
        firm=world.other_seller_firm,
        category=market.category,
        title="Kent purifier 9 L",
        brand="Kent",
        oem="Kent",
        model="KE-9",
        specs={"capacity": "9"},
        price_paise=9_000_00,  # the same as tata_9
        mrp_paise=10_000_00,
        stock=100,
    )
    index.rebuild()
    made = demand(market, market.usha_9, 10)
    line = made.lines.get()
    receipt = DecisionReceipt.from_dict(line.decision)
    assert receipt.message == "buying.l1.drawn"
    assert sorted(receipt.outcome["tied"]) == sorted([str(market.tata_9.pk), str(kent.pk)])
    assert len(receipt.inputs["seed"]) == 64
    replayed = replay_l1(receipt)  # anyone can recompute the draw from the receipt
    assert replayed.l1_offer_id == str(line.selected_offer_id)


def test_mode3_compare_again_makes_a_fresh_draw_and_is_audited(market) -> None:
    made = demand(market, market.usha_9, 10)
    first_seed = made.lines.get().decision["inputs"]["seed"]
    head = audit_head()
    services.demand_compare(acting_user=market.world.buyer, demand=made)
    line = made.lines.get()
    assert line.decision["inputs"]["seed"] != first_seed
    assert line.selected_offer_id == market.tata_9.pk
    assert AuditEvent.objects.filter(seq__gt=head).get().action == "buying.demand_compared"


# --- MODE-4: a stricter mode may be chosen, never a laxer one -----------------------------


def test_mode4_stricter_mode_allowed_laxer_refused(market) -> None:
    made = demand(market, market.usha_9, 2, mode=rules.L1)  # ₹24,000 bought by L1
    assert (made.required_mode, made.mode) == (rules.DIRECT, rules.L1)
    assert made.choice_receipt["rules"] == ["MODE-1", "MODE-4"]
    assert made.lines.get().selected_offer_id == market.tata_9.pk
    with pytest.raises(ValidationFailed) as refused:
        demand(market, market.usha_9, 10, mode=rules.DIRECT)  # ₹1,20,000 needs L1
    assert refused.value.code == "buying.mode_not_allowed"
    assert set(refused.value.fields) == {"mode"}


# --- MODE-5: no splitting -------------------------------------------------------------------


def test_mode5_a_split_across_demands_is_refused_and_recorded(market) -> None:
    world = market.world
    first = demand(market, market.tata_6, 6)  # ₹30,000, direct
    assert first.mode == rules.DIRECT
    head = audit_head()
    with pytest.raises(SplitRefused) as refused:
        demand(market, market.tata_6, 6)  # another ₹30,000: ₹60,000 needs L1
    assert refused.value.code == "buying.split"
    assert "₹60,000" in refused.value.fields["lines"][0]
    assert Demand.objects.filter(office=world.office).count() == 1
    refusal = SplitRefusal.objects.get()
    assert (refusal.demand_total_paise, refusal.summed_total_paise) == (30_000_00, 60_000_00)
    assert refusal.receipt["params"]["summed"] == [str(first.pk)]
    assert [e.action for e in AuditEvent.objects.filter(seq__gt=head)] == ["buying.split_refused"]
    report = selectors.compliance_by_department()
    assert [(r.department_id, r.split_refusals) for r in report] == [(world.department.pk, 1)]


def test_mode5_other_offices_and_cancelled_demands_are_not_summed(market) -> None:
    world = market.world
    consignee = make_secondary_user(
        primary=world.other_primary, unit=world.other_office, roles=[Role.CONSIGNEE]
    )
    demand(
        market,
        market.tata_6,
        6,
        buyer=world.other_buyer,
        office=world.other_office,
        consignee_id=consignee.pk,
    )
    first = demand(market, market.tata_6, 6)
    assert first.mode == rules.DIRECT
    services.demand_cancel(acting_user=world.buyer, demand=first)
    assert demand(market, market.tata_6, 6).mode == rules.DIRECT


def test_mode5_the_window_is_30_days(market) -> None:
    start = dt.datetime(2025, 1, 1, 12, 0, tzinfo=IST)
    with clock.frozen_at(start):
        demand(market, market.tata_6, 6)
    with clock.frozen_at(start + dt.timedelta(days=31)):  # the first is 31 days back
        assert demand(market, market.tata_6, 6).mode == rules.DIRECT
    with clock.frozen_at(start + dt.timedelta(days=61)), pytest.raises(SplitRefused):
        demand(market, market.tata_6, 6)  # the second is 30 days back: summed


def test_mode5_choosing_the_stricter_mode_is_not_a_split(market) -> None:
    demand(market, market.tata_6, 6)
    second = demand(market, market.usha_9, 2, mode=rules.L1)  # another ₹24,000, by L1
    assert second.mode == rules.L1
    assert second.split_receipt["outcome"]["allowed"] is True


# --- MODE-6: availability reports ---------------------------------------------------------


def test_mode6_off_portal_purchase_gets_a_unique_id_and_is_reported(market) -> None:
    world = market.world
    first = services.availability_report_create(
        acting_user=world.buyer,
        office=world.office,
        item="Oxygen cylinders",
        estimated_value_paise=2_00_000_00,
        reason=rules.URGENT_EMERGENCY,
    )
    second = services.availability_report_create(
        acting_user=world.primary,
        office=world.office,
        item="Hand-made wooden sign",
        estimated_value_paise=5_000_00,
        reason=rules.OTHER,
        explanation="A one-off carving for the hospital gate",
    )
    day = clock.today_ist().strftime("%Y%m%d")
    code = world.office.code.upper()
    assert (first.report_id, second.report_id) == (
        f"AR-{code}-{day}-0001",
        f"AR-{code}-{day}-0002",
    )
    assert rules.availability_report_id_valid(first.report_id)
    report = selectors.compliance_by_department()
    assert [(r.availability_reports, r.off_portal_paise) for r in report] == [(2, 2_05_000_00)]
    with pytest.raises(ValidationFailed) as refused:
        services.availability_report_create(
            acting_user=world.buyer,
            office=world.office,
            item="Chairs",
            estimated_value_paise=1_000_00,
            reason=rules.OTHER,
        )
    assert refused.value.code == "buying.reason_text_required"
    with pytest.raises(PermissionDenied):
        services.availability_report_create(
            acting_user=world.other_buyer,
            office=world.office,
            item="Chairs",
            estimated_value_paise=1_000_00,
            reason=rules.NOT_AVAILABLE,
        )
    assert AvailabilityReport.objects.count() == 2


# --- ORD-2: funds are blocked before the order ---------------------------------------------


def test_ord2_no_order_without_sanction(market) -> None:
    made = demand(market, market.usha_9, 10)
    stock = Offer.objects.get(pk=market.tata_9.pk).stock
    with pytest.raises(Conflict) as refused:
        services.order_place(acting_user=market.world.buyer, demand=made)
    assert refused.value.code == "buying.sanction_missing"
    assert Order.objects.count() == 0
    assert Offer.objects.get(pk=market.tata_9.pk).stock == stock


def test_ord2_too_little_blocked_is_refused(market) -> None:
    made = demand(market, market.usha_9, 10)
    services.funds_block(
        acting_user=market.world.paying_authority, demand=made, amount_paise=50_000_00
    )
    with pytest.raises(Conflict) as refused:
        services.order_place(acting_user=market.world.buyer, demand=made)
    assert refused.value.code == "buying.sanction_insufficient"
    assert "₹50,000.00" in str(refused.value.message)
    assert Order.objects.count() == 0


def test_ord2_who_may_block_funds(market) -> None:
    world = market.world
    made = demand(market, market.usha_9, 10)
    with pytest.raises(PermissionDenied):
        services.funds_block(acting_user=world.consignee, demand=made)
    with pytest.raises(PermissionDenied):
        services.funds_block(acting_user=world.other_buyer, demand=made)
    with pytest.raises(ValidationFailed) as refused:
        services.funds_block(acting_user=world.buyer, demand=made)
    assert refused.value.code == "buying.sanction_reference_required"
    with pytest.raises(ValidationFailed) as refused:
        services.funds_block(
            acting_user=world.buyer,
            demand=made,
            sanction_reference="FS/2024/117",
            paying_authority_id=world.consignee.pk,  # not a Paying Authority
        )
    assert refused.value.code == "buying.paying_authority_not_in_office"
    block = services.funds_block(
        acting_user=world.buyer,
        demand=made,
        sanction_reference="FS/2024/117 dated 10.12.2024",
        paying_authority_id=world.paying_authority.pk,
    )
    assert (block.amount_paise, block.paying_authority, block.blocked_by) == (
        90_000_00,
        world.paying_authority,
        world.buyer,
    )
    assert selectors.office_funds(
        actor=_actor(world.primary), office=world.office
    ).blocked_paise == (90_000_00)
    with pytest.raises(Conflict) as again:
        services.funds_block(acting_user=world.paying_authority, demand=made)
    assert again.value.code == "buying.already_sanctioned"


def test_ord2_paying_authority_is_never_the_demands_consignee(market) -> None:
    """ROLE-2 even for a membership made before the role rules (written directly)."""
    world = market.world
    Membership.objects.create(
        user=world.consignee, role=Role.PAYING_AUTHORITY, buyer_unit=world.office
    )
    made = demand(market, market.usha_9, 10)
    with pytest.raises(ValidationFailed) as refused:
        services.funds_block(acting_user=world.consignee, demand=made)
    assert refused.value.code == "buying.separation_of_duties"
    assert FundBlock.objects.count() == 0


def _actor(user):
    from kraya.accounts.selectors import as_actor

    return as_actor(user)


# --- ORD-1: the order ------------------------------------------------------------------------


def test_ord1_order_from_an_l1_decision(market) -> None:
    world = market.world
    made = sanctioned(
        market,
        demand(
            market,
            market.usha_9,
            10,
            additional_terms=[TermInput("warranty", "Three years on site", "तीन वर्ष ऑन-साइट")],
        ),
    )
    head = audit_head()
    [order] = services.order_place(acting_user=world.buyer, demand=made)
    assert rules.contract_number_valid(order.number)
    assert order.number.startswith(f"KRY-{clock.today_ist():%Y%m%d}-")
    assert (order.seller_firm, order.buyer_office, order.total_paise, order.mode) == (
        world.seller_firm,
        world.office,
        90_000_00,
        rules.L1,
    )
    assert (order.consignee, order.paying_authority, order.buyer) == (
        world.consignee,
        world.paying_authority,
        world.buyer,
    )
    [item] = order.items.all()
    assert (item.offer_id, item.quantity, item.unit_price_paise, item.manufacturer) == (
        market.tata_9.pk,
        10,
        9_000_00,
        "Tata",
    )
    assert [r["kind"] for r in order.receipts] == [
        "buying.mode",
        "buying.split",
        "buying.l1",
        "buying.sanction",
        "buying.terms",
    ]
    terms = {term["clause"]: term for term in order.terms}
    assert terms["warranty"]["source"] == rules.ATC
    assert terms["warranty"]["text"] == {"en": "Three years on site", "hi": "तीन वर्ष ऑन-साइट"}
    assert terms["payment"]["source"] == rules.GENERAL
    assert "10 days of the CRAC" in terms["payment"]["text"]["en"]
    assert order.delivery_due_on == clock.today_ist() + dt.timedelta(days=7)
    assert Offer.objects.get(pk=market.tata_9.pk).stock == 90
    made.refresh_from_db()
    assert made.status == Demand.Status.ORDERED
    assert made.lines.get().order == order
    placed = AuditEvent.objects.filter(seq__gt=head, action="orders.order_placed").get()
    assert placed.payload["receipts_digest"] == order.receipts_digest
    assert placed.payload["number"] == order.number
    with pytest.raises(Conflict) as again:
        services.order_place(acting_user=world.buyer, demand=made)
    assert again.value.code == "buying.demand_not_open"


def test_ord1_contract_numbers_count_up_within_the_day(market) -> None:
    world = market.world
    numbers = []
    for buyer in (world.buyer, market.second_buyer):
        made = sanctioned(market, demand(market, market.usha_9, 1, buyer=buyer, mode=rules.L1))
        numbers.append(services.order_place(acting_user=buyer, demand=made)[0].number)
    sequences = [rules.parse_contract_number(number)[1] for number in numbers]
    assert sequences[1] == sequences[0] + 1


def test_ord1_an_offer_repriced_since_the_comparison_must_be_compared_again(market) -> None:
    made = sanctioned(market, demand(market, market.usha_9, 10))
    Offer.objects.filter(pk=market.tata_9.pk).update(price_paise=9_100_00)
    with pytest.raises(Conflict) as refused:
        services.order_place(acting_user=market.world.buyer, demand=made)
    assert refused.value.code == "buying.comparison_stale"
    index.rebuild()
    services.demand_compare(acting_user=market.world.buyer, demand=made)
    # tata_9 at ₹9,100 is still the cheapest; the blocked ₹90,000 no longer covers ₹91,000.
    with pytest.raises(Conflict) as short:
        services.order_place(acting_user=market.world.buyer, demand=made)
    assert short.value.code == "buying.sanction_insufficient"


def test_ord1_the_seller_is_notified_in_their_language(
    market, django_capture_on_commit_callbacks
) -> None:
    world = market.world
    world.seller_admin.preferred_language = "hi"
    world.seller_admin.save(update_fields=["preferred_language"])
    made = sanctioned(market, demand(market, market.usha_9, 10))
    with django_capture_on_commit_callbacks(execute=True):
        [order] = services.order_place(acting_user=world.buyer, demand=made)
    notices = [m for m in mail.outbox if world.seller_admin.email in m.to]
    assert len(notices) == 1
    assert order.number in notices[0].subject
    assert "₹90,000.00" in notices[0].body


def test_only_a_buyer_of_the_office_buys(market) -> None:
    world = market.world
    for user in (world.primary, world.consignee, world.paying_authority, world.other_buyer):
        with pytest.raises(PermissionDenied):
            demand(market, market.usha_9, 10, buyer=user)
    made = sanctioned(market, demand(market, market.usha_9, 10))
    for user in (world.primary, world.consignee, world.paying_authority, world.other_buyer):
        with pytest.raises(PermissionDenied):
            services.order_place(acting_user=user, demand=made)
    assert FundBlock.objects.count() == 1 and Order.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"consignee_id": 0}, "consignee_id", "buying.consignee_not_in_office"),
        ({"pincode": "12345"}, "delivery_pincode", "buying.bad_pincode"),
        ({"state": "Atlantis"}, "delivery_state", "buying.delivery_state_unknown"),
        ({"mode": "AUCTION"}, "mode", "buying.unknown_mode"),
    ],
)
def test_bad_demand_input_is_refused_by_field(market, change, field, code) -> None:
    with pytest.raises(ValidationFailed) as refused:
        demand(market, market.usha_9, 10, **change)
    assert refused.value.code == code
    assert field in refused.value.fields
    assert Demand.objects.count() == 0


def test_lines_must_be_of_one_category_and_listed(market, world) -> None:
    from kraya.catalog import services as catalog_services

    lamps = catalog_services.category_create(
        acting_user=None, code="lamps-x", name="Lamps", kind="PRODUCT"
    )
    seller = make_seller_user(
        admin=world.seller_admin, firm=world.seller_firm, roles=[Role.SELLER_CATALOGUE]
    )
    lamp = make_listed_offer(seller=seller, firm=world.seller_firm, category=lamps, stock=5)
    with pytest.raises(ValidationFailed) as mixed:
        services.demand_create(
            acting_user=world.buyer,
            office=world.office,
            consignee_id=world.consignee.pk,
            lines=[LineInput(market.usha_9.pk, 1), LineInput(lamp.pk, 1)],
            delivery_state=UP,
            delivery_pincode=LUCKNOW_PIN,
            delivery_address=ADDRESS,
        )
    assert mixed.value.code == "buying.mixed_categories"
    for lines, code in (
        ([], "buying.no_lines"),
        ([LineInput(market.usha_9.pk, 0)], "buying.quantity_out_of_range"),
        ([LineInput(10**9, 1)], "buying.offer_not_available"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            services.demand_create(
                acting_user=world.buyer,
                office=world.office,
                consignee_id=world.consignee.pk,
                lines=lines,
                delivery_state=UP,
                delivery_pincode=LUCKNOW_PIN,
                delivery_address=ADDRESS,
            )
        assert refused.value.code == code
