"""Bids (DOMAIN §6 BID-1..8, §7 MSE/MII/PREF, §8 RA-1..4): publication,
participation, evaluation, purchase preferences and reverse auctions.

Only the pure rules (`kraya.bids.rules`) exist so far; the app is not yet
installed (no models, no `apps.py`): its models, services and pages come next."""
