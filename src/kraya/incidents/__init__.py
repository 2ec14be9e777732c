"""Incidents (DOMAIN §10, INC-1 and INC-2).

DESIGN.md lists incidents under `orders/`, but an incident is raised against
a bid, an order or a catalogue offer, and `bids` already depends on `orders`:
this separate app sits above `bids`, `orders` and `catalog` so dependencies
stay one-way (incidents → bids, orders, catalog, sellers, accounts, core).
Nothing below imports it; `orders` reads the denormalised
`Order.has_open_incident` flag this app keeps up to date (ORD-5)."""
