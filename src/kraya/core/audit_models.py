from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One entry of the append-only, SHA-256 hash-chained audit log (OPEN-5).

    `hash` = SHA-256 over the canonical JSON of (seq, at, actor, action,
    object, payload) and `prev_hash`; see `kraya.core.audit`."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(default=dict)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditCheckpoint(models.Model):
    """OPEN-5: one IST day of the audit log, sealed and published: the
    Merkle root of that day's event hashes (in seq order) and the chain's
    head hash at the end of the day. Anyone holding an event checks its
    inclusion proof against the published root (`kraya.core.audit_proofs`)."""

    day = models.DateField(primary_key=True)
    first_seq = models.BigIntegerField(null=True, blank=True)
    last_seq = models.BigIntegerField(null=True, blank=True)
    count = models.PositiveIntegerField()
    merkle_root = models.CharField(max_length=64)
    # The chain's head at the end of the day (the last event of the day or,
    # on a day without events, the head carried over from before).
    head_seq = models.BigIntegerField()
    head_hash = models.CharField(max_length=64)
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}: {self.merkle_root[:12]}"
