"""Helpers for decorators that wrap ninja operations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ninja.signature.utils import get_typed_signature


def resolve_signature(wrapper: Callable[..., Any], wrapped: Callable[..., Any]) -> None:
    """Give `wrapper` the signature of `wrapped` with its annotations resolved.

    ninja resolves string annotations (`from __future__ import annotations`)
    in the module of the function it is given: for a wrapper that is the
    decorator's module, where the operation's schemas are unknown. Resolving
    them here, in `wrapped`'s module, lets a decorated operation live in a
    module that postpones annotations."""
    wrapper.__signature__ = get_typed_signature(wrapped)  # type: ignore[attr-defined]
