"""Loading `policy/*.toml` once, and the lookup of the policy in force on a date."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import tomllib
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kraya.core import clock
from kraya.core.policy.sections import (
    SECTIONS,
    Bids,
    BuyingModes,
    Catalogue,
    Incidents,
    Integrity,
    Kyc,
    Mii,
    Mse,
    Orders,
    Preferences,
    Revenue,
    ReverseAuction,
    SectionVersion,
)

_CACHE_LIMIT = 4096


class PolicyFileError(ValueError):
    """A policy file is missing or malformed. The message names the file and key."""


class PolicyNotInForce(LookupError):
    """No version of some section covers the date asked for."""


@dataclass(frozen=True, slots=True)
class Policy:
    """The policy in force on `on`: one version of every section.

    `version` is the latest `effective_from` among them (e.g. `2024-08-09`);
    a decision records it with `receipt(section)`."""

    on: dt.date
    version: str
    buying_modes: BuyingModes
    kyc: Kyc
    bids: Bids
    mse: Mse
    mii: Mii
    preferences: Preferences
    reverse_auction: ReverseAuction
    orders: Orders
    revenue: Revenue
    incidents: Incidents
    catalogue: Catalogue
    integrity: Integrity  # OPEN-4

    def sections(self) -> dict[str, SectionVersion]:
        return {name: getattr(self, name) for name in SECTIONS}

    def receipt(self, section: str) -> dict[str, Any]:
        """What a decision records about the policy it applied (DESIGN: decision receipt)."""
        if section not in SECTIONS:
            raise KeyError(f"no policy section {section!r}")
        version: SectionVersion = getattr(self, section)
        return {
            "policy_version": self.version,
            "section": section,
            "section_version": version.version,
            "source": version.source,
            "provisional": version.provisional,
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "version": self.version,
            "sections": {
                name: {
                    "title": version.title,
                    "rules": list(version.rules),
                    "version": version.version,
                    "effective_from": version.effective_from.isoformat(),
                    "source": version.source,
                    "provisional": version.provisional,
                    "notes": version.notes,
                    "values": version.values(),
                }
                for name, version in self.sections().items()
            },
        }


@dataclass(frozen=True)
class PolicyBook:
    """Every version of every section, sorted by `effective_from`."""

    directory: Path
    histories: Mapping[str, tuple[SectionVersion, ...]]
    _cache: dict[dt.date, Policy] = field(default_factory=dict, repr=False, compare=False)

    @property
    def first_date(self) -> dt.date:
        """The first date on which every section has a version in force."""
        return max(history[0].effective_from for history in self.histories.values())

    def effective_dates(self) -> list[dt.date]:
        """Every date on which some section changes."""
        return sorted({v.effective_from for history in self.histories.values() for v in history})

    def at(self, on: dt.date) -> Policy:
        """The policy in force on `on` (a date in IST)."""
        if isinstance(on, dt.datetime) or not isinstance(on, dt.date):
            raise TypeError("policy is looked up by date (in IST), e.g. clock.today_ist()")
        cached = self._cache.get(on)
        if cached is not None:
            return cached
        chosen: dict[str, Any] = {}
        for name, history in self.histories.items():
            index = bisect_right([v.effective_from for v in history], on)
            if index == 0:
                raise PolicyNotInForce(
                    f"no policy in force on {on.isoformat()}: {name} starts on "
                    f"{history[0].effective_from.isoformat()}"
                )
            chosen[name] = history[index - 1]
        version = max(v.effective_from for v in chosen.values()).isoformat()
        policy = Policy(on=on, version=version, **chosen)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[on] = policy
        return policy


def _where(index: int, loc: tuple[int | str, ...]) -> str:
    path = f"versions[{index}]"
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _load_section(path: Path, section: type[SectionVersion]) -> tuple[SectionVersion, ...]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise PolicyFileError(f"{path}: not valid TOML: {error}") from None
    unknown = sorted(set(raw) - {"versions"})
    if unknown:
        raise PolicyFileError(f"{path}: unknown top-level key {unknown[0]!r} (only [[versions]])")
    versions = raw.get("versions")
    if not isinstance(versions, list) or not versions:
        raise PolicyFileError(f"{path}: versions: at least one [[versions]] table is needed")
    parsed: list[SectionVersion] = []
    for index, version in enumerate(versions):
        try:
            parsed.append(section.model_validate(version))
        except ValidationError as error:
            problems = "; ".join(
                f"{_where(index, tuple(problem['loc']))}: {problem['msg']}"
                for problem in error.errors()
            )
            raise PolicyFileError(f"{path}: {problems}") from None
    parsed.sort(key=lambda v: v.effective_from)
    for earlier, later in itertools.pairwise(parsed):
        if earlier.effective_from == later.effective_from:
            raise PolicyFileError(
                f"{path}: versions: two versions take effect on {later.effective_from}"
            )
    return tuple(parsed)


def load_book(directory: Path) -> PolicyBook:
    """Read and validate every section file in `directory`; raise `PolicyFileError`
    naming the file and key on the first problem."""
    if not directory.is_dir():
        raise PolicyFileError(f"{directory}: the policy directory does not exist")
    files = {path.stem: path for path in sorted(directory.glob("*.toml"))}
    for stem, path in files.items():
        if stem not in SECTIONS:
            raise PolicyFileError(f"{path}: no policy section {stem!r} (known: {sorted(SECTIONS)})")
    missing = sorted(set(SECTIONS) - set(files))
    if missing:
        raise PolicyFileError(f"{directory}: missing {', '.join(f'{m}.toml' for m in missing)}")
    histories = {name: _load_section(files[name], section) for name, section in SECTIONS.items()}
    return PolicyBook(directory=directory, histories=histories)


@functools.cache
def default_book() -> PolicyBook:
    """The book from `settings.KRAYA_POLICY_DIR`, loaded once per process."""
    from django.conf import settings  # imported here: rules use this module without Django

    return load_book(Path(settings.KRAYA_POLICY_DIR))


def policy_at(on: dt.date) -> Policy:
    """The policy in force on `on` (a date in IST); raises `PolicyNotInForce`
    before the first version."""
    return default_book().at(on)


def policy_in_force() -> Policy:
    """The policy in force today in India."""
    return policy_at(clock.today_ist())
