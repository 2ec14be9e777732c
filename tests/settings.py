"""Test settings: the real settings, with what only tests need.

DATABASE_URL picks the engine (unset: SQLite in a temporary file; set: PostgreSQL)."""

import os

os.environ.setdefault("KRAYA_EMBEDDED", "1")

from kraya.settings import *  # noqa: F403

# MD5 is for tests only: it makes creating users ~15x faster.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
AXES_ENABLED = True
WHITENOISE_AUTOREFRESH = True  # no scan of every static file per test Client
# Background tasks (kraya.core.tasks.enqueue) run inline on commit, so tests are deterministic.
KRAYA_TASKS_INLINE = True
