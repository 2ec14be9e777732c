"""API tokens for machine clients, scoped to one membership."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kraya.accounts import rules, selectors
from kraya.accounts.models import (
    ApiToken,
    Membership,
)
from kraya.accounts.selectors import as_actor
from kraya.accounts.services._common import (
    Acting,
    FieldErrors,
)
from kraya.core import audit, clock
from kraya.core.errors import Conflict, NotFound

# --- API tokens ------------------------------------------------------------------------


@transaction.atomic
def api_token_create(
    *, acting_user: Acting, membership: Membership, name: str, expires_in_days: int = 90
) -> tuple[ApiToken, str]:
    """A token for a machine client acting through one of the user's own
    memberships. Returns the raw token, which is shown this once."""
    actor = as_actor(acting_user)
    if membership.pk not in {m.pk for m in actor.memberships}:
        raise NotFound()
    errors = FieldErrors()
    if not name.strip():
        errors.add("name", _("Enter a name for the token."))
    elif len(name.strip()) > 100:
        errors.add("name", _("Use at most 100 characters."))
    if not rules.api_token_lifetime_is_valid(expires_in_days):
        errors.add(
            "expires_in_days",
            _("Choose between 1 and %(days)s days.") % {"days": rules.API_TOKEN_MAX_DAYS},
        )
    errors.raise_if_any()
    prefix = secrets.token_hex(4)
    raw = f"{selectors.TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    moment = clock.now()
    token = ApiToken.objects.create(
        membership=membership,
        name=name.strip(),
        prefix=prefix,
        key_hash=selectors.api_token_hash(raw),
        created_at=moment,
        expires_at=moment + dt.timedelta(days=expires_in_days),
    )
    audit.record(
        actor=actor.user,
        action="accounts.api_token.create",
        target=token,
        payload={"membership_id": membership.pk, "prefix": prefix, "name": token.name},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, acting_user: Acting, token: ApiToken) -> ApiToken:
    """Revoke a token: its owner, or a platform operator."""
    actor = as_actor(acting_user)
    token = ApiToken.objects.select_for_update().select_related("membership").get(pk=token.pk)
    if not actor.is_operator:
        selectors.api_token_get(actor=actor, token_id=token.pk)
    if token.revoked_at is not None:
        raise Conflict(_("This token is already revoked."), code="accounts.token_revoked")
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor.user,
        action="accounts.api_token.revoke",
        target=token,
        payload={"prefix": token.prefix},
    )
    return token
