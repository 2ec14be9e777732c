"""RA-1..4: reverse auctions after the financial opening.

- `auction_start`: the office's Buyer starts the auction of every lot with a
  BID-7 ranking: RA-1 qualification (receipt on the auction), the start price
  (the qualified L1) and the times (RA-3); the bid moves to REVERSE_AUCTION.
- `auction_bid`: THE hot path. Under the auction's row lock a bid gets the
  next sequence number and is logged, accepted or refused (RA-2 decrement,
  the window); an accepted bid moves the bidder's last price and may extend
  the end (RA-3). `client_ref` makes a retry answer the first outcome.
- `auction_tick`: the clock: SCHEDULED to LIVE at the start, close at the end.
- `auction_close`: RA-4, the ranking replayed from the stored log must equal
  the live ranking (else `AuctionReplayMismatch`, loudly); the result receipt
  goes on the auction and the lot; when every auction of the bid is closed
  the bid moves to MATCHING and the purchase-preference invitations follow.

Each bid is a row of the bid log (`AuctionBid`), which is the record; the
audit log gets the state changes (start, live, close), not each bid.

`auction_bid` is the general path (every caller, both databases). A fresh
bid sent to the API with a token on PostgreSQL takes `auction_hot` instead
(one round trip, the same answer), which leaves everything else here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from kraya.accounts.models import User
from kraya.accounts.selectors import Actor, actor_for
from kraya.bids import rules, states
from kraya.bids.models import Auction, AuctionBid, AuctionEntry, Bid, BidLot, Submission
from kraya.bids.rules.auction import QualificationRule
from kraya.bids.selectors import may_see_bid
from kraya.bids.selectors.auction import (
    BIDDING_ROLES,
    bidders_ahead,
    bidding_firm_ids,
    entry_rank,
)
from kraya.bids.services._common import (
    MESSAGES,
    bid_policy,
    conflict,
    denied,
    invalid,
    message,
    require_office_buyer,
)
from kraya.bids.services.opening import lot_ranking
from kraya.bids.services.transitions import bid_locked, bid_transition
from kraya.core import audit, clock
from kraya.core.errors import NotFound

MESSAGES.update(
    {
        "bids.ra_not_enabled": _("This bid has no reverse auction."),
        "bids.ra_too_few_bidders": _(
            "Too few bidders qualify for a reverse auction on any lot (RA-1)."
        ),
        "bids.ra_start_in_past": _("The reverse auction cannot start in the past."),
        "bids.ra_not_qualified": _("Only the bidders qualified for this auction may bid (RA-1)."),
        "bids.ra_not_started": _("The reverse auction has not started yet."),
        "bids.ra_closed": _("The reverse auction is closed."),
        "bids.ra_not_ended": _("The reverse auction has not reached its end time."),
        "bids.ra_decrement_too_small": _(
            "Your bid must be below your last bid (or the start price) by at least the "
            "minimum decrement (RA-2)."
        ),
        "bids.ra_price_invalid": _("Enter a price in paise, a whole number above zero."),
        "bids.ra_client_ref_invalid": _(
            "Send a client reference of 1 to 64 characters with every bid."
        ),
        "bids.ra_accepted": _("Your bid is accepted."),
        "bids.ra_bid_at_most": _("Bid at most %(price)s."),
    }
)


class AuctionReplayMismatch(RuntimeError):
    """RA-4 broken: the ranking replayed from the stored log differs from the
    live ranking: a bid was lost or counted twice. Never caught: it must stop
    the close and be seen."""


@dataclass(frozen=True, slots=True)
class BidOutcome:
    """What a bidder learns of its bid (RA-2: its own rank, never others'
    prices or names)."""

    auction_id: int
    accepted: bool
    code: str
    message: str
    sequence: int
    price_paise: int
    own_rank: int
    own_last_paise: int | None
    min_next_bid_paise: int
    end_at: dt.datetime
    time_left_s: int
    replayed: bool  # a retry with the same client_ref: the first answer


# --- reads shared with the selectors -------------------------------------------------------


def _time_left(auction: Auction, now: dt.datetime) -> int:
    return max(0, int((auction.end_at - now).total_seconds()))


def _min_next(auction: Auction, entry: AuctionEntry) -> int:
    ceiling = entry.last_price_paise or auction.start_price_paise
    return max(0, ceiling - auction.min_decrement_paise)


# --- RA-1: start ---------------------------------------------------------------------------


def _lot_quotes(lot: BidLot) -> list[rules.Quote]:
    ranking = lot_ranking(lot)  # replays the stored BID-7 receipt
    if ranking is None:
        return []
    return [rules.Quote.from_json(item) for item in ranking.receipt.inputs["quotes"]]


def auction_start(
    *, acting_user: Any, bid: Bid, starts_at: dt.datetime | None = None
) -> list[Auction]:
    """RA-1, RA-3: the office's Buyer starts a reverse auction on every lot
    where enough bidders qualify (the others keep their BID-7 ranking; their
    qualification receipts go on the bid). Starts now, or at `starts_at`."""
    with transaction.atomic():
        locked = bid_locked(bid.pk)
        actor = require_office_buyer(acting_user, locked.office)
        if locked.status != states.FINANCIAL_EVALUATION:
            raise conflict("bids.wrong_state", status=locked.get_status_display())
        if not locked.reverse_auction:
            raise conflict("bids.ra_not_enabled")
        now = clock.now()
        start = starts_at or now
        if start.tzinfo is None or start < now:
            raise invalid("starts_at", "bids.ra_start_in_past")
        policy = bid_policy(locked)
        rule: QualificationRule | None = None
        if locked.ra_qualification == Bid.RaQualification.LOWEST_PERCENT:
            rule = "lowest_percent"
        elif locked.ra_qualification == Bid.RaQualification.H1_ELIMINATION:
            rule = "h1_elimination"
        firms = dict(Submission.objects.filter(bid=locked).values_list("pk", "seller_firm_id"))
        created: list[Auction] = []
        not_held: list[dict[str, Any]] = []
        for lot in BidLot.objects.filter(bid=locked).order_by("number"):
            quotes = _lot_quotes(lot)
            if not quotes:
                continue
            qualification = rules.ra_qualification(
                quotes=quotes, policy=policy, seed=locked.tie_break_seed, rule=rule
            )
            if not qualification.held:
                not_held.append(qualification.receipt.as_dict())
                continue
            by_id = {quote.bidder_id: quote for quote in quotes}
            qualified = [by_id[bidder_id] for bidder_id in qualification.qualified]
            opened = rules.ra_open(
                qualified=qualified, starts_at=start, seed=locked.tie_break_seed, policy=policy
            )
            auction = Auction.objects.create(
                lot=lot,
                status=Auction.Status.LIVE if start <= now else Auction.Status.SCHEDULED,
                starts_at=start,
                scheduled_end_at=opened.scheduled_end_at,
                end_at=opened.end_at,
                start_price_paise=opened.start_price_paise,
                min_decrement_paise=rules.min_decrement_paise(opened.start_price_paise, policy),
                seed=locked.tie_break_seed,
                policy_version=policy.version,
                qualification=qualification.receipt.as_dict(),
            )
            AuctionEntry.objects.bulk_create(
                AuctionEntry(
                    auction=auction,
                    submission_id=int(quote.bidder_id),
                    seller_firm_id=firms[int(quote.bidder_id)],
                    quote_paise=quote.price_paise,
                )
                for quote in qualified
            )
            created.append(auction)
        if not created:
            raise conflict("bids.ra_too_few_bidders")
        bid_transition(
            bid_id=locked.pk,
            event=states.START_AUCTION,
            actor=actor.user,
            changes={"receipts": [*locked.receipts, *not_held]} if not_held else None,
            payload={
                "auctions": [
                    {
                        "lot": auction.lot.number,
                        "auction_id": auction.pk,
                        "starts_at": auction.starts_at.isoformat(),
                        "bidders": len(auction.qualification["outcome"]["qualified"]),
                    }
                    for auction in created
                ]
            },
        )
        return created


# --- RA-2, RA-3: a bid (the hot path) ------------------------------------------------------


def _checked_input(price_paise: Any, client_ref: Any) -> tuple[int, str]:
    if isinstance(price_paise, bool) or not isinstance(price_paise, int) or price_paise <= 0:
        raise invalid("price_paise", "bids.ra_price_invalid")
    if not isinstance(client_ref, str) or not 1 <= len(client_ref.strip()) <= 64:
        raise invalid("client_ref", "bids.ra_client_ref_invalid")
    return price_paise, client_ref.strip()


def _refusal(
    auction: Auction, entry: AuctionEntry, price: int, at: dt.datetime, policy: Any
) -> str:
    """The same checks, in the same order, as `rules.ra_apply` on the log."""
    if at < auction.starts_at:
        return "bids.ra_not_started"
    if at >= auction.end_at:
        return "bids.ra_closed"
    return rules.ra_bid_check(
        price_paise=price,
        own_last_paise=entry.last_price_paise,
        start_price_paise=auction.start_price_paise,
        policy=policy,
    ).code


def _outcome(
    auction: Auction,
    entry: AuctionEntry,
    row: AuctionBid,
    now: dt.datetime,
    *,
    replayed: bool,
    rank: int | None = None,
) -> BidOutcome:
    return BidOutcome(
        auction_id=auction.pk,
        accepted=not row.code,
        code=row.code or "bids.ra_accepted",
        message=message(row.code or "bids.ra_accepted"),
        sequence=row.sequence,
        price_paise=row.price_paise,
        own_rank=entry_rank(auction, entry) if rank is None else rank,
        own_last_paise=entry.last_price_paise,
        min_next_bid_paise=_min_next(auction, entry),
        end_at=auction.end_at,
        time_left_s=_time_left(auction, now),
        replayed=replayed,
    )


def auction_bid(
    *,
    acting_user: User | Actor,
    auction_id: int,
    price_paise: Any,
    client_ref: Any,
    token_membership_id: int | None = None,
) -> BidOutcome:
    """RA-2..4: one bid of a qualified bidder. Strictly ordered by the
    auction's row lock: the bid is logged with the next sequence number,
    accepted or refused with its code (a refused bid is a record too and
    stays logged; the caller answers 409 with the code). A retry with the same
    `client_ref` answers the first outcome and logs nothing new.

    `acting_user` is an Actor, or a User (the API's hot path: the bidder's
    memberships are then joined into the entry's query instead of loaded;
    `token_membership_id` limits an API token to its one membership).

    Every bid of an auction queues on the auction's row lock, so as little
    as possible happens under it (`_log_bid`): first the bidder's own entry is
    locked (its last price is then fresh; one bidder's requests queue on their
    own row) together with the retry look-up; then one statement takes the
    auction's lock and the next sequence number. On PostgreSQL the
    transaction commits without waiting for the disk, which releases the
    lock at once, and the answer waits for the flush instead (`_durable`,
    with the rank in the same statement): no accepted answer is ever sent
    for a bid a crash could lose. About nine statements per bid."""
    price, ref = _checked_input(price_paise, client_ref)
    # Only a transaction of our own may commit without waiting for the disk.
    own = connection.vendor == "postgresql" and not connection.in_atomic_block
    try:
        return _bid_once(acting_user, auction_id, price, ref, token_membership_id, own=own)
    except IntegrityError:
        # A twin with the same client_ref committed while this request waited
        # for the bidder's row: the second try finds it and answers the same.
        return _bid_once(acting_user, auction_id, price, ref, token_membership_id, own=own)


def _bidder_filter(acting_user: User | Actor, token_membership_id: int | None) -> Q | None:
    if isinstance(acting_user, Actor):
        firm_ids = bidding_firm_ids(acting_user)
        return Q(seller_firm_id__in=firm_ids) if firm_ids else None
    found = Q(
        seller_firm__memberships__user=acting_user,
        seller_firm__memberships__is_active=True,
        seller_firm__memberships__role__in=BIDDING_ROLES,
    )
    if token_membership_id is not None:
        found &= Q(seller_firm__memberships__pk=token_membership_id)
    return found


def _bid_once(
    acting_user: User | Actor,
    auction_id: int,
    price: int,
    ref: str,
    token_membership_id: int | None,
    *,
    own: bool,
) -> BidOutcome:
    user = acting_user.user if isinstance(acting_user, Actor) else acting_user
    bidder = _bidder_filter(acting_user, token_membership_id)
    with transaction.atomic():
        if own:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        entry = (
            AuctionEntry.objects.select_for_update(of=("self",))
            .select_related("auction__lot__bid")
            .only(*HOT_ENTRY_FIELDS)
            .filter(bidder, auction_id=auction_id)
            .annotate(
                earlier_id=Subquery(
                    AuctionBid.objects.filter(entry_id=OuterRef("pk"), client_ref=ref).values("pk")[
                        :1
                    ]
                )
            )
            .order_by("pk")
            .first()
            if bidder is not None
            else None
        )
        if entry is None:
            actor = (
                acting_user
                if isinstance(acting_user, Actor)
                else actor_for(user=acting_user, token_membership_id=token_membership_id)
            )
            _refuse_outsider(actor, auction_id)
        assert entry is not None
        auction = entry.auction
        if entry.earlier_id is not None:
            row, replayed = AuctionBid.objects.get(pk=entry.earlier_id), True
        else:
            if auction.status == Auction.Status.CLOSED:
                raise conflict("bids.ra_closed")
            if auction.lot.bid.status != states.REVERSE_AUCTION:
                raise conflict("bids.wrong_state", status=auction.lot.bid.get_status_display())
            row, replayed = _log_bid(auction, entry, price, ref, user), False
    rank = _durable_rank(auction, entry) if own and not replayed else None
    return _outcome(auction, entry, row, clock.now(), replayed=replayed, rank=rank)


def _refuse_outsider(actor: Actor, auction_id: int) -> None:
    """Not a bidder of this auction: 404 when there is no such auction (or
    its bid is hidden), else 403."""
    auction = Auction.objects.select_related("lot__bid").filter(pk=auction_id).first()
    if auction is None or not may_see_bid(actor, auction.lot.bid):
        raise NotFound(message("bids.ra_not_found"), code="bids.ra_not_found")
    raise denied("bids.ra_not_qualified")


# The hot path reads no JSON (the receipts hold every quote: 200 bidders'
# worth of parsing on each bid otherwise).
HOT_ENTRY_FIELDS = (
    "auction_id",
    "submission_id",
    "seller_firm_id",
    "quote_paise",
    "last_price_paise",
    "last_sequence",
    "auction__lot_id",
    "auction__status",
    "auction__starts_at",
    "auction__scheduled_end_at",
    "auction__end_at",
    "auction__start_price_paise",
    "auction__min_decrement_paise",
    "auction__last_sequence",
    "auction__seed",
    "auction__lot__bid_id",
    "auction__lot__number",
    "auction__lot__bid__status",
    "auction__lot__bid__published_at",
)

_TAKE_SEQUENCE = (
    "UPDATE bids_auction SET last_sequence = last_sequence + 1 "
    "WHERE id = %s AND status <> %s RETURNING id, lot_id, status, starts_at, "
    "scheduled_end_at, end_at, start_price_paise, min_decrement_paise, last_sequence, seed"
)


def _log_bid(held: Auction, entry: AuctionEntry, price: int, ref: str, user: User) -> AuctionBid:
    """Take the auction's row lock and the next sequence number in one
    statement, apply the pure rules to the fresh row (RA-2 price, the window,
    RA-3 extension), log the bid and apply it to the entry and the auction."""
    taken = list(Auction.objects.raw(_TAKE_SEQUENCE, [held.pk, Auction.Status.CLOSED]))
    if not taken:
        raise conflict("bids.ra_closed")
    auction = taken[0]
    held.status, held.end_at, held.last_sequence = (
        auction.status,
        auction.end_at,
        auction.last_sequence,
    )
    now = clock.now()
    policy = bid_policy(held.lot.bid)
    code = _refusal(auction, entry, price, now, policy)
    sequence = auction.last_sequence
    row = AuctionBid.objects.create(
        auction_id=auction.pk,
        sequence=sequence,
        entry=entry,
        price_paise=price,
        at=now,
        code=code,
        client_ref=ref,
        placed_by=user,
        created_at=now,
    )
    if code:
        return row
    entry.last_price_paise = price
    entry.last_sequence = sequence
    AuctionEntry.objects.filter(pk=entry.pk).update(last_price_paise=price, last_sequence=sequence)
    changes: dict[str, Any] = {}
    end = rules.ra_extended_end(
        bid_at=now, end_at=auction.end_at, scheduled_end_at=auction.scheduled_end_at, policy=policy
    )
    if end != auction.end_at:
        changes["end_at"] = held.end_at = end
    if auction.status == Auction.Status.SCHEDULED:
        changes["status"] = held.status = Auction.Status.LIVE
    if changes:
        Auction.objects.filter(pk=auction.pk).update(**changes)
    return row


def _durable_rank(auction: Auction, entry: AuctionEntry) -> int:
    """Wait until everything this connection committed is on disk, and count
    the bidders ahead, in one statement: a tiny transactional WAL record
    committed synchronously flushes the WAL up to it, and so the bid's own
    commit before it (PostgreSQL groups the flushes of concurrent callers,
    none of them holding the auction's lock)."""
    ahead = bidders_ahead(auction, entry)
    with connection.cursor() as cursor:
        if ahead is None:
            cursor.execute(f"SELECT {_FLUSH}")
            return entry_rank(auction, entry)
        # The ORM's own SQL for the count, its values bound as parameters.
        sql, params = ahead.values("pk").query.sql_with_params()
        counted = f"SELECT {_FLUSH}, (SELECT count(*) FROM ({sql}) AS ahead)"  # noqa: S608
        cursor.execute(counted, params)
        found = cursor.fetchone()
    return int(found[1]) + 1


_FLUSH = "pg_logical_emit_message(true, 'kraya.ra', '')"


# --- RA-3, RA-4: the clock and the close ---------------------------------------------------


def _live_state(auction: Auction, entries: list[AuctionEntry]) -> rules.AuctionState:
    return rules.AuctionState(
        quotes={str(e.submission_id): e.quote_paise for e in entries},
        seed=auction.seed,
        start_price_paise=auction.start_price_paise,
        starts_at=auction.starts_at,
        scheduled_end_at=auction.scheduled_end_at,
        end_at=auction.end_at,
        last_sequence=auction.last_sequence,
        last={
            str(e.submission_id): (e.last_price_paise, e.last_sequence)
            for e in entries
            if e.last_price_paise is not None and e.last_sequence is not None
        },
    )


def auction_replay(auction: Auction, policy: Any) -> rules.AuctionResult:
    """RA-4: the auction replayed from its stored log."""
    entries = {e.pk: e for e in AuctionEntry.objects.filter(auction_id=auction.pk)}
    log = [
        rules.AuctionBid(
            sequence=row.sequence,
            bidder_id=str(entries[row.entry_id].submission_id),
            price_paise=row.price_paise,
            at=row.at,
        )
        for row in AuctionBid.objects.filter(auction_id=auction.pk).order_by("sequence")
    ]
    return rules.ra_replay(
        qualified=[
            rules.Quote(bidder_id=str(e.submission_id), price_paise=e.quote_paise)
            for e in entries.values()
        ],
        starts_at=auction.starts_at,
        bids=log,
        seed=auction.seed,
        policy=policy,
    )


def auction_check(auction: Auction, policy: Any) -> rules.AuctionResult:
    """RA-4: replay the log and compare with the live rows; raises
    `AuctionReplayMismatch` when they differ (a lost or duplicated bid)."""
    result = auction_replay(auction, policy)
    live = _live_state(auction, list(AuctionEntry.objects.filter(auction_id=auction.pk)))
    problems = []
    if result.ranking != live.ranking():
        problems.append("ranking")
    if result.state.last_sequence != auction.last_sequence:
        problems.append("last sequence")
    if result.end_at != auction.end_at:
        problems.append("end time")
    if problems:
        raise AuctionReplayMismatch(
            f"RA-4: auction {auction.pk} replayed from its log differs from the live state "
            f"in its {', '.join(problems)}"
        )
    return result


def auction_close(auction_id: int, *, now: dt.datetime | None = None) -> Auction:
    """RA-4 at the end time: the result replayed from the log (equal to the
    live ranking, or `AuctionReplayMismatch`), stored on the auction and its
    lot. Idempotent: a closed auction is returned as it is. When it is the
    bid's last open auction, the bid moves to MATCHING and the preference
    invitations are made in the same transaction."""
    with transaction.atomic():
        auction = (
            Auction.objects.select_for_update(of=("self",))
            .select_related("lot__bid")
            .filter(pk=auction_id)
            .first()
        )
        if auction is None:
            raise NotFound(message("bids.ra_not_found"), code="bids.ra_not_found")
        if auction.status == Auction.Status.CLOSED:
            return auction
        now = now or clock.now()
        if now < auction.end_at:
            raise conflict("bids.ra_not_ended")
        bid = auction.lot.bid
        result = auction_check(auction, bid_policy(bid))
        receipt = result.receipt.as_dict()
        auction.status = Auction.Status.CLOSED
        auction.result = receipt
        auction.closed_at = now
        auction.save(update_fields=["status", "result", "closed_at"])
        BidLot.objects.filter(pk=auction.lot_id).update(auction_result=receipt)
        audit.record(
            actor=None,
            action="bids.auction_closed",
            target=auction,
            payload={
                "bid": bid.number,
                "lot": auction.lot.number,
                "bids": auction.last_sequence,
                "accepted": len(result.state.accepted),
                "l1": result.ranking[0].bidder_id,
                "l1_price_paise": result.ranking[0].price_paise,
            },
        )
        still_open = (
            Auction.objects.filter(lot__bid_id=bid.pk)
            .exclude(status=Auction.Status.CLOSED)
            .exists()
        )
        if not still_open and bid.status == states.REVERSE_AUCTION:
            bid_transition(
                bid_id=bid.pk,
                event=states.CLOSE_AUCTION,
                actor=None,
                payload={"auctions": Auction.objects.filter(lot__bid_id=bid.pk).count()},
            )
            from kraya.bids.services import preferences

            preferences.invitations_create(bid_id=bid.pk, actor=None)
        return auction


def auction_tick(now: dt.datetime | None = None) -> int:
    """The clock (every minute): SCHEDULED auctions go LIVE at their start;
    auctions past their end close (`auction_close`). Returns how many changed."""
    moment = now or clock.now()
    changed = 0
    with transaction.atomic():
        due = list(
            Auction.objects.select_for_update()
            .filter(status=Auction.Status.SCHEDULED, starts_at__lte=moment, end_at__gt=moment)
            .order_by("pk")
        )
        for auction in due:
            auction.status = Auction.Status.LIVE
            auction.save(update_fields=["status"])
            audit.record(
                actor=None,
                action="bids.auction_live",
                target=auction,
                payload={"starts_at": auction.starts_at.isoformat()},
            )
            changed += 1
    ending = (
        Auction.objects.exclude(status=Auction.Status.CLOSED)
        .filter(end_at__lte=moment)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for auction_id in list(ending):
        auction_close(auction_id, now=moment)
        changed += 1
    return changed


__all__ = [
    "AuctionReplayMismatch",
    "BidOutcome",
    "auction_bid",
    "auction_check",
    "auction_close",
    "auction_replay",
    "auction_start",
    "auction_tick",
]
