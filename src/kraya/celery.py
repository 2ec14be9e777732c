"""The Celery app. Configured from REDIS_URL; with it unset (embedded mode,
tests) tasks run in-process, eagerly, in the caller's thread."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kraya.settings")

app = Celery("kraya")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
