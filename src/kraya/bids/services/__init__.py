"""The bid services: each changes state in one transaction, checks who may
act (per object, ROLE-2), records its decision receipts and writes the audit
log. Import the module you need:

- `transitions`: `bid_transition`, the one place a bid changes state;
- `publication`: create, publish, corrigenda (BID-1..3), cancel (BID-8), the bid document;
- `participation`: sealed submissions, revise, withdraw (BID-5), eligibility, EMD;
- `opening`: the clock (end, BID-4 extension, openings), `bids_tick`;
- `evaluation`: technical evaluation, clarifications, representations (BID-6),
  financial ranking (BID-7), preferences and invitations (§7), award (BID-8);
- `auction`: reverse auctions (RA-1..4)."""
