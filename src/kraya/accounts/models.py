"""Users, the buyer organisation tree, seller firms, memberships and API tokens
(DOMAIN §2). Workflows live in `services.py`; these models hold data and the
invariants the database can enforce."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kraya.accounts import rules
from kraya.core import clock


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    preferred_language = models.CharField(
        _("language"),
        max_length=8,
        choices=[("en", "English"), ("hi", "हिन्दी")],
        # Blank means "not chosen yet": the browser's Accept-Language decides
        # until the user picks a language.
        default="",
        blank=True,
    )

    def __str__(self) -> str:
        return self.full_name or self.username


class OrganisationType(models.TextChoices):
    CENTRAL = "CENTRAL", _("Central government")
    STATE = "STATE", _("State government")
    PSU = "PSU", _("Public sector undertaking")
    AUTONOMOUS = "AUTONOMOUS", _("Autonomous body")
    LOCAL_BODY = "LOCAL_BODY", _("Local body")


class BuyerUnit(models.Model):
    """One node of the buyer organisation tree (§2): Ministry or State →
    Department → Organisation → Office/Division. Every order, bid and
    statistic rolls up this tree through `path`."""

    class Level(models.TextChoices):
        MINISTRY = rules.MINISTRY, _("Ministry")
        STATE = rules.STATE, _("State")
        DEPARTMENT = rules.DEPARTMENT, _("Department")
        ORGANISATION = rules.ORGANISATION, _("Organisation")
        OFFICE = rules.OFFICE, _("Office")

    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    # The ORGANISATION-level ancestor (itself for an organisation; null above
    # that level), kept so permission checks and roll-ups need no tree walk.
    organisation = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    organisation_type = models.CharField(
        _("organisation type"), max_length=16, choices=OrganisationType.choices
    )
    name = models.CharField(_("name"), max_length=200)
    name_hi = models.CharField(_("name in Hindi"), max_length=200, blank=True)
    code = models.CharField(_("code"), max_length=32, unique=True)
    state = models.CharField(_("state"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    # Materialised path of ids, e.g. "/1/4/9/": a subtree is `path__startswith`.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("buyer unit")
        verbose_name_plural = _("buyer units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=False) | Q(level__in=sorted(rules.ROOT_LEVELS)),
                name="buyer_unit_root_is_ministry_or_state",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if translation.get_language() == "hi" and self.name_hi:
            return self.name_hi
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this node (inclusive), read from `path`."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class SellerFirm(models.Model):
    """A firm that sells on the portal (ROLE-3). Issue 3 adds full KYC."""

    name = models.CharField(_("name"), max_length=200)
    pan = models.CharField(_("PAN"), max_length=10, unique=True, null=True, blank=True)
    state = models.CharField(_("state"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    # INC-2: set only by `kraya.incidents` (a decided suspension or debarment,
    # cleared when an appeal overturns it); read at the moment of use.
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    debarred_until = models.DateTimeField(_("debarred until"), null=True, blank=True)

    class Meta:
        verbose_name = _("seller firm")
        verbose_name_plural = _("seller firms")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def is_barred(self, at: dt.datetime | None = None) -> bool:
        """INC-2: suspended or debarred at `at` (now when None): the firm may
        not bid and its offers are not listed."""
        moment = at or clock.now()
        return any(
            until is not None and until > moment
            for until in (self.suspended_until, self.debarred_until)
        )


class Role(models.TextChoices):
    PRIMARY = rules.PRIMARY, _("Primary User")
    BUYER = rules.BUYER, _("Buyer")
    CONSIGNEE = rules.CONSIGNEE, _("Consignee")
    PAYING_AUTHORITY = rules.PAYING_AUTHORITY, _("Paying Authority")
    SELLER_ADMIN = rules.SELLER_ADMIN, _("Seller admin")
    SELLER_CATALOGUE = rules.SELLER_CATALOGUE, _("Seller catalogue")
    SELLER_BIDDING = rules.SELLER_BIDDING, _("Seller bidding")
    SELLER_FULFILMENT = rules.SELLER_FULFILMENT, _("Seller order fulfilment")


_BUYER_SCOPE = (
    Q(role__in=sorted(rules.BUYER_ROLES))
    & Q(buyer_unit__isnull=False)
    & Q(seller_firm__isnull=True)
)
_SELLER_SCOPE = (
    Q(role__in=sorted(rules.SELLER_ROLES))
    & Q(seller_firm__isnull=False)
    & Q(buyer_unit__isnull=True)
)


class Membership(models.Model):
    """A user holding one role in one buyer unit or one seller firm."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    buyer_unit = models.ForeignKey(
        BuyerUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("buyer unit"),
    )
    seller_firm = models.ForeignKey(
        SellerFirm,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("seller firm"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["id"]
        constraints = [
            # Exactly one of buyer_unit / seller_firm, matching the kind of role.
            models.CheckConstraint(
                condition=(Q(buyer_unit__isnull=False) & Q(seller_firm__isnull=True))
                | (Q(buyer_unit__isnull=True) & Q(seller_firm__isnull=False)),
                name="membership_one_scope",
            ),
            models.CheckConstraint(
                condition=_BUYER_SCOPE | _SELLER_SCOPE,
                name="membership_role_matches_scope",
            ),
            # ROLE-1: one active Primary User per organisation.
            models.UniqueConstraint(
                fields=["buyer_unit"],
                condition=Q(role=rules.PRIMARY, is_active=True),
                name="membership_one_active_primary",
            ),
            # ROLE-3: one active admin per seller firm.
            models.UniqueConstraint(
                fields=["seller_firm"],
                condition=Q(role=rules.SELLER_ADMIN, is_active=True),
                name="membership_one_active_seller_admin",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "buyer_unit"],
                condition=Q(is_active=True, buyer_unit__isnull=False),
                name="membership_unique_active_in_unit",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "seller_firm"],
                condition=Q(is_active=True, seller_firm__isnull=False),
                name="membership_unique_active_in_firm",
            ),
        ]
        indexes = [models.Index(fields=["user", "is_active"])]

    def __str__(self) -> str:
        scope = self.buyer_unit or self.seller_firm
        return f"{self.user} · {self.get_role_display()} · {scope}"


class ApiToken(models.Model):
    """A secret for a machine client, acting through one membership.

    Only the SHA-256 of the raw token is stored; the raw token
    (`kr_<prefix>_<secret>`) is shown once, when it is created."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def user(self) -> User:
        """The user the token acts for (through its one membership)."""
        return self.membership.user
