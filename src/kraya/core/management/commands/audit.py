"""`kraya audit verify` re-checks the hash chain and the sealed days (OPEN-5);
`kraya audit head` prints the latest seq and hash, the value to publish and
compare; `kraya audit checkpoint` seals the days that have ended; `kraya audit
prove SEQ` prints an event's inclusion proof in its day's Merkle root."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kraya.core import audit, audit_proofs


class Command(BaseCommand):
    help = "The audit log: verify, head, checkpoint (seal ended days), prove SEQ."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        commands.add_parser(
            "verify", help="Re-check every event and every sealed day; exit 1 at the first bad one."
        )
        commands.add_parser("head", help="Print the latest event's seq and hash.")
        commands.add_parser("checkpoint", help="Seal every IST day that has ended.")
        prove = commands.add_parser("prove", help="Print an event's inclusion proof (JSON).")
        prove.add_argument("seq", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand == "head":
            seq, head_hash = audit.head()
            self.stdout.write(f"seq {seq} hash {head_hash}")
            return
        if subcommand == "checkpoint":
            sealed = audit_proofs.checkpoints_publish()
            self.stdout.write(f"sealed {sealed} days")
            return
        if subcommand == "prove":
            try:
                proof = audit_proofs.audit_proof(seq=options["seq"])
            except audit_proofs.ProofUnavailable as error:
                raise CommandError(str(error)) from error
            body = {
                "seq": proof.seq,
                "event_hash": proof.event_hash,
                "day": proof.day.isoformat(),
                "index": proof.index,
                "size": proof.size,
                "path": list(proof.path),
                "merkle_root": proof.merkle_root,
                "verifies": audit_proofs.proof_verifies(proof),
            }
            self.stdout.write(json.dumps(body, indent=2))
            return
        result = audit.verify()
        if not result.ok:
            raise CommandError(
                f"FAILED at event seq {result.first_bad_seq} "
                f"(action {result.first_bad_action!r}): {result.reason} "
                f"({result.checked} intact before it)",
                returncode=1,
            )
        differing = audit_proofs.checkpoints_verify()
        if differing:
            raise CommandError("FAILED: " + "; ".join(differing), returncode=1)
        self.stdout.write(f"OK: {result.checked} events, head {result.head_hash}")
