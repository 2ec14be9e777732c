"""Signals other apps listen to without `sellers` importing them.

`registration_submitted` is sent by the registration wizard after a seller
submits their registration through the web (KYC-1), with `registration` and
`request`, so the page's context (outreach: the event link the visitor came
through, OUT-1) can be credited. It is sent after the submit transaction has
committed: a receiver's failure cannot undo the registration."""

from django.dispatch import Signal

registration_submitted = Signal()

# Sent inside the transaction of a change to what buyers see about seller firms
# (active or not, verified social categories, state), with `firm_ids`; the
# catalogue search re-indexes those firms' offers once the change commits.
seller_firms_changed = Signal()
