"""Loads the synthetic catalogue into the database and removes it again.

`seed_catalogue` writes every row with `kraya.core.bulk.insert_rows` (COPY on
PostgreSQL, batched inserts elsewhere) in one transaction, streaming products
and offers in chunks, then rebuilds the search index. Synthetic rows are
marked so that `reset` removes them and nothing else: seller firms through
their registration's `source`, categories by their code prefix, products,
offers and brands through the synthetic firms that created or own them.
One audit event records each seed and each reset."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, connection, models, transaction

from kraya.accounts.models import Membership, Role, SellerFirm, User
from kraya.catalog import rules
from kraya.catalog.models import (
    Brand,
    Category,
    Offer,
    OfferPriceChange,
    PriceReference,
    Product,
    SpecParameter,
)
from kraya.catalog.search import index
from kraya.catalog.synthetic import generator as gen
from kraya.catalog.synthetic import vocabulary as vocab
from kraya.core import audit, clock
from kraya.core.audit_models import AuditEvent
from kraya.core.bulk import any_of, insert_rows
from kraya.core.policy import policy_in_force
from kraya.sellers import rules as seller_rules
from kraya.sellers.models import Registration, SellerOffice, SocialCategory

SEED_ACTION = "catalog.synthetic.seed"
RESET_ACTION = "catalog.synthetic.reset"
SELLER_CHUNK = 5_000
PRODUCT_CHUNK = 10_000
PROGRESS_EVERY = 250_000  # offers

Say = Callable[[str], None]


class SeedRefused(Exception):
    """The database holds data that stops the seed (already seeded, or real
    data refers to synthetic rows); the message says what to do."""


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    seconds: float
    rows: int


@dataclass
class SeedReport:
    offers: int
    seed: int
    phases: list[Phase] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    already_seeded: bool = False

    @property
    def seconds(self) -> float:
        return sum(phase.seconds for phase in self.phases)


@dataclass(frozen=True, slots=True)
class Existing:
    firms: int
    categories: int
    parameters: dict[str, Any]


def existing() -> Existing | None:
    """What synthetic data the database holds, with the parameters of the
    seed that made it (None when there is none)."""
    firms = Registration.objects.filter(source=gen.SOURCE).count()
    categories = Category.objects.filter(code__startswith=gen.CATEGORY_PREFIX).count()
    if not firms and not categories:
        return None
    last = AuditEvent.objects.filter(action=SEED_ACTION).order_by("-seq").first()
    parameters = last.payload.get("parameters", {}) if last is not None else {}
    return Existing(firms, categories, dict(parameters))


def seed_catalogue(
    *,
    offers: int,
    seed: int = 1,
    categories: int | None = None,
    say: Say | None = None,
) -> SeedReport:
    """Build the synthetic catalogue: `offers` offers over `categories` leaf
    categories (default: scaled to the offers). Refuses when synthetic data
    from another seed is present; does nothing when this very seed is."""
    if offers < 1:
        raise SeedRefused("--offers must be at least 1.")
    leaf_count = categories or gen.default_categories(offers)
    leaf_count = max(1, min(leaf_count, gen.max_leaf_categories()))
    parameters = {"seed": seed, "offers": offers, "categories": leaf_count}
    report = SeedReport(offers=offers, seed=seed)
    found = existing()
    if found is not None:
        wanted = {key: found.parameters.get(key) for key in parameters}
        if wanted == parameters:
            report.already_seeded = True
            return report
        raise SeedRefused(
            f"The database already holds synthetic data ({found.firms} seller firms, "
            f"{found.categories} categories; seed parameters {found.parameters or 'unknown'}). "
            "Run with --reset to remove it first."
        )
    loader = _Loader(seed=seed, offers=offers, leaf_count=leaf_count, report=report, say=say)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        loader.load()
        committing = time.perf_counter()
        audit.record(
            actor=None,
            action=SEED_ACTION,
            payload={"parameters": parameters, "counts": report.counts},
        )
    loader.phase("commit", committing, 0, count=False)
    loader.analyse()
    loader.rebuild_index()
    return report


class _Loader:
    def __init__(
        self, *, seed: int, offers: int, leaf_count: int, report: SeedReport, say: Say | None
    ) -> None:
        self.seed = seed
        self.offers = offers
        self.leaf_count = leaf_count
        self.report = report
        self.say = say or (lambda message: None)
        policy = policy_in_force()
        self.mii_policy = policy.mii
        self.catalogue_policy = policy.catalogue
        self.now = clock.now()

    def phase(self, name: str, started: float, rows: int, *, count: bool = True) -> None:
        seconds = time.perf_counter() - started
        self.report.phases.append(Phase(name, round(seconds, 2), rows))
        if count:
            self.report.counts[name] = rows
        self.say(f"  {name}: {rows:,} rows in {seconds:.1f} s")

    def load(self) -> None:
        leaves, leaf_ids = self._categories()
        firm_ids, sellers = self._sellers()
        brand_names, brand_ids = self._brands(firm_ids)
        catalogue = gen.Catalogue(
            leaves=leaves,
            seller_departments=[s[0] for s in sellers],
            seller_states=[s[1] for s in sellers],
            seller_pin_prefixes=[s[2] for s in sellers],
            brands=brand_names,
            state_bits={state: rules.state_mask([state]) for state in seller_rules.STATES},
        )
        self._products(catalogue, leaf_ids, firm_ids, brand_ids)

    # -- categories ----------------------------------------------------------------

    def _categories(self) -> tuple[list[gen.Leaf], dict[str, int]]:
        started = time.perf_counter()
        leaves = gen.leaves(self.leaf_count)
        used = {leaf.family.code for leaf in leaves}
        department_rows = gen.department_rows(used)
        department_ids = dict(
            zip(
                (d.code for d in gen.departments_used(used)),
                insert_rows(Category, department_rows),
                strict=True,
            )
        )
        group_rows = gen.group_rows(department_ids, used)
        families = [f.code for f in vocab.FAMILIES if f.code in used]
        group_ids = dict(zip(families, insert_rows(Category, group_rows), strict=True))
        ids = insert_rows(Category, gen.leaf_rows(leaves, group_ids))
        leaf_ids = {leaf.code: leaf_id for leaf, leaf_id in zip(leaves, ids, strict=True)}
        parameters = [
            row
            for leaf, leaf_id in zip(leaves, ids, strict=True)
            for row in gen.spec_parameter_rows(leaf.family, leaf_id)
        ]
        insert_rows(SpecParameter, parameters)
        self.phase("categories", started, len(department_rows) + len(group_rows) + len(ids))
        self.report.counts["spec_parameters"] = len(parameters)
        return leaves, leaf_ids

    # -- sellers -------------------------------------------------------------------

    def _sellers(self) -> tuple[list[int], list[tuple[tuple[str, ...], str, tuple[str, ...]]]]:
        started = time.perf_counter()
        count = max(len(vocab.PLACES), self.offers // gen.OFFERS_PER_SELLER)
        firm_ids: list[int] = []
        summary: list[tuple[tuple[str, ...], str, tuple[str, ...]]] = []
        chunk: list[gen.Seller] = []
        for seller in gen.sellers(self.seed, count):
            chunk.append(seller)
            if len(chunk) >= SELLER_CHUNK:
                firm_ids += self._seller_chunk(chunk)
                chunk = []
            summary.append((seller.departments, seller.state, seller.pin_prefixes))
        if chunk:
            firm_ids += self._seller_chunk(chunk)
        self.phase("sellers", started, count)
        return firm_ids, summary

    def _seller_chunk(self, chunk: list[gen.Seller]) -> list[int]:
        user_ids = insert_rows(
            User,
            [
                {
                    "username": f"syn-seller-{s.number}",
                    "full_name": s.name,
                    "email": f"syn-seller-{s.number}@example.in",
                    # No usable password: synthetic logins cannot sign in.
                    "password": "!synthetic",
                    "date_joined": s.created_at,
                }
                for s in chunk
            ],
        )
        firm_ids = insert_rows(
            SellerFirm,
            [
                {
                    "name": s.name,
                    "pan": s.pan,
                    "state": s.state,
                    "district": s.district,
                    "is_active": s.is_active,
                    "created_at": s.created_at,
                }
                for s in chunk
            ],
        )
        insert_rows(
            Membership,
            [
                {
                    "user_id": user_id,
                    "role": Role.SELLER_ADMIN.value,
                    "seller_firm_id": firm_id,
                    "created_at": s.created_at,
                }
                for s, user_id, firm_id in zip(chunk, user_ids, firm_ids, strict=True)
            ],
        )
        registration_ids = insert_rows(
            Registration,
            [
                {
                    "applicant_id": user_id,
                    "firm_id": firm_id,
                    "status": Registration.Status.VERIFIED.value,
                    "channel": Registration.Channel.BULK.value,
                    "legal_name": s.name,
                    "pan": s.pan,
                    "constitution": s.constitution,
                    "business_type": s.business_type,
                    "state": s.state,
                    "district": s.district,
                    "pincode": s.pincode,
                    "address": f"{s.number % 400 + 1}, Industrial Area, {s.district}",
                    "email": f"syn-seller-{s.number}@example.in",
                    "key_person_name": s.name.split(" ")[0],
                    "source": gen.SOURCE,
                    "created_at": s.created_at,
                    "updated_at": s.created_at,
                    "submitted_at": s.created_at,
                    "verified_at": s.created_at,
                }
                for s, user_id, firm_id in zip(chunk, user_ids, firm_ids, strict=True)
            ],
        )
        insert_rows(
            SellerOffice,
            [
                {
                    "registration_id": registration_id,
                    "gstin": gen.gstin(s.pan, s.state),
                    "state": s.state,
                    "district": s.district,
                    "pincode": s.pincode,
                    "is_head_office": True,
                }
                for s, registration_id in zip(chunk, registration_ids, strict=True)
            ],
        )
        insert_rows(
            SocialCategory,
            [
                {
                    "registration_id": registration_id,
                    "kind": segment,
                    "reference": s.udyam if segment == seller_rules.MSE else "",
                    "mse_class": s.mse_class if segment == seller_rules.MSE else "",
                    "evidence_note": gen.SOURCE,
                    "verified": True,
                }
                for s, registration_id in zip(chunk, registration_ids, strict=True)
                for segment in s.segments
            ],
        )
        return firm_ids

    # -- brands --------------------------------------------------------------------

    def _brands(self, firm_ids: list[int]) -> tuple[list[gen.BrandName], list[int]]:
        started = time.perf_counter()
        count = max(12, self.offers // gen.OFFERS_PER_BRAND)
        names = gen.brands(self.seed, count)
        rng = gen.stream(self.seed, "brand-owners")
        keys = [rules.brand_key(brand.name) for brand in names]
        taken = set(Brand.objects.filter(name_key__in=keys).values_list("name_key", flat=True))
        if taken:
            raise SeedRefused(
                f"Brands named like synthetic ones already exist ({', '.join(sorted(taken)[:5])}); "
                "seed into a database without them."
            )
        ids = insert_rows(
            Brand,
            [
                {
                    "name": brand.name,
                    "name_key": key,
                    "is_registered": brand.is_registered,
                    # The firm that registered (or first listed) the brand; it
                    # also marks the brand as synthetic.
                    "owner_firm_id": firm_ids[rng.randrange(len(firm_ids))],
                    "created_at": gen.ANCHOR,
                }
                for brand, key in zip(names, keys, strict=True)
            ],
        )
        self.phase("brands", started, len(ids))
        return names, ids

    # -- products and offers -------------------------------------------------------

    def _products(
        self,
        catalogue: gen.Catalogue,
        leaf_ids: dict[str, int],
        firm_ids: list[int],
        brand_ids: list[int],
    ) -> None:
        started = time.perf_counter()
        totals = {"products": 0, "offers": 0, "price_changes": 0, "price_references": 0}
        for drafts in gen.products(self.seed, catalogue, offers=self.offers, chunk=PRODUCT_CHUNK):
            product_rows = []
            for draft in drafts:
                row = dict(draft.row)
                row["category_id"] = leaf_ids[draft.leaf.code]
                row["brand_id"] = brand_ids[row.pop("brand_index")]
                row["created_by_firm_id"] = firm_ids[row.pop("maker_index")]
                row.pop("mrp_paise")
                row["mii_class"] = rules.mii_class_for(
                    local_content_percent=row["local_content_percent"], policy=self.mii_policy
                ).mii_class
                product_rows.append(row)
            product_ids = insert_rows(Product, product_rows)
            offer_rows: list[dict[str, Any]] = []
            histories: list[list[dict[str, Any]]] = []
            references: list[dict[str, Any]] = []
            for draft, product_id, product in zip(drafts, product_ids, product_rows, strict=True):
                reference = self._reference(draft)
                references += [{**r, "product_id": product_id} for r in draft.references]
                for offer in draft.offers:
                    row = dict(offer)
                    histories.append(row.pop("history"))
                    row["seller_firm_id"] = firm_ids[row.pop("seller_index")]
                    row["product_id"] = product_id
                    row["category_id"] = product["category_id"]
                    row.update(self._price_flag(row["price_paise"], reference))
                    offer_rows.append(row)
            offer_ids = insert_rows(Offer, offer_rows)
            change_rows = [
                {**change, "offer_id": offer_id}
                for offer_id, history in zip(offer_ids, histories, strict=True)
                for change in history
            ]
            insert_rows(OfferPriceChange, change_rows)
            insert_rows(PriceReference, references)
            totals["products"] += len(product_ids)
            totals["offers"] += len(offer_ids)
            totals["price_changes"] += len(change_rows)
            totals["price_references"] += len(references)
            if (
                totals["offers"] // PROGRESS_EVERY
                != (totals["offers"] - len(offer_ids)) // PROGRESS_EVERY
            ):
                self.say(f"    {totals['offers']:,} offers")
        self.phase(
            "products_and_offers", started, totals["products"] + totals["offers"], count=False
        )
        self.report.counts.update(totals)

    def _reference(self, draft: gen.ProductDraft) -> rules.Reference | None:
        """CAT-4: the product's reference price from its market observations."""
        if not draft.references:
            return None
        return rules.reference_price(
            transactions=[],
            market=[
                rules.Observation(r["price_paise"], r["observed_at"]) for r in draft.references
            ],
            now=self.now,
            window_days=self.catalogue_policy.reference_window_days,
        )

    def _price_flag(self, price_paise: int, reference: rules.Reference | None) -> dict[str, Any]:
        """CAT-4: flag an offer well above the reference price, with the evidence."""
        if reference is None:
            return {}
        flag = rules.price_flag(
            price_paise=price_paise, reference=reference, policy=self.catalogue_policy
        )
        if not flag.flag:
            return {}
        return {
            "price_flag": flag.flag,
            "reference_price_paise": reference.price_paise,
            "price_evidence": flag.evidence(),
        }

    # -- after the load ------------------------------------------------------------

    def analyse(self) -> None:
        if connection.vendor != "postgresql":
            return
        started = time.perf_counter()
        tables = [
            model._meta.db_table
            for model in (Category, SpecParameter, Brand, Product, Offer, SellerFirm)
        ]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        self.phase("analyse", started, len(tables), count=False)

    def rebuild_index(self) -> None:
        started = time.perf_counter()
        indexed = index.rebuild()
        self.phase("search_index", started, indexed, count=False)
        self.report.counts["indexed_offers"] = indexed


# --- reset ------------------------------------------------------------------------


def _synthetic_firms() -> models.QuerySet[SellerFirm]:
    return SellerFirm.objects.filter(registration__source=gen.SOURCE)


def _raw_delete(queryset: models.QuerySet[Any]) -> int:
    """One DELETE statement, without Django collecting the rows first (which
    at a million rows takes minutes and gigabytes)."""
    # None when the filter can match nothing (e.g. `pk__in=[]`).
    return int(queryset._raw_delete(queryset.db) or 0)


def _delete_dependants(model: type[models.Model], rows: models.QuerySet[Any]) -> None:
    """Delete the rows of other tables that point to `rows` and would be
    deleted with them (CASCADE); refuse when a protected row points to them."""
    for relation in model._meta.related_objects:
        if not relation.one_to_many and not relation.one_to_one:
            continue
        related = relation.related_model
        if not isinstance(related, type):
            continue
        name = relation.field.name
        pointing = related._default_manager.filter(**{f"{name}__in": rows.values("pk")})
        if relation.on_delete is models.CASCADE:
            _delete_dependants(related, pointing)
            _raw_delete(pointing)
        elif relation.on_delete is models.SET_NULL:
            pointing.update(**{name: None})
        elif pointing.exists():
            raise SeedRefused(
                f"{related._meta.verbose_name_plural} that are not synthetic refer to synthetic "
                f"{model._meta.verbose_name_plural}; the synthetic data cannot be removed."
            )


def reset(*, say: Say | None = None) -> dict[str, int]:
    """Remove every synthetic row (and only those); returns counts by table."""
    say = say or (lambda message: None)
    counts: dict[str, int] = {}
    with transaction.atomic():
        firms = _synthetic_firms()
        foreign_offers = (
            Product.objects.filter(created_by_firm__in=firms.values("pk"))
            .filter(offers__isnull=False)
            .exclude(offers__seller_firm__in=firms.values("pk"))
        )
        if foreign_offers.exists():
            raise SeedRefused("Real offers refer to synthetic products; they cannot be removed.")
        steps: list[tuple[str, type[models.Model], models.QuerySet[Any]]] = [
            ("offers", Offer, Offer.objects.filter(seller_firm__in=firms.values("pk"))),
            (
                "products",
                Product,
                Product.objects.filter(created_by_firm__in=firms.values("pk")),
            ),
            ("brands", Brand, Brand.objects.filter(owner_firm__in=firms.values("pk"))),
        ]
        started = time.perf_counter()
        truncated = _truncate_when_all_synthetic(steps)
        if truncated is not None:
            counts.update(truncated)
            say(f"  offers, products, brands: truncated in {time.perf_counter() - started:.1f} s")
        for name, model, rows in steps if truncated is None else []:
            started = time.perf_counter()
            _delete_dependants(model, rows)
            counts[name] = _raw_delete(rows)
            say(f"  {name}: {counts[name]:,} removed in {time.perf_counter() - started:.1f} s")
        for name, remove in (("categories", _reset_categories), ("seller_firms", _reset_sellers)):
            started = time.perf_counter()
            counts[name] = remove()
            say(f"  {name}: {counts[name]:,} removed in {time.perf_counter() - started:.1f} s")
        audit.record(actor=None, action=RESET_ACTION, payload=counts)
    return counts


def _cascade_models(model: type[models.Model]) -> list[type[models.Model]]:
    """`model` and every model whose rows are deleted with its rows (CASCADE)."""
    found = [model]
    for relation in model._meta.related_objects:
        related = relation.related_model
        if (
            (relation.one_to_many or relation.one_to_one)
            and relation.on_delete is models.CASCADE
            and isinstance(related, type)
        ):
            found += [m for m in _cascade_models(related) if m not in found]
    return found


def _truncate_when_all_synthetic(
    steps: list[tuple[str, type[models.Model], models.QuerySet[Any]]],
) -> dict[str, int] | None:
    """On PostgreSQL, when every offer, product and brand is synthetic, empty
    those tables (and what cascades from them) with TRUNCATE: deleting a
    million rows one by one makes PostgreSQL check every foreign key to them
    at commit, which takes minutes. TRUNCATE refuses when a table outside the
    list refers to them (e.g. orders of synthetic offers); then rows are
    deleted instead. None when not truncated."""
    if connection.vendor != "postgresql":
        return None
    counts: dict[str, int] = {}
    for name, model, rows in steps:
        counts[name] = rows.count()
        if model._default_manager.count() != counts[name]:
            return None
    tables: list[str] = []
    for _name, model, _rows in steps:
        for each in _cascade_models(model):
            if each._meta.db_table not in tables:
                tables.append(each._meta.db_table)
    quote = connection.ops.quote_name
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE " + ", ".join(quote(table) for table in tables))
    except DatabaseError:
        return None
    return counts


def _reset_categories() -> int:
    removed = 0
    synthetic = Category.objects.filter(code__startswith=gen.CATEGORY_PREFIX)
    _raw_delete(SpecParameter.objects.filter(category__in=synthetic.values("pk")))
    # Leaves first, then their parents: a parent is protected by its children.
    while True:
        childless = synthetic.filter(children__isnull=True)
        if not childless.exists():
            break
        if Product.objects.filter(category__in=childless.values("pk")).exists():
            raise SeedRefused("Real products are in synthetic categories; they cannot be removed.")
        removed += _raw_delete(
            Category.objects.filter(pk__in=list(childless.values_list("pk", flat=True)))
        )
    return removed


def _reset_sellers() -> int:
    registrations = Registration.objects.filter(source=gen.SOURCE)
    firm_ids = list(registrations.values_list("firm_id", flat=True))
    user_ids = list(
        Membership.objects.filter(seller_firm_id__in=firm_ids).values_list("user_id", flat=True)
    )
    for model in (SocialCategory, SellerOffice):
        _raw_delete(model._default_manager.filter(registration__in=registrations.values("pk")))
    _delete_dependants(Registration, registrations)
    _raw_delete(registrations)
    _raw_delete(Membership.objects.filter(seller_firm_id__in=_chunked(firm_ids)))
    removed = _raw_delete(SellerFirm.objects.filter(pk__in=_chunked(firm_ids)))
    _raw_delete(User.objects.filter(pk__in=_chunked(user_ids), username__startswith="syn-seller-"))
    return removed


def _chunked(ids: Iterable[int]) -> Any:
    return any_of(list(ids))
