"""BID-5 sealed participation, with the checks taken at submission: KYC
(verified registration), KYC-4 (land border), BID-1/BID-2 (eligibility,
relaxation, EMD) and MII-3 (reservation) — through the services, on the real
database, with real keys (the packets are opened with the bid's released keys
to prove what was sealed)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kraya.bids import packets, sealing, states
from kraya.bids.models import Bid, BidItem, BidKeys, Submission, SubmissionDocument
from kraya.bids.selectors import participation as selectors
from kraya.bids.services import opening
from kraya.bids.services.participation import (
    DocumentInput,
    ItemInput,
    submission_submit,
    submission_withdraw,
)
from kraya.core import clock
from kraya.core.audit_models import AuditEvent
from kraya.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kraya.sellers import rules as seller_rules
from kraya.sellers.models import Registration, SocialCategory
from tests.bids.factory import make_bid
from tests.buying.market import make_market
from tests.factories import make_listed_offer, make_seller_user, unique

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a datasheet\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


# --- helpers (used by the other participation test modules too) ----------------------------


def verify_firm(
    firm: Any,
    *,
    status: str = Registration.Status.VERIFIED,
    business_type: str = seller_rules.MANUFACTURER,
    segments: tuple[str, ...] = (),
    mse_class: str = seller_rules.MICRO,
    turnover_paise: int | None = 5_00_00_000_00,
    year_established: int | None = 2015,
    land_border: bool = False,
    valid_until: dt.date | None = None,
) -> Registration:
    """A KYC record for `firm` (rows, as the sellers' verification leaves them)."""
    registration = Registration.objects.create(
        firm=firm,
        status=status,
        legal_name=firm.name,
        pan=unique("AAAPL")[:10],
        business_type=business_type,
        annual_turnover_paise=turnover_paise,
        year_established=year_established,
        land_border_country=land_border,
        land_border_registration_number="LB-123" if land_border else "",
        land_border_registration_valid_until=valid_until,
    )
    for kind in segments:
        SocialCategory.objects.create(
            registration=registration,
            kind=kind,
            mse_class=mse_class if kind == seller_rules.MSE else "",
            verified=True,
        )
    return registration


def purifier_bid(market: Any, *, items: int = 1, **fields: Any) -> Bid:
    """A published bid for 9 L purifiers (golden parameter capacity = 9)."""
    specs = [("Water purifier 9 L", 100, 10_000_00), ("Water purifier 9 L spare", 10, 2_000_00)]
    bid = make_bid(market.world, items=specs[:items], category=market.category, **fields)
    BidItem.objects.filter(bid=bid).update(golden_specs={"capacity": "9"})
    return bid


def open_packet(bid: Bid, submission: Submission, packet: str) -> dict[str, Any]:
    """What a stored sealed packet holds, opened with the bid's key at its opening."""
    keys = BidKeys.objects.get(bid=bid)
    wrapped = (
        keys.technical_private_wrapped
        if packet == sealing.TECHNICAL
        else keys.financial_private_wrapped
    )
    with clock.frozen_at(bid.opening_at):
        private = sealing.unwrap_private(
            bid_id=bid.pk, packet=packet, wrapped=bytes(wrapped), opening_at=bid.opening_at
        )
    submission.refresh_from_db()
    sealed = (
        submission.technical_sealed if packet == sealing.TECHNICAL else submission.financial_sealed
    )
    aad = sealing.packet_aad(bid.pk, submission.seller_firm_id, packet)
    return packets.decode(
        sealing.open_packet(released_private=private, sealed=bytes(sealed), aad=aad)
    )


def counts() -> tuple[int, int, int, list[str]]:
    return (
        Submission.objects.count(),
        SubmissionDocument.objects.count(),
        AuditEvent.objects.filter(action__startswith="bids.").count(),
        [s.sealed_digest for s in Submission.objects.order_by("pk")],
    )


def submit(market: Any, bid: Bid, **kwargs: Any) -> Submission:
    """The world's first seller quotes its Tata 9 L offer at ₹9,500."""
    values: dict[str, Any] = {
        "acting_user": market.world.seller_admin,
        "bid": bid,
        "items": [ItemInput(position=1, offer_id=market.tata_9.pk, unit_price_paise=9_500_00)],
        "declarations": {},
    }
    values.update(kwargs)
    return submission_submit(**values)


@pytest.fixture
def market(world):
    return make_market(world)


@pytest.fixture
def verified(market):
    return verify_firm(market.world.seller_firm)


# --- BID-5: sealing, revising, withdrawing ---------------------------------------------------


def test_bid5_a_submission_is_sealed_with_its_digest_and_audited_without_its_content(
    market, verified
):
    bid = purifier_bid(market)
    submission = submit(market, bid)
    row = Submission.objects.get(pk=submission.pk)
    assert (row.status, row.revision, row.technical, row.financial) == (
        Submission.Status.SUBMITTED,
        1,
        None,
        None,
    )
    technical, financial = bytes(row.technical_sealed), bytes(row.financial_sealed)
    assert row.sealed_digest == sealing.digest(technical, financial)
    for raw in (technical, financial):
        assert b"Tata" not in raw and b"950000" not in raw
    event = AuditEvent.objects.filter(action="bids.submission_submitted").get()
    assert set(event.payload) == {"bid", "number", "seller_firm", "revision", "sealed_digest"}
    assert "950000" not in str(event.payload) and "Tata" not in str(event.payload)
    opened = open_packet(bid, row, sealing.TECHNICAL)
    line = opened["items"][0]
    assert (line["offer_id"], line["title"], line["manufacturer"], line["specs"]) == (
        market.tata_9.pk,
        "Tata purifier 9 L",
        "Tata",
        {"capacity": "9"},
    )
    assert opened["declarations"] == {"land_border": False, "emd_reference": ""}
    assert [r["kind"] for r in opened["receipts"]] == [
        "bids.kyc",
        "bids.land_border",
        "bids.eligibility",
        "bids.emd",
    ]
    assert open_packet(bid, row, sealing.FINANCIAL)["items"] == [
        {"position": 1, "unit_price_paise": 9_500_00, "quantity": 100}
    ]


def test_bid5_a_revision_replaces_both_packets_on_the_same_row(market, verified):
    bid = purifier_bid(market)
    first = submit(market, bid)
    old = (bytes(first.technical_sealed), bytes(first.financial_sealed), first.sealed_digest)
    revised = submit(
        market,
        bid,
        items=[
            ItemInput(position=1, offer_id=market.usha_9.pk, unit_price_paise=8_800_00, quantity=60)
        ],
    )
    assert revised.pk == first.pk and Submission.objects.count() == 1
    row = Submission.objects.get(pk=first.pk)
    assert row.revision == 2
    assert bytes(row.technical_sealed) != old[0] and bytes(row.financial_sealed) != old[1]
    assert row.sealed_digest != old[2]
    assert open_packet(bid, row, sealing.FINANCIAL)["items"] == [
        {"position": 1, "unit_price_paise": 8_800_00, "quantity": 60}
    ]
    assert open_packet(bid, row, sealing.TECHNICAL)["items"][0]["title"] == "Usha purifier 9 L"
    actions = list(
        AuditEvent.objects.filter(action__startswith="bids.submission_").values_list(
            "action", "payload__revision"
        )
    )
    assert actions == [("bids.submission_submitted", 1), ("bids.submission_revised", 2)]


def test_bid5_documents_are_sealed_one_by_one_and_opened_with_the_technical_packet(
    market, verified
):
    bid = purifier_bid(market)
    submission = submit(
        market,
        bid,
        documents=[DocumentInput("datasheet-ZX.pdf", "application/pdf", PDF)],
    )
    document = SubmissionDocument.objects.get(submission=submission)
    assert (document.file_name, document.content_type, document.content) == ("", "", None)
    assert b"datasheet" not in bytes(document.sealed) and PDF not in bytes(document.sealed)
    # A revision without documents keeps them; with documents replaces them.
    submit(market, bid)
    assert SubmissionDocument.objects.filter(submission=submission).count() == 1
    submit(
        market,
        bid,
        documents=[
            DocumentInput("bis-certificate.png", "image/png", PNG),
            DocumentInput("datasheet-2.pdf", "application/pdf", PDF),
        ],
    )
    assert SubmissionDocument.objects.filter(submission=submission).count() == 2
    with clock.frozen_at(bid.opening_at):
        opening.technical_open(bid_id=bid.pk)
    names = sorted(
        SubmissionDocument.objects.filter(submission=submission).values_list(
            "file_name", "content_type"
        )
    )
    assert names == [("bis-certificate.png", "image/png"), ("datasheet-2.pdf", "application/pdf")]
    assert bytes(SubmissionDocument.objects.get(file_name="datasheet-2.pdf").content) == PDF


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (
            DocumentInput("notes.pdf", "application/pdf", b"plain text, not a PDF"),
            "bids.document_type",
        ),
        (DocumentInput("run.exe", "application/octet-stream", b"MZ\x90\x00"), "bids.document_type"),
        (
            DocumentInput("big.pdf", "application/pdf", PDF + b"0" * (2 * 1024 * 1024)),
            "bids.document_too_large",
        ),
        (DocumentInput("  ", "application/pdf", PDF), "bids.document_name_required"),
    ],
)
def test_bid5_a_document_must_be_a_pdf_jpeg_or_png_within_the_limit(
    market, verified, document, code
):
    bid = purifier_bid(market)
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        submit(market, bid, documents=[document])
    assert refused.value.code == code and set(refused.value.fields) == {"documents"}
    assert counts() == before


def test_bid5_withdrawal_before_the_end_keeps_the_packets_sealed_and_never_opens_them(
    market, verified
):
    bid = purifier_bid(market)
    submission = submit(market, bid)
    sealed = bytes(submission.technical_sealed)
    withdrawn = submission_withdraw(acting_user=market.world.seller_admin, bid=bid)
    assert withdrawn.status == Submission.Status.WITHDRAWN and withdrawn.withdrawn_at is not None
    assert bytes(Submission.objects.get(pk=submission.pk).technical_sealed) == sealed
    event = AuditEvent.objects.filter(action="bids.submission_withdrawn").get()
    assert set(event.payload) == {"bid", "number", "seller_firm", "revision", "sealed_digest"}
    with pytest.raises(Conflict) as again:
        submission_withdraw(acting_user=market.world.seller_admin, bid=bid)
    assert again.value.code == "bids.already_withdrawn"
    with pytest.raises(Conflict) as resubmit:
        submit(market, bid)
    assert resubmit.value.code == "bids.submission_withdrawn"
    with clock.frozen_at(bid.opening_at):
        opening.technical_open(bid_id=bid.pk)
    assert Submission.objects.get(pk=submission.pk).technical is None


def test_bid5_withdrawal_after_the_end_is_refused_as_forfeiting_and_changes_nothing(
    market, verified
):
    bid = purifier_bid(market)
    submit(market, bid)
    before = counts()
    with clock.frozen_at(bid.end_at), pytest.raises(Conflict) as refused:
        submission_withdraw(acting_user=market.world.seller_admin, bid=bid)
    assert refused.value.code == "bids.withdrawal_after_end"
    assert "forfeits" in str(refused.value.message)
    assert counts() == before
    assert Submission.objects.get().status == Submission.Status.SUBMITTED


def test_bid5_no_submission_or_revision_at_or_after_the_end(market, verified):
    bid = purifier_bid(market)
    before = counts()
    with clock.frozen_at(bid.end_at), pytest.raises(Conflict) as refused:
        submit(market, bid)
    assert refused.value.code == "bids.submission_closed"
    with clock.frozen_at(bid.end_at - dt.timedelta(seconds=1)):
        submit(market, bid)
    assert Submission.objects.count() == before[0] + 1


def test_bid5_a_cancelled_or_draft_bid_takes_no_submission(market, verified):
    draft = purifier_bid(market, status=states.DRAFT)
    with pytest.raises(NotFound):
        submit(market, draft)
    cancelled = purifier_bid(market, status=states.CANCELLED, cancel_reason="Budget withdrawn")
    with pytest.raises(Conflict) as refused:
        submit(market, cancelled)
    assert refused.value.code == "bids.wrong_state"
    with pytest.raises(NotFound) as none:
        submission_withdraw(acting_user=market.world.seller_admin, bid=cancelled)
    assert none.value.code == "bids.no_submission"
    assert Submission.objects.count() == 0


def test_bid5_only_a_seller_admin_or_bidding_user_submits(market, verified):
    bid = purifier_bid(market)
    world = market.world
    before = counts()
    for user in (world.buyer, world.primary, world.seller_catalogue, world.operator):
        with pytest.raises(PermissionDenied) as refused:
            submit(market, bid, acting_user=user)
        assert refused.value.code == "bids.not_seller"
    assert counts() == before
    bidding = make_seller_user(
        admin=world.seller_admin, firm=world.seller_firm, roles=["SELLER_BIDDING"]
    )
    assert submit(market, bid, acting_user=bidding).submitted_by == bidding


# --- what is quoted --------------------------------------------------------------------------


def test_bid1_an_offer_must_be_the_firms_own_listed_offer_meeting_the_golden_parameters(
    market, verified
):
    bid = purifier_bid(market)
    before = counts()
    cases = [
        (market.godrej_9.pk, "bids.offer_not_yours"),  # another firm's
        (market.tata_6.pk, "bids.offer_spec_not_met"),  # 6 L, the bid asks 9 L
        (None, "bids.offer_required"),
    ]
    for offer_id, code in cases:
        with pytest.raises(ValidationFailed) as refused:
            submit(
                market, bid, items=[ItemInput(position=1, offer_id=offer_id, unit_price_paise=1)]
            )
        assert refused.value.code == code
        assert set(refused.value.fields) == {"items.1.offer_id"}
    assert counts() == before


def test_bid1_an_offer_of_another_category_is_refused(market, verified):
    from kraya.catalog import services as catalog_services

    other = catalog_services.category_create(
        acting_user=None, code=unique("lamps-"), name="Lamps", name_hi="दीप", kind="PRODUCT"
    )
    lamp = make_listed_offer(
        seller=market.world.seller_catalogue, firm=market.world.seller_firm, category=other
    )
    bid = purifier_bid(market)
    with pytest.raises(ValidationFailed) as refused:
        submit(market, bid, items=[ItemInput(position=1, offer_id=lamp.pk, unit_price_paise=9_00)])
    assert refused.value.code == "bids.offer_wrong_category"


def test_bid5_prices_and_quantities_are_checked_per_item(market, verified):
    bid = purifier_bid(market)
    with pytest.raises(ValidationFailed) as refused:
        submit(
            market,
            bid,
            items=[
                ItemInput(position=1, offer_id=market.tata_9.pk, unit_price_paise=0, quantity=101)
            ],
        )
    assert set(refused.value.fields) == {"items.1.unit_price_paise", "items.1.quantity"}
    with pytest.raises(ValidationFailed) as unknown:
        submit(market, bid, items=[ItemInput(position=7, unit_price_paise=100)])
    assert unknown.value.code == "bids.unknown_item"
    with pytest.raises(ValidationFailed) as empty:
        submit(market, bid, items=[])
    assert empty.value.code == "bids.items_required"


def test_bid1_total_basis_needs_every_item_and_group_basis_whole_lots(market, verified):
    total = purifier_bid(market, items=2)
    with pytest.raises(ValidationFailed) as refused:
        submit(market, total)
    assert refused.value.code == "bids.all_items_required"
    group = purifier_bid(market, items=2, evaluation_basis=Bid.EvaluationBasis.GROUP)
    with pytest.raises(ValidationFailed) as partial:
        submit(market, group)
    assert partial.value.code == "bids.whole_lot_required"
    itemwise = purifier_bid(market, items=2, evaluation_basis=Bid.EvaluationBasis.ITEM)
    submission = submit(market, itemwise)  # item 1 only: its own lot
    assert [
        line["position"] for line in open_packet(itemwise, submission, sealing.FINANCIAL)["items"]
    ] == [1]


def test_bid1_a_boq_line_is_described_with_its_local_content(market, verified):
    bid = make_bid(market.world, items=[("Annual maintenance of lifts", 12, 50_000_00)])
    with pytest.raises(ValidationFailed) as refused:
        submit(market, bid, items=[ItemInput(position=1, unit_price_paise=45_000_00)])
    assert set(refused.value.fields) == {"items.1.description"}
    submission = submit(
        market,
        bid,
        items=[
            ItemInput(
                position=1,
                unit_price_paise=45_000_00,
                description="AMC, 4 lifts",
                local_content_percent=55,
            )
        ],
    )
    line = open_packet(bid, submission, sealing.TECHNICAL)["items"][0]
    assert (line["title"], line["offer_id"], line["mii_class"], line["local_content_percent"]) == (
        "AMC, 4 lifts",
        None,
        "CLASS_1",
        55,
    )


# --- KYC and KYC-4 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [None, Registration.Status.SUBMITTED, Registration.Status.REJECTED]
)
def test_kyc_only_a_verified_seller_may_bid(market, status):
    if status is not None:
        verify_firm(market.world.seller_firm, status=status)
    bid = purifier_bid(market)
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        submit(market, bid)
    assert refused.value.code == "bids.kyc_not_verified" and "kyc" in refused.value.fields
    assert counts() == before


def test_kyc4_a_land_border_seller_needs_a_valid_registration_to_bid(market):
    today = clock.today_ist()
    registration = verify_firm(
        market.world.seller_firm, land_border=True, valid_until=today - dt.timedelta(days=1)
    )
    bid = purifier_bid(market)
    with pytest.raises(ValidationFailed) as refused:
        submit(market, bid)
    assert refused.value.code == "kyc.land_border_registration_expired"
    assert set(refused.value.fields) == {"land_border"}
    registration.land_border_registration_valid_until = today  # valid on its last day
    registration.save()
    submission = submit(market, bid)
    technical = open_packet(bid, submission, sealing.TECHNICAL)
    assert technical["declarations"]["land_border"] is True
    receipt = next(r for r in technical["receipts"] if r["kind"] == "bids.land_border")
    assert receipt["rules"] == ["KYC-4"] and receipt["outcome"]["allowed"] is True


# --- BID-2: eligibility, relaxation, EMD -----------------------------------------------------


def test_bid2_turnover_and_experience_criteria_refuse_a_seller_below_them(market):
    verify_firm(
        market.world.seller_firm,
        turnover_paise=3_00_00_000_00,
        year_established=clock.today_ist().year - 1,
    )
    bid = purifier_bid(market, min_average_turnover_paise=2_00_00_000_00, min_experience_years=3)
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        submit(market, bid)
    # one year's ₹3 crore averages ₹1 crore over three years; one year's experience
    assert refused.value.code == "bids.not_eligible" and set(refused.value.fields) == {
        "eligibility"
    }
    assert "average turnover" in refused.value.fields["eligibility"][0]
    assert "experience" in refused.value.fields["eligibility"][0]
    assert counts() == before


def test_bid2_an_mse_manufacturer_is_relaxed_when_the_buyer_enables_it(market):
    verify_firm(
        market.world.seller_firm,
        segments=(seller_rules.MSE,),
        turnover_paise=None,
        year_established=None,
    )
    strict = purifier_bid(market, min_average_turnover_paise=1_00_00_000_00)
    with pytest.raises(ValidationFailed):
        submit(market, strict)
    relaxed = purifier_bid(
        market,
        min_average_turnover_paise=1_00_00_000_00,
        min_experience_years=2,
        relax_for_mse_and_startups=True,
    )
    submission = submit(market, relaxed)
    technical = open_packet(relaxed, submission, sealing.TECHNICAL)
    assert technical["seller"] == {
        "is_mse": True,
        "mse_category": "manufacturer",
        "is_startup": False,
        "segments": ["MSE"],
        "turnover_paise_by_year": [],
        "experience_years": 0,
        "past_performance_percent": "0",
    }
    eligibility = next(r for r in technical["receipts"] if r["kind"] == "bids.eligibility")
    assert eligibility["outcome"]["waived"] == ["experience", "turnover"]
    assert "BID-2" in eligibility["rules"]


def test_bid2_an_mse_trader_is_not_relaxed(market):
    verify_firm(
        market.world.seller_firm,
        segments=(seller_rules.MSE,),
        business_type=seller_rules.TRADER,
        turnover_paise=None,
    )
    bid = purifier_bid(
        market, min_average_turnover_paise=1_00_00_000_00, relax_for_mse_and_startups=True
    )
    with pytest.raises(ValidationFailed) as refused:
        submit(market, bid)
    assert refused.value.code == "bids.not_eligible"


def test_bid2_emd_needs_a_reference_unless_the_seller_is_exempt(market):
    verify_firm(market.world.seller_firm)
    bid = purifier_bid(market, emd_percent=Decimal("2"))
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        submit(market, bid)
    assert refused.value.code == "bids.emd_reference_required"
    assert "₹20,000.00" in refused.value.fields["emd_reference"][0]  # 2% of ₹10 lakh
    assert counts() == before
    submission = submit(market, bid, declarations={"emd_reference": "BG/SBI/2026/0042"})
    technical = open_packet(bid, submission, sealing.TECHNICAL)
    assert technical["declarations"]["emd_reference"] == "BG/SBI/2026/0042"
    emd = next(r for r in technical["receipts"] if r["kind"] == "bids.emd")
    assert emd["outcome"] == {"amount_paise": 20_000_00, "exemption": ""}


@pytest.mark.parametrize(
    ("segments", "business_type", "exemption"),
    [
        ((seller_rules.MSE,), seller_rules.MANUFACTURER, "mse_manufacturer"),
        ((seller_rules.MSE,), seller_rules.SERVICE_PROVIDER, "mse_service_provider"),
        ((seller_rules.STARTUP,), seller_rules.TRADER, "startup"),
    ],
)
def test_bid2_mse_manufacturers_service_providers_and_startups_are_exempt_from_emd(
    market, segments, business_type, exemption
):
    verify_firm(market.world.seller_firm, segments=segments, business_type=business_type)
    bid = purifier_bid(market, emd_percent=Decimal("3"))
    submission = submit(market, bid)
    emd = next(
        r
        for r in open_packet(bid, submission, sealing.TECHNICAL)["receipts"]
        if r["kind"] == "bids.emd"
    )
    assert emd["outcome"] == {"amount_paise": 0, "exemption": exemption}


def test_bid2_a_medium_enterprise_is_not_an_mse_for_the_emd(market):
    verify_firm(
        market.world.seller_firm, segments=(seller_rules.MSE,), mse_class=seller_rules.MEDIUM
    )
    bid = purifier_bid(market, emd_percent=Decimal("2"))
    with pytest.raises(ValidationFailed) as refused:
        submit(market, bid)
    assert refused.value.code == "bids.emd_reference_required"


# --- MII-3 -----------------------------------------------------------------------------------


def _local_offer(market: Any, percent: int) -> Any:
    return make_listed_offer(
        seller=market.world.seller_catalogue,
        firm=market.world.seller_firm,
        category=market.category,
        title=f"Local purifier {percent}%",
        brand="Swadeshi",
        model=unique("SW-"),
        specs={"capacity": "9"},
        local_content_percent=percent,
    )


def test_mii3_a_bid_reserved_for_class_1_refuses_other_classes(market, verified):
    bid = purifier_bid(market, mii_reservation=Bid.MiiReservation.CLASS_1)
    class_2 = _local_offer(market, 30)
    before = counts()
    for offer in (market.tata_9, class_2):  # non-local, Class-II
        with pytest.raises(ValidationFailed) as refused:
            submit(
                market,
                bid,
                items=[ItemInput(position=1, offer_id=offer.pk, unit_price_paise=9_000_00)],
            )
        assert refused.value.code == "bids.mii_reserved"
        assert set(refused.value.fields) == {"items.1.offer_id"}
    assert counts() == before
    class_1 = _local_offer(market, 60)
    submission = submit(
        market, bid, items=[ItemInput(position=1, offer_id=class_1.pk, unit_price_paise=9_000_00)]
    )
    receipt = next(
        r
        for r in open_packet(bid, submission, sealing.TECHNICAL)["receipts"]
        if r["kind"] == "bids.mii_reservation"
    )
    assert receipt["rules"] == ["MII-3"]
    assert receipt["inputs"] == {"reserved_for": ["CLASS_1"], "classes": {"1": "CLASS_1"}}


def test_mii3_a_bid_reserved_for_class_1_and_2_admits_class_2(market, verified):
    bid = purifier_bid(market, mii_reservation=Bid.MiiReservation.CLASS_1_2)
    class_2 = _local_offer(market, 30)
    submit(
        market, bid, items=[ItemInput(position=1, offer_id=class_2.pk, unit_price_paise=9_000_00)]
    )
    with pytest.raises(ValidationFailed):
        submit(market, bid)  # the non-local Tata offer


# --- what the seller reads ------------------------------------------------------------------


def test_bid5_the_seller_reads_its_sealed_receipt_then_its_opened_packets(market, verified):
    from kraya.accounts.selectors import actor_for
    from kraya.bids.models import TechnicalEvaluation

    world = market.world
    bid = purifier_bid(market)
    submit(market, bid, documents=[DocumentInput("spec.pdf", "application/pdf", PDF)])
    mine = actor_for(user=world.seller_admin)
    view = selectors.own_submission_get(actor=mine, bid=bid)
    assert (view.revision, view.documents_count, view.technical, view.financial, view.prices) == (
        1,
        1,
        None,
        None,
        {},
    )
    for user in (world.other_seller_admin, world.buyer, world.primary, world.operator):
        with pytest.raises(NotFound):
            selectors.own_submission_get(actor=actor_for(user=user), bid=bid)
    with clock.frozen_at(bid.opening_at):
        opening.technical_open(bid_id=bid.pk)
    view = selectors.own_submission_get(actor=mine, bid=bid)
    assert view.technical is not None and view.technical["items"][0]["title"] == "Tata purifier 9 L"
    assert view.financial is None and [d.file_name for d in view.documents] == ["spec.pdf"]
    TechnicalEvaluation.objects.create(
        submission=view.submission, qualified=True, evaluated_by=world.buyer
    )
    with clock.frozen_at(bid.opening_at + dt.timedelta(days=1)):
        opening.financial_open(bid_id=bid.pk)
    view = selectors.own_submission_get(actor=mine, bid=bid)
    assert view.prices == {1: {"unit_price_paise": 9_500_00, "quantity": 100}}
