"""BID-5: a seller's sealed submission to a published bid, its revisions and
its withdrawal; the eligibility checks taken at submission (KYC, KYC-4
land border, BID-1/BID-2 eligibility and EMD, MII-3 reservation).

- `submission_submit`: submit or revise (same row, `revision + 1`, both
  packets replaced) while the bid is published and before its end;
- `submission_withdraw`: before the end (the packets stay sealed for ever);
  after it the seller is told that withdrawing forfeits per policy.

What is sealed (see `kraya.bids.packets`): the technical packet (the offered
products, the seller profile, the declarations and the decision receipts of
the checks) and the financial packet (unit prices and offered quantities),
each to the bid's public key for that packet; each document separately, to
the technical key. Nothing of it is kept in clear: not in a column, not in
the audit log (which holds the bid, the firm, the revision and the digest)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import SellerFirm
from kraya.bids import packets, rules, sealing, states
from kraya.bids.models import Bid, BidItem, BidKeys, Submission, SubmissionDocument
from kraya.bids.selectors import may_see_bid
from kraya.bids.services._common import (
    MESSAGES,
    bid_policy,
    conflict,
    message,
    not_found,
    require_bidding_seller,
)
from kraya.bids.services.transitions import bid_locked
from kraya.catalog.models import Offer
from kraya.core import audit, clock
from kraya.core.display import format_ist
from kraya.core.errors import NotFound, ValidationFailed
from kraya.core.money import format_rupees
from kraya.core.policy import Policy
from kraya.core.receipts import DecisionReceipt
from kraya.sellers import rules as seller_rules
from kraya.sellers.models import Registration, SocialCategory

MESSAGES.update(
    {
        "bids.submission_closed": _(
            "This bid has ended: submissions and revisions are no longer accepted."
        ),
        "bids.submission_withdrawn": _(
            "Your firm withdrew its submission to this bid; it cannot submit again."
        ),
        "bids.no_submission": _("Your firm has no submission to this bid."),
        "bids.seller_barred": _(
            "Your firm is suspended or debarred (INC-2) and cannot submit bids until %(until)s."
        ),
        "bids.already_withdrawn": _("This submission is already withdrawn."),
        "bids.withdrawal_after_end": _(
            "This bid has ended: a submission can no longer be withdrawn. Withdrawing after "
            "the end forfeits the EMD (and may bar the firm) per policy (BID-5)."
        ),
        "bids.items_required": _("Quote at least one item."),
        "bids.all_items_required": _("This bid is evaluated on the total value: quote every item."),
        "bids.whole_lot_required": _(
            "Quote every item of lot %(lot)s, or none of them (the lot is ranked as one)."
        ),
        "bids.unknown_item": _("This bid has no item %(position)s."),
        "bids.item_twice": _("Item %(position)s is quoted twice."),
        "bids.offer_required": _("Choose one of your listed offers for this item."),
        "bids.offer_not_yours": _("This is not a listed offer of your firm."),
        "bids.offer_wrong_category": _("This offer is not in the item's category."),
        "bids.offer_spec_not_met": _(
            "This offer does not meet the item's golden parameters (%(missed)s)."
        ),
        "bids.description_required": _("Describe what you offer for this item."),
        "bids.price_positive": _("Enter a unit price above zero."),
        "bids.quantity_out_of_range": _("Offer between 1 and %(quantity)s."),
        "bids.local_content_out_of_range": _("Local content is a percentage from 0 to 100."),
        "bids.kyc_not_verified": _(
            "Your firm's registration (KYC) must be verified before it can bid."
        ),
        "bids.firm_inactive": _("Your firm is not active on the portal."),
        "kyc.land_border_registration_missing": _(
            "A seller from a country sharing a land border with India needs a valid "
            "registration with the competent authority to bid (KYC-4)."
        ),
        "kyc.land_border_registration_expired": _(
            "Your land-border registration has expired: renew it to bid (KYC-4)."
        ),
        "bids.not_eligible": _(
            "Your firm does not meet this bid's eligibility criteria: %(missed)s."
        ),
        "bids.mii_reserved": _(
            "This bid is reserved for %(classes)s local suppliers; item %(position)s is offered "
            "as %(mii_class)s (MII-3)."
        ),
        "bids.emd_reference_required": _(
            "Give the EMD reference (bank guarantee or payment reference) for %(amount)s (BID-2)."
        ),
        "bids.document_type": _("Upload a PDF, JPEG or PNG file."),
        "bids.document_too_large": _("Each document may be at most %(limit_mb)s MB."),
        "bids.too_many_documents": _("At most %(limit)s documents."),
        "bids.document_name_required": _("A document needs a file name."),
    }
)

# Like the catalogue's uploads (`kraya.catalog.views.seller.MAX_UPLOAD_BYTES`).
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
MAX_DOCUMENTS = 5
MAX_UNIT_PRICE_PAISE = 10**15
# The first bytes of each accepted document type: the declared type must match.
DOCUMENT_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
MII_LABELS = {rules.CLASS_1: "Class-I", rules.CLASS_2: "Class-II", rules.NON_LOCAL: "non-local"}
# KYC-3: MSE benefits go to manufacturers and service providers (the seller
# registration's business type, in the bid rules' words).
BUSINESS_TYPE_CATEGORY = {
    seller_rules.MANUFACTURER: rules.MANUFACTURER,
    seller_rules.SERVICE_PROVIDER: rules.SERVICE_PROVIDER,
    seller_rules.TRADER: rules.TRADER,
}


@dataclass(frozen=True)
class ItemInput:
    """One quoted item: a catalogue item names the firm's listed offer, a BOQ
    line describes what is offered (and may state its local content, MII-1)."""

    position: int
    unit_price_paise: int
    offer_id: int | None = None
    description: str = ""
    quantity: int | None = None
    local_content_percent: int | None = None
    remarks: str = ""


@dataclass(frozen=True)
class DocumentInput:
    file_name: str
    content_type: str
    content: bytes


# --- helpers ---------------------------------------------------------------------------------


class _Errors:
    """Field errors collected over a whole submission, raised together."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.code = ""

    def add(self, field: str, code: str, **params: Any) -> None:
        self.fields.setdefault(field, []).append(message(code, **params))
        self.code = self.code or code

    def raise_any(self) -> None:
        if self.fields:
            first = next(iter(self.fields.values()))[0]
            raise ValidationFailed(first, code=self.code, fields=self.fields)


def _check_documents(documents: Sequence[DocumentInput], errors: _Errors) -> None:
    if len(documents) > MAX_DOCUMENTS:
        errors.add("documents", "bids.too_many_documents", limit=MAX_DOCUMENTS)
        return
    for document in documents:
        magic = DOCUMENT_TYPES.get(document.content_type)
        if not document.file_name.strip():
            errors.add("documents", "bids.document_name_required")
        elif magic is None or not document.content.startswith(magic):
            errors.add("documents", "bids.document_type")
        elif len(document.content) > MAX_DOCUMENT_BYTES:
            errors.add(
                "documents", "bids.document_too_large", limit_mb=MAX_DOCUMENT_BYTES // 1024**2
            )


def _golden_missed(golden: Mapping[str, Any], specs: Mapping[str, Any]) -> list[str]:
    return sorted(code for code, value in golden.items() if str(specs.get(code)) != str(value))


def _offer_for(item: BidItem, quoted: ItemInput, firm: SellerFirm, errors: _Errors) -> Offer | None:
    """CAT-2: the firm's own listed offer, in the item's category, meeting
    the item's golden parameters (BID-1)."""
    field = f"items.{item.position}.offer_id"
    if quoted.offer_id is None:
        errors.add(field, "bids.offer_required")
        return None
    offer = (
        Offer.objects.select_related("product", "product__brand", "seller_firm")
        .filter(pk=quoted.offer_id, seller_firm=firm)
        .first()
    )
    if offer is None or not offer.is_listed:
        errors.add(field, "bids.offer_not_yours")
        return None
    if offer.category_id != item.category_id:
        errors.add(field, "bids.offer_wrong_category")
        return None
    missed = _golden_missed(item.golden_specs or {}, offer.product.specs or {})
    if missed:
        errors.add(field, "bids.offer_spec_not_met", missed=", ".join(missed))
        return None
    return offer


def _technical_item(
    item: BidItem, quoted: ItemInput, firm: SellerFirm, policy: Policy, errors: _Errors
) -> dict[str, Any] | None:
    """The technical packet's line for one quoted item (packets.py)."""
    if item.category_id is not None:
        offer = _offer_for(item, quoted, firm, errors)
        if offer is None:
            return None
        product = offer.product
        return {
            "position": item.position,
            "offer_id": offer.pk,
            "product_id": product.pk,
            "title": product.title,
            "brand": product.brand.name,
            "model": product.model,
            "manufacturer": product.oem or product.brand.name,
            "mii_class": product.mii_class,
            "local_content_percent": product.local_content_percent,
            "specs": {str(k): str(v) for k, v in (product.specs or {}).items()},
            "remarks": quoted.remarks.strip(),
        }
    description = quoted.description.strip()
    if not description:
        errors.add(f"items.{item.position}.description", "bids.description_required")
        return None
    local = quoted.local_content_percent or 0
    if not 0 <= local <= 100:
        errors.add(
            f"items.{item.position}.local_content_percent", "bids.local_content_out_of_range"
        )
        return None
    return {
        "position": item.position,
        "offer_id": None,
        "product_id": None,
        "title": description[:500],
        "brand": "",
        "model": "",
        "manufacturer": "",
        "mii_class": rules.mii_class_of(Decimal(local), policy),
        "local_content_percent": local,
        "specs": {},
        "remarks": quoted.remarks.strip(),
    }


def _financial_item(item: BidItem, quoted: ItemInput, errors: _Errors) -> dict[str, Any] | None:
    price = quoted.unit_price_paise
    quantity = item.quantity if quoted.quantity is None else quoted.quantity
    ok = True
    if not isinstance(price, int) or not 0 < price < MAX_UNIT_PRICE_PAISE:
        errors.add(f"items.{item.position}.unit_price_paise", "bids.price_positive")
        ok = False
    if not 1 <= quantity <= item.quantity:
        errors.add(
            f"items.{item.position}.quantity", "bids.quantity_out_of_range", quantity=item.quantity
        )
        ok = False
    return (
        {"position": item.position, "unit_price_paise": price, "quantity": quantity} if ok else None
    )


def _coverage(
    bid: Bid, bid_items: dict[int, BidItem], quoted: Sequence[ItemInput], errors: _Errors
) -> None:
    """Which items must be quoted: all (TOTAL), or whole lots (ITEM/GROUP)."""
    positions = [q.position for q in quoted]
    if not positions:
        errors.add("items", "bids.items_required")
        return
    seen: set[int] = set()
    for position in positions:
        if position not in bid_items:
            errors.add("items", "bids.unknown_item", position=position)
        elif position in seen:
            errors.add("items", "bids.item_twice", position=position)
        seen.add(position)
    if bid.evaluation_basis == Bid.EvaluationBasis.TOTAL:
        if set(bid_items) - seen:
            errors.add("items", "bids.all_items_required")
        return
    by_lot: dict[int, set[int]] = {}
    numbers: dict[int, int] = {}
    for item in bid_items.values():
        by_lot.setdefault(item.lot_id, set()).add(item.position)
        numbers[item.lot_id] = item.lot.number
    for lot_id, lot_positions in sorted(by_lot.items(), key=lambda entry: numbers[entry[0]]):
        if lot_positions & seen and lot_positions - seen:
            errors.add("items", "bids.whole_lot_required", lot=numbers[lot_id])


# --- the seller's eligibility ------------------------------------------------------------------


def _receipt(
    kind: str, rule: str, allowed: bool, code: str, inputs: dict[str, Any], policy: Policy
) -> DecisionReceipt:
    return DecisionReceipt(
        kind=kind,
        rules=(rule,),
        policy=(policy.receipt("bids"),),
        inputs=inputs,
        outcome={"allowed": allowed, "code": code},
        message=code or f"{kind}.ok",
        params=inputs,
    )


def _verified_registration(
    firm: SellerFirm, policy: Policy, errors: _Errors
) -> tuple[Registration | None, list[DecisionReceipt]]:
    """KYC: the firm's registration must be verified; KYC-4: a seller from a
    land-border country bids only while its registration there is valid."""
    registration = Registration.objects.filter(firm=firm).first()
    verified = (
        registration is not None
        and registration.status == Registration.Status.VERIFIED
        and firm.is_active
    )
    code = (
        ""
        if verified
        else ("bids.firm_inactive" if not firm.is_active else "bids.kyc_not_verified")
    )
    receipts = [
        _receipt(
            "bids.kyc",
            "KYC-1",
            verified,
            code,
            {"seller_firm_id": firm.pk, "status": registration.status if registration else ""},
            policy,
        )
    ]
    if not verified or registration is None:
        errors.add("kyc", code)
        return None, receipts
    today = clock.today_ist()
    decision = seller_rules.may_bid_land_border(
        land_border_country=registration.land_border_country,
        valid_until=registration.land_border_registration_valid_until,
        today=today,
    )
    valid_until = registration.land_border_registration_valid_until
    receipts.append(
        _receipt(
            "bids.land_border",
            decision.rule,
            decision.allowed,
            decision.code,
            {
                "land_border_country": registration.land_border_country,
                "valid_until": valid_until.isoformat() if valid_until else None,
                "today": today.isoformat(),
            },
            policy,
        )
    )
    if not decision.allowed:
        errors.add("land_border", decision.code)
    return registration, receipts


def seller_profile(registration: Registration) -> tuple[rules.SellerProfile, list[str]]:
    """BID-2's view of a verified seller, from its KYC record: MSE (a verified
    Udyam category of a micro or small enterprise, KYC-3) and its category
    by business type, DPIIT startup, the registration's annual turnover as
    the latest year, experience from the year established. Past performance
    has no source yet: 0. Also the verified segments."""
    segments = sorted(
        SocialCategory.objects.filter(registration=registration, verified=True).values_list(
            "kind", flat=True
        )
    )
    mse_row = SocialCategory.objects.filter(
        registration=registration, kind=seller_rules.MSE, verified=True
    ).first()
    # KYC-3 / MSE-1: the public procurement preferences are for micro and small enterprises.
    is_mse = mse_row is not None and mse_row.mse_class != seller_rules.MEDIUM
    turnover = registration.annual_turnover_paise
    established = registration.year_established
    experience = max(0, clock.today_ist().year - established) if established else 0
    profile = rules.SellerProfile(
        bidder_id=str(registration.firm_id),
        is_mse=is_mse,
        mse_category=BUSINESS_TYPE_CATEGORY.get(registration.business_type) if is_mse else None,
        is_startup=seller_rules.STARTUP in segments,
        turnover_paise_by_year=(turnover,) if turnover and turnover > 0 else (),
        experience_years=experience,
        past_performance_percent=Decimal(0),
    )
    return profile, segments


def _profile_json(profile: rules.SellerProfile, segments: list[str]) -> dict[str, Any]:
    return {
        "is_mse": profile.is_mse,
        "mse_category": profile.mse_category,
        "is_startup": profile.is_startup,
        "segments": segments,
        "turnover_paise_by_year": list(profile.turnover_paise_by_year),
        "experience_years": profile.experience_years,
        "past_performance_percent": str(profile.past_performance_percent),
    }


def _eligibility(
    bid: Bid, profile: rules.SellerProfile, policy: Policy, errors: _Errors
) -> list[DecisionReceipt]:
    """BID-1/BID-2: the bid's criteria, relaxed for MSEs and startups when the
    buyer enabled it."""
    decision = rules.eligibility_check(
        seller=profile,
        criteria=rules.EligibilityCriteria(
            min_average_turnover_paise=bid.min_average_turnover_paise,
            min_experience_years=bid.min_experience_years,
            min_past_performance_percent=bid.min_past_performance_percent,
            relax_for_mse_and_startups=bid.relax_for_mse_and_startups,
        ),
        policy=policy,
    )
    if not decision.allowed:
        missed = decision.receipt.outcome["missed"]
        labels = {
            "turnover": str(_("average turnover")),
            "experience": str(_("years of experience")),
            "past_performance": str(_("past performance")),
        }
        errors.add("eligibility", "bids.not_eligible", missed=", ".join(labels[m] for m in missed))
    return [decision.receipt]


def _mii_reservation(
    bid: Bid, technical_items: list[dict[str, Any]], policy: Policy, errors: _Errors
) -> list[DecisionReceipt]:
    """MII-3: a reserved bid admits only the classes it names, per item."""
    if bid.mii_reservation == Bid.MiiReservation.NONE:
        return []
    classes = (
        {rules.CLASS_1}
        if bid.mii_reservation == Bid.MiiReservation.CLASS_1
        else {rules.CLASS_1, rules.CLASS_2}
    )
    offers = [
        rules.FinancialOffer(
            bidder_id=str(line["position"]),
            unit_price_paise=1,
            quantity=1,
            mii_class=line["mii_class"],
        )
        for line in technical_items
    ]
    _, excluded = rules.mii_reservation(offers, classes)
    for offer in excluded:
        errors.add(
            f"items.{offer.bidder_id}.offer_id",
            "bids.mii_reserved",
            classes=" / ".join(MII_LABELS[c] for c in sorted(classes)),
            position=offer.bidder_id,
            mii_class=MII_LABELS.get(offer.mii_class, offer.mii_class),
        )
    allowed = not excluded
    return [
        _receipt(
            "bids.mii_reservation",
            "MII-3",
            allowed,
            "" if allowed else "bids.mii_reserved",
            {
                "reserved_for": sorted(classes),
                "classes": {str(line["position"]): line["mii_class"] for line in technical_items},
            },
            policy,
        )
    ]


def _emd(
    bid: Bid,
    profile: rules.SellerProfile,
    declarations: Mapping[str, Any],
    policy: Policy,
    errors: _Errors,
) -> tuple[list[DecisionReceipt], str]:
    """BID-2: exempt sellers give nothing; others an EMD reference."""
    due = rules.emd_due(
        seller=profile,
        estimated_value_paise=bid.estimated_value_paise,
        emd_percent=bid.emd_percent,
        policy=policy,
    )
    reference = str(declarations.get("emd_reference") or "").strip()[:100]
    if due.amount_paise and not reference:
        errors.add(
            "emd_reference", "bids.emd_reference_required", amount=format_rupees(due.amount_paise)
        )
    return [due.receipt], reference if due.amount_paise else ""


# --- the services --------------------------------------------------------------------------------


def _check_not_barred(firm: SellerFirm, now: Any) -> None:
    """INC-2: a suspended or debarred firm may not bid (read from the row, so
    a bar decided a moment ago counts)."""
    fresh = SellerFirm.objects.only("suspended_until", "debarred_until").get(pk=firm.pk)
    if fresh.is_barred(now):
        until = max(d for d in (fresh.suspended_until, fresh.debarred_until) if d and d > now)
        raise conflict("bids.seller_barred", until=format_ist(until))


def _open_bid(acting_user: Any, bid: Bid) -> tuple[Any, SellerFirm, Bid]:
    actor, firm = require_bidding_seller(acting_user)
    if not may_see_bid(actor, bid):
        raise not_found()
    locked = bid_locked(bid.pk)
    return actor, firm, locked


def _seal_documents(
    submission: Submission, documents: Sequence[DocumentInput], public: bytes
) -> None:
    aad = sealing.document_aad(submission.bid_id, submission.seller_firm_id)
    for document in documents:
        plaintext = packets.encode(
            {
                "version": packets.PACKET_VERSION,
                "file_name": document.file_name.strip()[:255],
                "content_type": document.content_type,
                "content_hex": document.content.hex(),
            }
        )
        SubmissionDocument.objects.create(
            submission=submission, sealed=sealing.seal(public, plaintext, aad)
        )


def submission_submit(
    *,
    acting_user: Any,
    bid: Bid,
    items: Sequence[ItemInput],
    documents: Sequence[DocumentInput] | None = None,
    declarations: Mapping[str, Any],
) -> Submission:
    """BID-5: seal and store the firm's offer to `bid`, or revise it (the same
    row, `revision + 1`, both packets replaced). `documents`, when given
    (even empty), replace the sealed documents; None keeps them.
    Refuses with field errors when the seller or its offer does not qualify
    (KYC, KYC-4, BID-1/BID-2, MII-3, EMD); their receipts go into the sealed
    technical packet."""
    with transaction.atomic():
        actor, firm, bid = _open_bid(acting_user, bid)
        now = clock.now()
        if bid.status != states.PUBLISHED:
            raise conflict("bids.wrong_state", status=bid.get_status_display())
        if now >= bid.end_at:
            raise conflict("bids.submission_closed")
        _check_not_barred(firm, now)
        existing = Submission.objects.select_for_update().filter(bid=bid, seller_firm=firm).first()
        if existing is not None and existing.status == Submission.Status.WITHDRAWN:
            raise conflict("bids.submission_withdrawn")
        policy = bid_policy(bid)
        errors = _Errors()
        registration, receipts = _verified_registration(firm, policy, errors)
        bid_items = {
            item.position: item for item in BidItem.objects.filter(bid=bid).select_related("lot")
        }
        _coverage(bid, bid_items, items, errors)
        _check_documents(documents or (), errors)
        technical_items: list[dict[str, Any]] = []
        financial_items: list[dict[str, Any]] = []
        for quoted in sorted(items, key=lambda q: q.position):
            item = bid_items.get(quoted.position)
            if item is None:
                continue
            technical = _technical_item(item, quoted, firm, policy, errors)
            financial = _financial_item(item, quoted, errors)
            if technical is not None and financial is not None:
                technical_items.append(technical)
                financial_items.append(financial)
        emd_reference = ""
        segments: list[str] = []
        profile = None
        if registration is not None:
            profile, segments = seller_profile(registration)
            receipts += _eligibility(bid, profile, policy, errors)
            emd_receipts, emd_reference = _emd(bid, profile, declarations, policy, errors)
            receipts += emd_receipts
        receipts += _mii_reservation(bid, technical_items, policy, errors)
        errors.raise_any()
        assert registration is not None and profile is not None
        technical_packet = {
            "version": packets.PACKET_VERSION,
            "items": technical_items,
            "seller": _profile_json(profile, segments),
            "declarations": {
                "land_border": registration.land_border_country,
                "emd_reference": emd_reference,
            },
            "receipts": [receipt.as_dict() for receipt in receipts],
        }
        financial_packet = {"version": packets.PACKET_VERSION, "items": financial_items}
        keys = BidKeys.objects.get(bid=bid)
        technical_sealed = sealing.seal(
            bytes(keys.technical_public),
            packets.encode(technical_packet),
            sealing.packet_aad(bid.pk, firm.pk, sealing.TECHNICAL),
        )
        financial_sealed = sealing.seal(
            bytes(keys.financial_public),
            packets.encode(financial_packet),
            sealing.packet_aad(bid.pk, firm.pk, sealing.FINANCIAL),
        )
        digest = sealing.digest(technical_sealed, financial_sealed)
        if existing is None:
            submission = Submission.objects.create(
                bid=bid,
                seller_firm=firm,
                submitted_by=actor.user,
                technical_sealed=technical_sealed,
                financial_sealed=financial_sealed,
                sealed_digest=digest,
                submitted_at=now,
                updated_at=now,
            )
            action = "bids.submission_submitted"
        else:
            submission = existing
            submission.submitted_by = actor.user
            submission.revision += 1
            submission.technical_sealed = technical_sealed
            submission.financial_sealed = financial_sealed
            submission.sealed_digest = digest
            submission.updated_at = now
            submission.save()
            action = "bids.submission_revised"
            if documents is not None:
                submission.documents.all().delete()
        if documents:
            _seal_documents(submission, documents, bytes(keys.technical_public))
        # BID-5: no price, product or document name in the log.
        audit.record(
            actor=actor.user,
            action=action,
            target=submission,
            payload={
                "bid": bid.pk,
                "number": bid.number,
                "seller_firm": firm.pk,
                "revision": submission.revision,
                "sealed_digest": digest,
            },
        )
        return submission


def submission_withdraw(*, acting_user: Any, bid: Bid) -> Submission:
    """BID-5: withdraw before the end; the packets stay sealed for ever (a
    withdrawn submission is never opened). After the end: refused, with the
    policy's forfeiture in the message."""
    with transaction.atomic():
        actor, firm, bid = _open_bid(acting_user, bid)
        submission = (
            Submission.objects.select_for_update().filter(bid=bid, seller_firm=firm).first()
        )
        if submission is None:
            raise NotFound(message("bids.no_submission"), code="bids.no_submission")
        if submission.status == Submission.Status.WITHDRAWN:
            raise conflict("bids.already_withdrawn")
        now = clock.now()
        if bid.status != states.PUBLISHED or now >= bid.end_at:
            raise conflict("bids.withdrawal_after_end")
        submission.status = Submission.Status.WITHDRAWN
        submission.withdrawn_at = now
        submission.updated_at = now
        submission.save(update_fields=["status", "withdrawn_at", "updated_at"])
        audit.record(
            actor=actor.user,
            action="bids.submission_withdrawn",
            target=submission,
            payload={
                "bid": bid.pk,
                "number": bid.number,
                "seller_firm": firm.pk,
                "revision": submission.revision,
                "sealed_digest": submission.sealed_digest,
            },
        )
        return submission


def document_inputs_from_json(raw: Sequence[Mapping[str, Any]]) -> list[DocumentInput]:
    """Documents sent as JSON (`file_name`, `content_type`, `content_base64`)."""
    found = []
    for entry in raw:
        try:
            content = base64.b64decode(str(entry.get("content_base64", "")), validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValidationFailed(
                message("bids.document_type"),
                code="bids.document_type",
                fields={"documents": [message("bids.document_type")]},
            ) from error
        found.append(
            DocumentInput(
                file_name=str(entry.get("file_name", "")),
                content_type=str(entry.get("content_type", "")),
                content=content,
            )
        )
    return found


__all__ = [
    "MAX_DOCUMENTS",
    "MAX_DOCUMENT_BYTES",
    "DocumentInput",
    "ItemInput",
    "seller_profile",
    "submission_submit",
    "submission_withdraw",
]
