from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships."""

    preferred_language = models.CharField(
        _("language"),
        max_length=8,
        choices=[("en", "English"), ("hi", "हिन्दी")],
        default="en",
    )
