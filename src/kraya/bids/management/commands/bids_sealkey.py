"""`kraya bids_sealkey`: print a fresh master key pair for sealing bids
(BID-5): KRAYA_SEAL_PRIVATE_KEY for the processes that open bids,
KRAYA_SEAL_PUBLIC_KEY for the others. Keep the private key out of the
database and of backups stored with it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kraya.bids import sealing


class Command(BaseCommand):
    help = "Print a new master key pair for sealing bids (BID-5)."

    def handle(self, *args: Any, **options: Any) -> None:
        private, public = sealing.new_master_pair()
        self.stdout.write(f"KRAYA_SEAL_PRIVATE_KEY={private}")
        self.stdout.write(f"KRAYA_SEAL_PUBLIC_KEY={public}")
