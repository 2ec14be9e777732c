"""Decision receipts (DESIGN: decision receipt): JSON-safe values only, a
canonical JSON round trip and a stable SHA-256 digest to re-check a stored one."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kraya.core.policy import policy_at
from kraya.core.receipts import FORMAT, DecisionReceipt, ReceiptError

json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
json_objects = st.dictionaries(st.text(max_size=8), json_values, max_size=5)
names = st.text(min_size=1, max_size=20).filter(str.strip)

receipts = st.builds(
    DecisionReceipt,
    kind=names,
    rules=st.lists(names, min_size=1, max_size=3).map(tuple),
    policy=st.lists(json_objects, max_size=2).map(tuple),
    inputs=json_objects,
    outcome=json_objects,
    message=names,
    params=json_objects,
)


def example(**changes: Any) -> DecisionReceipt:
    fields: dict[str, Any] = {
        "kind": "buying.mode",
        "rules": ("MODE-1",),
        "policy": (
            {
                "policy_version": "2024-08-09",
                "section": "buying_modes",
                "section_version": "2024-07-10",
                "source": "GFR 2017 Rule 149",
                "provisional": False,
            },
        ),
        "inputs": {"total_paise": 74_000_000, "on": "2024-12-15"},
        "outcome": {"mode": "L1"},
        "message": "buying.mode.l1",
        "params": {"total_paise": 74_000_000, "note": "सात लाख चालीस हज़ार"},
    }
    fields.update(changes)
    return DecisionReceipt(**fields)


def _shuffled(value: Any, rng: random.Random) -> Any:
    """The same JSON value with every object's keys inserted in another order."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {key: _shuffled(item, rng) for key, item in items}
    if isinstance(value, list):
        return [_shuffled(item, rng) for item in value]
    return value


# --- round trip and digest --------------------------------------------------------------


@given(receipts)
def test_json_round_trip(receipt: DecisionReceipt) -> None:
    text = receipt.to_json()
    again = DecisionReceipt.from_json(text)
    assert again == receipt
    assert again.to_json() == text
    assert again.digest() == receipt.digest()
    assert DecisionReceipt.from_dict(receipt.as_dict()) == receipt
    assert DecisionReceipt.from_json(text.encode("utf-8")) == receipt


@given(receipts, st.integers(0, 2**32))
def test_digest_ignores_key_order(receipt: DecisionReceipt, shuffle_seed: int) -> None:
    rng = random.Random(shuffle_seed)
    reordered = DecisionReceipt.from_dict(_shuffled(receipt.as_dict(), rng))
    assert reordered.digest() == receipt.digest()
    assert reordered == receipt
    assert hash(reordered) == hash(receipt)


@given(receipts)
def test_digest_is_sha256_of_canonical_json(receipt: DecisionReceipt) -> None:
    text = receipt.to_json()
    assert receipt.digest() == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert json.loads(text) == receipt.as_dict()
    assert text == json.dumps(
        json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


STABLE_DIGEST = "556629700768d7bb8e253af9fb78f86d3c6ac2a2f4819368727228a45d0ed809"


def test_canonical_json_and_digest_are_stable() -> None:
    # A stored digest must stay checkable: this text and digest are fixed forever.
    receipt = example()
    assert receipt.to_json() == (
        '{"format":1,"inputs":{"on":"2024-12-15","total_paise":74000000},'
        '"kind":"buying.mode","message":"buying.mode.l1","outcome":{"mode":"L1"},'
        '"params":{"note":"सात लाख चालीस हज़ार","total_paise":74000000},'
        '"policy":[{"policy_version":"2024-08-09","provisional":false,'
        '"section":"buying_modes","section_version":"2024-07-10",'
        '"source":"GFR 2017 Rule 149"}],"rules":["MODE-1"]}'
    )
    assert receipt.digest() == hashlib.sha256(receipt.to_json().encode("utf-8")).hexdigest()
    assert receipt.digest() == STABLE_DIGEST


def test_matches_a_stored_digest_and_detects_tampering() -> None:
    stored = example()
    digest = stored.digest()
    assert DecisionReceipt.from_json(stored.to_json()).matches(digest)
    tampered = json.loads(stored.to_json())
    tampered["outcome"]["mode"] = "DIRECT"
    assert not DecisionReceipt.from_dict(tampered).matches(digest)


def test_carries_a_policy_receipt() -> None:
    policy = policy_at(dt.date(2024, 12, 15))
    receipt = example(policy=(policy.receipt("buying_modes"),))
    assert receipt.as_dict()["policy"] == [
        {
            "policy_version": policy.version,
            "section": "buying_modes",
            "section_version": "2024-07-10",
            "source": policy.buying_modes.source,
            "provisional": False,
        }
    ]
    assert receipt.as_dict()["format"] == FORMAT == 1


# --- values are copied and JSON-safe ------------------------------------------------------


def test_later_changes_to_the_callers_values_do_not_reach_the_receipt() -> None:
    inputs: dict[str, Any] = {"ids": ["a", "b"], "nested": {"n": 1}}
    receipt = example(inputs=inputs)
    digest = receipt.digest()
    inputs["ids"].append("c")
    inputs["nested"]["n"] = 2
    assert receipt.inputs == {"ids": ["a", "b"], "nested": {"n": 1}}
    assert receipt.digest() == digest
    receipt.as_dict()["inputs"]["ids"].append("d")
    assert receipt.digest() == digest


def test_tuples_are_stored_as_lists_and_rules_as_a_tuple() -> None:
    receipt = example(inputs={"pair": (1, "x")}, rules=["MODE-1", "MODE-5"])
    assert receipt.inputs == {"pair": [1, "x"]}
    assert receipt.rules == ("MODE-1", "MODE-5")


def test_true_and_one_make_different_receipts() -> None:
    assert example(outcome={"allowed": True}) != example(outcome={"allowed": 1})
    assert example(outcome={"allowed": True}).digest() != example(outcome={"allowed": 1}).digest()


@pytest.mark.parametrize(
    "inputs",
    [
        {"price": 12.5},
        {"nested": [{"rate": 0.3}]},
        {"when": dt.date(2024, 7, 10)},
        {1: "integer key"},
        {"ids": {"a", "b"}},
    ],
)
def test_refuses_values_json_cannot_carry_exactly(inputs: dict[Any, Any]) -> None:
    with pytest.raises(ReceiptError):
        example(inputs=inputs)


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": ""},
        {"kind": "  "},
        {"message": ""},
        {"rules": ()},
        {"rules": "MODE-1"},
        {"rules": ("MODE-1", "")},
        {"policy": {"section": "buying_modes"}},
        {"policy": ("not an object",)},
        {"inputs": ["not", "an", "object"]},
        {"outcome": None},
    ],
)
def test_refuses_malformed_fields(changes: dict[str, Any]) -> None:
    with pytest.raises(ReceiptError):
        example(**changes)


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"format":1}',
        '{"format":1,"inputs":{"rate":0.5},"kind":"k","message":"m","outcome":{},'
        '"params":{},"policy":[],"rules":["R-1"]}',
        '{"format":1,"inputs":{"rate":NaN},"kind":"k","message":"m","outcome":{},'
        '"params":{},"policy":[],"rules":["R-1"]}',
        '{"format":2,"inputs":{},"kind":"k","message":"m","outcome":{},'
        '"params":{},"policy":[],"rules":["R-1"]}',
        '{"format":true,"inputs":{},"kind":"k","message":"m","outcome":{},'
        '"params":{},"policy":[],"rules":["R-1"]}',
        '{"format":1,"inputs":{},"kind":"k","message":"m","outcome":{},'
        '"params":{},"policy":[],"rules":["R-1"],"extra":1}',
        '{"format":1,"inputs":{},"kind":"k","message":"m","outcome":{},'
        '"params":{},"policy":{},"rules":["R-1"]}',
    ],
)
def test_from_json_refuses_what_to_json_never_writes(text: str) -> None:
    with pytest.raises(ReceiptError):
        DecisionReceipt.from_json(text)


def test_from_json_accepts_any_spelling_of_the_same_receipt() -> None:
    receipt = example()
    pretty = json.dumps(receipt.as_dict(), indent=2, ensure_ascii=True)
    assert DecisionReceipt.from_json(pretty) == receipt


def test_frozen() -> None:
    receipt = example()
    with pytest.raises(AttributeError):
        receipt.kind = "other"  # type: ignore[misc]
