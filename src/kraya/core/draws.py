"""Seeded, recorded draws that break ties (MODE-3 L1 ties, BID-7 financial
ranking ties, RA ranks of bidders who never bid): one mechanism for every
rule that must pick among equals and let anyone check the pick.

An entry's place in the draw is HMAC-SHA256(key = seed, message = entry id),
both UTF-8, compared as lower-case hex; the lowest rank wins (the id breaks
the astronomically unlikely equal ranks). We chose an HMAC ordering over
`random.Random(seed)` because Python promises to keep only `random()`'s
sequence across versions, not `choice()` or `shuffle()`, while an HMAC
ranking can be recomputed by anyone, in any language, from the seed and the
ids alone; it does not depend on the order the entries were listed in
either. The seed must come from the service (`new_tie_break_seed()`), never
from a party to the draw, or they could try seeds until a favourite wins; it
is stored in the decision receipt, so after the draw it is public.

Pure Python: rules import this module (no Django)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SEED_BYTES = 32


def new_tie_break_seed() -> str:
    """A fresh, unguessable seed (64 hex digits) for the service to store
    before the draw is made."""
    return secrets.token_hex(SEED_BYTES)


def tie_break_rank(seed: str, entry_id: str) -> str:
    """An entry's place in the seeded draw (lower wins)."""
    return hmac.new(seed.encode("utf-8"), entry_id.encode("utf-8"), hashlib.sha256).hexdigest()
