"""RA-2..4 on PostgreSQL for a bid presented with an API token: the hot path
in one round trip (issue 6: hundreds of bids a second on one auction).

`auction.auction_bid` (the general path) builds about nine statements with
the ORM on every bid; compiling them costs more CPU than the database spends
running them, and each statement it sends under the auction's row lock
keeps the other bidders waiting for a round trip. `auction_bid_by_token`
sends one query string instead (`_OWN_SQL`):

1. a transaction calling `pg_temp.kraya_ra_bid` (`_FUNCTION_SQL`), which
   authenticates the token as `api_token_authenticate` does, locks the
   bidder's entry (one bidder's requests queue on their own row), looks up
   the retry (`client_ref`), takes the auction's row lock and the next
   sequence number, judges the bid on the fresh rows (the window, RA-2, in
   `_refusal`'s order), logs it, moves the entry, applies RA-3 and counts
   the bidders ahead. It commits without waiting for the disk
   (`synchronous_commit` off for this transaction only), which releases the
   auction's lock at once;
2. then waits until that commit is on disk (as `_durable_rank`: no answer
   is sent for a bid a crash could lose).

Whatever else may happen — a malformed, unknown, expired or revoked token, a
caller who is not one of the auction's qualified bidders, a retry, a closed
auction, a bid no longer in REVERSE_AUCTION, SQLite — is not decided here:
the function writes nothing and returns None, and the caller takes the
general path, which answers it exactly. So SQL judges only a fresh bid of a
qualified bidder; its RA-2/RA-3 checks mirror `rules.ra_bid_check` and
`rules.ra_extended_end` with the policy values of the auction's bid
(`_Facts`), and `tests/bids/test_auction_hot.py` holds both paths to the
same answers and the same log."""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass
from typing import Any, cast

from django.db import DatabaseError, IntegrityError, connection, transaction

from kraya.accounts.models import ApiToken, Membership, Role, User
from kraya.accounts.selectors import TOKEN_PREFIX, api_token_hash
from kraya.bids import rules, states
from kraya.bids.models import Auction, AuctionBid, AuctionEntry, Bid, BidLot
from kraya.bids.selectors.auction import entry_rank
from kraya.bids.services._common import bid_policy, message
from kraya.bids.services.auction import _FLUSH, BidOutcome
from kraya.core import clock

# Wider values would fail in the database (bigint): the general path answers them.
_MAX_BIGINT = 2**63 - 1
# `api_token_authenticate` records a token's use at most once a minute.
_LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class TokenBid:
    """A bid decided on the hot path: its outcome, and the token user's
    language (`ApiTokenAuth` activates it for the answer)."""

    outcome: BidOutcome
    language: str


@dataclass(frozen=True, slots=True)
class _Facts:
    """What never changes once an auction has started, with the policy values
    its bids are judged by (`bid_policy` of its bid). Kept per process; every
    bid statement compares the stored columns with them and finds no row to
    bid on when they differ (the entry is then dropped and read again)."""

    starts_at: dt.datetime
    scheduled_end_at: dt.datetime
    start_price_paise: int
    published_at: dt.datetime
    decrement_paise: int
    window: dt.timedelta
    extension: dt.timedelta
    cap_at: dt.datetime


_facts: dict[int, _Facts] = {}
_FACTS_KEPT = 1_000


def _auction_facts(auction_id: int) -> _Facts | None:
    found = _facts.get(auction_id)
    if found is not None:
        return found
    row = (
        Auction.objects.filter(pk=auction_id)
        .values_list("starts_at", "scheduled_end_at", "start_price_paise", "lot__bid__published_at")
        .first()
    )
    if row is None:
        return None
    starts_at, scheduled_end_at, start_price_paise, published_at = row
    if published_at is None:
        return None  # not published: the general path says why
    policy = bid_policy(Bid(published_at=published_at))
    section = policy.reverse_auction
    found = _Facts(
        starts_at=starts_at,
        scheduled_end_at=scheduled_end_at,
        start_price_paise=start_price_paise,
        published_at=published_at,
        decrement_paise=rules.min_decrement_paise(start_price_paise, policy),
        window=dt.timedelta(minutes=section.extension_window_minutes),
        extension=dt.timedelta(minutes=section.extension_minutes),
        cap_at=scheduled_end_at + dt.timedelta(minutes=section.max_total_extension_minutes),
    )
    if len(_facts) >= _FACTS_KEPT:
        _facts.clear()
    _facts[auction_id] = found
    return found


def _table(model: Any) -> str:
    return str(model._meta.db_table)


def _literal(value: str) -> str:
    """A constant of the code (a status, a role) as an SQL string literal."""
    assert value.isidentifier(), value
    return f"'{value}'"


# The bid as one PL/pgSQL function: each of its statements sees what
# committed before it started (READ COMMITTED), so it reads like `_bid_once`
# and `_log_bid`. It lives in the session's temporary schema (created on a
# connection's first bid: `_run_bid`), so it is no part of the schema and
# needs no migration. Outputs are `r_*` (PL/pgSQL variables), inputs `p_*`.
_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION pg_temp.kraya_ra_bid(
    p_key_hash text, p_prefix text, p_auction bigint, p_price bigint, p_ref text,
    p_now timestamptz, p_own boolean, p_starts_at timestamptz,
    p_scheduled_end_at timestamptz, p_start_price bigint, p_published_at timestamptz,
    p_decrement bigint, p_window interval, p_extension interval, p_cap_at timestamptz,
    p_touch_after interval)
RETURNS TABLE (
    r_token_id bigint, r_last_used_at timestamptz, r_language text, r_entry_id bigint,
    r_submission_id bigint, r_quote_paise bigint, r_last_price_paise bigint,
    r_last_sequence bigint, r_earlier_id bigint, r_sequence bigint, r_at timestamptz,
    r_end_at timestamptz, r_min_decrement_paise bigint, r_seed text, r_code text,
    r_ahead bigint)
LANGUAGE plpgsql VOLATILE AS $kraya_ra_bid$
DECLARE
    bidder record;
    auction record;
    previous_at timestamptz;
BEGIN
    IF p_own THEN
        -- Commit without waiting for the disk, this transaction only: the
        -- auction's lock goes at once; the caller waits for the flush.
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    -- `api_token_authenticate` and the token's membership as a bidder of
    -- this auction, whose entry is locked: one bidder's bids queue here.
    SELECT t.id AS token_id, t.last_used_at, u.preferred_language, m.user_id,
        e.id AS entry_id, e.submission_id, e.quote_paise, e.last_price_paise,
        e.last_sequence
    INTO bidder
    FROM {_table(ApiToken)} t
    JOIN {_table(Membership)} m ON m.id = t.membership_id
    JOIN {_table(User)} u ON u.id = m.user_id
    JOIN {_table(AuctionEntry)} e
        ON e.seller_firm_id = m.seller_firm_id AND e.auction_id = p_auction
    WHERE t.key_hash = p_key_hash AND t.prefix = p_prefix
        AND t.revoked_at IS NULL AND t.expires_at > p_now
        AND m.is_active AND u.is_active
        AND m.role IN ({_literal(Role.SELLER_ADMIN.value)}, {_literal(Role.SELLER_BIDDING.value)})
    FOR UPDATE OF e;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    r_token_id := bidder.token_id;
    r_last_used_at := bidder.last_used_at;
    r_language := bidder.preferred_language;
    r_entry_id := bidder.entry_id;
    r_submission_id := bidder.submission_id;
    r_quote_paise := bidder.quote_paise;
    r_last_price_paise := bidder.last_price_paise;
    r_last_sequence := bidder.last_sequence;
    SELECT r.id INTO r_earlier_id FROM {_table(AuctionBid)} r
    WHERE r.entry_id = bidder.entry_id AND r.client_ref = p_ref;
    IF r_earlier_id IS NOT NULL THEN
        RETURN NEXT;  -- a retry
        RETURN;
    END IF;
    -- The auction's row lock and the next sequence number; the facts the
    -- caller judges by must still be those of the row.
    UPDATE {_table(Auction)} a SET last_sequence = a.last_sequence + 1
    FROM {_table(BidLot)} l, {_table(Bid)} b
    WHERE a.id = p_auction AND a.status <> {_literal(Auction.Status.CLOSED.value)}
        AND l.id = a.lot_id AND b.id = l.bid_id
        AND b.status = {_literal(states.REVERSE_AUCTION)}
        AND a.starts_at = p_starts_at AND a.scheduled_end_at = p_scheduled_end_at
        AND a.start_price_paise = p_start_price AND b.published_at = p_published_at
    RETURNING a.last_sequence, a.status, a.starts_at, a.end_at, a.start_price_paise,
        a.min_decrement_paise, a.seed
    INTO auction;
    IF NOT FOUND THEN
        RETURN NEXT;  -- closed, the bid moved on, or stale facts: r_sequence is null
        RETURN;
    END IF;
    -- RA-4: the log never goes back in time; a bid that waited for the lock
    -- is timed when it was read, or at its predecessor's time.
    SELECT r.at INTO previous_at FROM {_table(AuctionBid)} r
    WHERE r.auction_id = p_auction AND r.sequence = auction.last_sequence - 1;
    r_at := GREATEST(p_now, previous_at);
    r_sequence := auction.last_sequence;
    r_end_at := auction.end_at;
    r_min_decrement_paise := auction.min_decrement_paise;
    r_seed := auction.seed;
    -- `_refusal`: the window, then RA-2 (`rules.ra_bid_check`).
    r_code := CASE
        WHEN r_at < auction.starts_at THEN 'bids.ra_not_started'
        WHEN r_at >= auction.end_at THEN 'bids.ra_closed'
        WHEN p_price > COALESCE(bidder.last_price_paise, auction.start_price_paise) - p_decrement
            THEN 'bids.ra_decrement_too_small'
        ELSE '' END;
    INSERT INTO {_table(AuctionBid)}
        (auction_id, sequence, entry_id, price_paise, at, code, client_ref,
         placed_by_id, created_at)
    VALUES (p_auction, r_sequence, bidder.entry_id, p_price, r_at, r_code, p_ref,
        bidder.user_id, r_at);
    IF r_code = '' THEN
        UPDATE {_table(AuctionEntry)} SET last_price_paise = p_price, last_sequence = r_sequence
        WHERE id = bidder.entry_id;
        -- RA-3 (`rules.ra_extended_end`).
        IF auction.end_at - r_at <= p_window THEN
            r_end_at := LEAST(auction.end_at + p_extension, p_cap_at);
        END IF;
        IF r_end_at <> auction.end_at
            OR auction.status = {_literal(Auction.Status.SCHEDULED.value)} THEN
            UPDATE {_table(Auction)} SET end_at = r_end_at,
                status = {_literal(Auction.Status.LIVE.value)}
            WHERE id = p_auction;
        END IF;
        -- RA-2: the own rank (`selectors.auction.bidders_ahead`).
        SELECT count(*) INTO r_ahead FROM {_table(AuctionEntry)} o
        WHERE o.auction_id = p_auction AND o.id <> bidder.entry_id AND (
            o.last_price_paise < p_price
            OR (o.last_price_paise = p_price AND o.last_sequence < r_sequence)
            OR (o.last_price_paise IS NULL AND o.quote_paise < p_price));
    END IF;
    -- `api_token_authenticate` records a token's use at most once a minute.
    IF bidder.last_used_at IS NULL OR p_now - bidder.last_used_at >= p_touch_after THEN
        UPDATE {_table(ApiToken)} SET last_used_at = p_now WHERE id = bidder.token_id;
    END IF;
    RETURN NEXT;
END
$kraya_ra_bid$
"""  # noqa: S608 (table names from the models, constants of the code)

_CALL_SQL = """SELECT * FROM pg_temp.kraya_ra_bid(
    %(key_hash)s, %(prefix)s, %(auction)s, %(price)s, %(ref)s, %(now)s, %(own)s,
    %(starts_at)s, %(scheduled_end_at)s, %(start_price)s, %(published_at)s,
    %(decrement)s, %(window)s, %(extension)s, %(cap_at)s, %(touch_after)s)"""


def _token_parts(raw_token: str) -> tuple[str, str] | None:
    """(key hash, prefix) as `api_token_authenticate` reads a raw token."""
    raw = raw_token.strip()
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    return api_token_hash(raw), parts[1]


def _plain_ref(client_ref: str) -> bool:
    """A reference the general path would store as it is (`_checked_input`
    strips it; the database refuses NUL and lone surrogates)."""
    if not 1 <= len(client_ref) <= 64 or client_ref.strip() != client_ref:
        return False
    try:
        client_ref.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in client_ref


def auction_bid_by_token(
    *, raw_token: str, auction_id: int, price_paise: int, client_ref: str
) -> TokenBid | None:
    """RA-2..4: a fresh bid of a qualified bidder presented with its API
    token, on PostgreSQL; None (nothing written) for anything else, which the
    caller then takes through authentication and `auction.auction_bid`."""
    if connection.vendor != "postgresql":
        return None
    if type(price_paise) is not int or not 0 < price_paise <= _MAX_BIGINT:
        return None
    if not isinstance(client_ref, str) or not _plain_ref(client_ref):
        return None
    if not 0 < auction_id <= _MAX_BIGINT:
        return None
    token = _token_parts(raw_token)
    if token is None:
        return None
    facts = _auction_facts(auction_id)
    if facts is None:
        return None
    # Only a transaction of our own may commit without waiting for the disk.
    own = not connection.in_atomic_block
    now = clock.now()
    params = {
        "key_hash": token[0],
        "prefix": token[1],
        "auction": auction_id,
        "price": price_paise,
        "ref": client_ref,
        "now": now,
        "own": own,
        "starts_at": facts.starts_at,
        "scheduled_end_at": facts.scheduled_end_at,
        "start_price": facts.start_price_paise,
        "published_at": facts.published_at,
        "decrement": facts.decrement_paise,
        "window": facts.window,
        "extension": facts.extension,
        "cap_at": facts.cap_at,
        "touch_after": _LAST_USED_GRANULARITY,
    }
    try:
        row = _run_bid(own, params)
    except IntegrityError:
        # Not expected (the retry look-up runs under the entry's lock), but a
        # unique violation wrote nothing: the general path decides.
        return None
    if row is None:
        return None  # not a qualified bidder's valid token: the general path says why
    (_token_id, _last_used_at, language, entry_id, submission_id, quote_paise,
     last_price_paise, last_sequence, earlier_id, sequence, _at, end_at,
     min_decrement_paise, seed, code, ahead) = row  # fmt: skip
    if earlier_id is not None:
        return None  # a retry: the general path answers the first outcome
    if sequence is None:
        # Closed, the bid moved on, or the facts went stale: nothing written.
        _facts.pop(auction_id, None)
        return None
    if code:
        # A refused bid (rare): its rank may need the seeded draw among the
        # quotes of bidders who have not bid (`entry_rank`).
        entry = AuctionEntry(
            pk=entry_id,
            auction_id=auction_id,
            submission_id=submission_id,
            quote_paise=quote_paise,
            last_price_paise=last_price_paise,
            last_sequence=last_sequence,
        )
        rank = entry_rank(Auction(pk=auction_id, seed=seed), entry)
    else:
        last_price_paise, rank = price_paise, ahead + 1
    answer = code or "bids.ra_accepted"
    ceiling = last_price_paise or facts.start_price_paise
    outcome = BidOutcome(
        auction_id=auction_id,
        accepted=not code,
        code=answer,
        message=message(answer),
        sequence=sequence,
        price_paise=price_paise,
        own_rank=rank,
        own_last_paise=last_price_paise,
        min_next_bid_paise=max(0, ceiling - min_decrement_paise),
        end_at=end_at,
        time_left_s=max(0, int((end_at - clock.now()).total_seconds())),
        replayed=False,
    )
    return TokenBid(outcome=outcome, language=language or "")


# The raw connections (psycopg) whose session has `pg_temp.kraya_ra_bid`.
_with_function: weakref.WeakSet[Any] = weakref.WeakSet()

# With a transaction of its own, the bid commits without waiting for the disk
# and then waits for the flush in the same round trip: a tiny transactional WAL
# record committed synchronously flushes the WAL up to it, and so the bid's
# commit before it (PostgreSQL groups the flushes of concurrent callers, none
# of them holding the auction's lock). The answer is sent after that.
_OWN_SQL = f"BEGIN; {_CALL_SQL}; COMMIT; SELECT {_FLUSH}"


def _run_bid(own: bool, params: dict[str, Any]) -> tuple[Any, ...] | None:
    if not own:
        # Inside a caller's transaction, which may roll the function back with
        # itself: (re)create it each time, and call it in a savepoint so a
        # failure leaves the caller's transaction usable. The caller's commit
        # decides durability.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_FUNCTION_SQL)
            cursor.execute(_CALL_SQL, params)
            return cast(tuple[Any, ...] | None, cursor.fetchone())
    with connection.cursor() as cursor:
        raw = connection.connection
        if raw not in _with_function:
            cursor.execute(_FUNCTION_SQL)  # autocommit: kept for the session
            _with_function.add(raw)
        try:
            cursor.execute(_OWN_SQL, params)
        except DatabaseError:
            # The rest of the round trip did not run: end the failed transaction.
            cursor.execute("ROLLBACK")
            raise
        cursor.nextset()  # BEGIN's result, then the function's
        return cast(tuple[Any, ...] | None, cursor.fetchone())


__all__ = ["TokenBid", "auction_bid_by_token"]
