"""Strong passwords: besides Django's length, common-password and similarity
checks, a password mixes letters with digits or symbols."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    def validate(self, password: str, user: Any = None) -> None:
        has_letter = any(c.isalpha() for c in password)
        has_other = any(not c.isalpha() for c in password)
        if not (has_letter and has_other):
            raise ValidationError(
                _("Use letters together with digits or symbols."),
                code="password_character_classes",
            )

    def get_help_text(self) -> str:
        return _("Your password must mix letters with digits or symbols.")
