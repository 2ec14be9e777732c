from __future__ import annotations

from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    """A client's `Idempotency-Key` for one POST and the response it got.

    Written in the transaction of the work itself, so a stored key always
    means the work committed; kept 24 hours (`kraya.api.idempotency`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2048)
    # SHA-256 of method, full path and body: a replay must match it exactly.
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_content_type = models.CharField(max_length=200)
    response_body = models.TextField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_user_key"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
