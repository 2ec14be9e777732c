"""KYC-5: `sellers_bulk_registered` is sent inside each chunk's transaction
with `batch` and `firms` (the firms the chunk registered), so another app
(outreach: event attribution) can record where they came from without
`sellers` importing it."""

from django.dispatch import Signal

sellers_bulk_registered = Signal()
