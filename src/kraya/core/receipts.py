"""Decision receipts (DESIGN: "a decision records the policy version and the
clause it applied"): what a rule decided, from which inputs, under which
policy, and why, as one immutable JSON value that can be stored, shown,
returned by the API and re-checked later.

A receipt holds only JSON-safe values: `None`, booleans, integers, strings,
lists and string-keyed objects. Money is integer paise and dates are ISO
strings (`2024-07-10`); floats are refused, because a receipt must mean the
same thing in every language that reads it. Tuples are accepted and stored as
lists. Values are copied on the way in, so a caller mutating its own dict
afterwards cannot change a receipt.

The explanation is a message code with parameters (`buying.mode.l1`,
`{"total_paise": 74000000, ...}`), not a sentence: the UI translates it.

`to_json()` is canonical (keys sorted, no spaces, UTF-8, non-ASCII kept as
is), so `digest()`, the SHA-256 of it, is stable: store the digest next to the
receipt (or in the audit log) and `matches(digest)` later shows it was not
altered. Equality is equality of the canonical JSON (so `True` and `1`,
equal in Python, make different receipts, as they do in JSON).

Pure Python: rules import this module (no Django)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# The receipt layout; bump when a field is added, and keep reading the old one.
FORMAT = 1
_FIELDS = frozenset({"format", "kind", "rules", "policy", "inputs", "outcome", "message", "params"})


class ReceiptError(ValueError):
    """A value that cannot be (or is not) a decision receipt."""


def _json_safe(value: Any, where: str) -> Any:
    """A deep copy of `value` with tuples as lists; refuses what JSON cannot
    carry exactly (floats, non-string keys, other objects)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)  # an IntEnum or other int subclass becomes a plain int
    if isinstance(value, list | tuple):
        return [_json_safe(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, Mapping):
        copied = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ReceiptError(f"{where}: object keys must be strings, not {key!r}")
            copied[key] = _json_safe(item, f"{where}.{key}")
        return copied
    if isinstance(value, float):
        raise ReceiptError(f"{where}: floats are inexact; use integer paise or a string")
    raise ReceiptError(f"{where}: {type(value).__name__} is not JSON-safe")


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ReceiptError(f"{where} must be an object, not {type(value).__name__}")
    copied: dict[str, Any] = _json_safe(value, where)
    return copied


def _refuse_float(text: str) -> Any:
    raise ReceiptError(f"floats are not allowed in a receipt: {text}")


def _refuse_constant(text: str) -> Any:
    raise ReceiptError(f"{text} is not allowed in a receipt")


@dataclass(frozen=True, eq=False)
class DecisionReceipt:
    """One decision: `kind` (`buying.mode`, `buying.l1`, `buying.split`, ...),
    the rule ids applied (`MODE-1`), the policy receipts (`Policy.receipt(section)`,
    one per section used, possibly none), the inputs, the outcome, and the
    explanation as a message code with parameters."""

    kind: str
    rules: tuple[str, ...]
    policy: tuple[dict[str, Any], ...]
    inputs: dict[str, Any]
    outcome: dict[str, Any]
    message: str
    params: dict[str, Any]

    def __post_init__(self) -> None:
        for name in ("kind", "message"):
            text = getattr(self, name)
            if not isinstance(text, str) or not text.strip():
                raise ReceiptError(f"{name} must be a non-blank string")
        if isinstance(self.rules, str) or not isinstance(self.rules, Iterable):
            raise ReceiptError("rules must be a sequence of rule ids, e.g. ('MODE-1',)")
        rules = tuple(self.rules)
        if not rules or not all(isinstance(rule, str) and rule.strip() for rule in rules):
            raise ReceiptError("rules must name at least one rule id, each a non-blank string")
        if isinstance(self.policy, Mapping) or not isinstance(self.policy, Iterable):
            raise ReceiptError("policy must be a sequence of policy receipts")
        policy = tuple(_object(item, f"policy[{index}]") for index, item in enumerate(self.policy))
        # The fields are frozen; these assignments store the validated copies.
        object.__setattr__(self, "rules", rules)
        object.__setattr__(self, "policy", policy)
        for name in ("inputs", "outcome", "params"):
            object.__setattr__(self, name, _object(getattr(self, name), name))

    # --- the JSON form ------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        """The JSON-ready object (a fresh copy): what the API returns."""
        return {
            "format": FORMAT,
            "kind": self.kind,
            "rules": list(self.rules),
            "policy": _json_safe(self.policy, "policy"),
            "inputs": _json_safe(self.inputs, "inputs"),
            "outcome": _json_safe(self.outcome, "outcome"),
            "message": self.message,
            "params": _json_safe(self.params, "params"),
        }

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, no insignificant spaces, non-ASCII kept."""
        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DecisionReceipt:
        """The receipt `as_dict()` gave; raises `ReceiptError` on anything else."""
        if not isinstance(data, Mapping):
            raise ReceiptError("a receipt is a JSON object")
        keys = set(data)
        if keys != _FIELDS:
            missing, unknown = sorted(_FIELDS - keys), sorted(keys - _FIELDS)
            raise ReceiptError(f"receipt fields: missing {missing}, unknown {unknown}")
        if data["format"] != FORMAT or isinstance(data["format"], bool):
            raise ReceiptError(f"unknown receipt format {data['format']!r} (this is {FORMAT})")
        if not isinstance(data["rules"], list) or not isinstance(data["policy"], list):
            raise ReceiptError("rules and policy must be lists")
        return cls(
            kind=data["kind"],
            rules=tuple(data["rules"]),
            policy=tuple(data["policy"]),
            inputs=data["inputs"],
            outcome=data["outcome"],
            message=data["message"],
            params=data["params"],
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> DecisionReceipt:
        """The receipt `to_json()` gave (any JSON spelling of it is accepted)."""
        try:
            data = json.loads(text, parse_float=_refuse_float, parse_constant=_refuse_constant)
        except json.JSONDecodeError as error:
            raise ReceiptError(f"not JSON: {error}") from None
        return cls.from_dict(data)

    # --- re-checking --------------------------------------------------------------

    def digest(self) -> str:
        """SHA-256 (hex) of the canonical JSON: the same receipt, the same digest,
        whatever the order its objects' keys were given in."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    def matches(self, digest: str) -> bool:
        """Whether a stored digest is this receipt's."""
        return digest == self.digest()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DecisionReceipt):
            return NotImplemented
        return self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash(self.digest())


@dataclass(frozen=True, slots=True)
class Decision:
    """A rule's yes/no outcome: the rule that decided, a stable code when
    refused (blank when allowed), and the receipt to store with it."""

    allowed: bool
    rule: str
    code: str
    receipt: DecisionReceipt
