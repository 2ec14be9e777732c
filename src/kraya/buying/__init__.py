"""Buying (DOMAIN §5, ORD-1..2): demands, direct and L1 purchase, bids below
the L1 limit, anti-splitting, off-portal availability reports, sanctions and
contracts. The pure rules (`kraya.buying.rules`) come first; the models,
services and pages follow the new catalogue."""
