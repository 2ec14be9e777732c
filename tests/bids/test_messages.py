"""The bid services share one MESSAGES table that each module extends at
import: a code defined twice would silently take the last module's text."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import kraya.bids.services as services


def _codes(path: Path) -> list[str]:
    """The `bids.*` keys of the dicts given to MESSAGES in one module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        is_messages = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "MESSAGES"
        ) or (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == "MESSAGES"
        )
        if not is_messages:
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Dict):
                found += [
                    key.value
                    for key in inner.keys
                    if isinstance(key, ast.Constant) and str(key.value).startswith("bids.")
                ]
    return found


def test_every_bids_message_code_is_defined_once() -> None:
    counts: Counter[str] = Counter()
    for path in Path(services.__file__).parent.glob("*.py"):
        counts.update(_codes(path))
    assert counts, "no message codes found"
    assert [code for code, n in counts.items() if n > 1] == []
