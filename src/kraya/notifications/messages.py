"""The registry of message texts: each kind's renderer turns a payload into
(subject, body, link) in the active language; `deliver` activates the
recipient's language before calling it. Apps register theirs at startup
(`kraya.orders.messages`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Rendered = tuple[str, str, str]
Renderer = Callable[[dict[str, Any]], Rendered]
_RENDERERS: dict[str, Renderer] = {}


def message(kind: str) -> Callable[[Renderer], Renderer]:
    """Register the renderer of `kind`."""

    def register(fn: Renderer) -> Renderer:
        _RENDERERS[kind] = fn
        return fn

    return register


def render(kind: str, payload: dict[str, Any]) -> Rendered:
    try:
        renderer = _RENDERERS[kind]
    except KeyError:
        raise LookupError(f"no message text for {kind!r}") from None
    return renderer(payload)


def kinds() -> frozenset[str]:
    return frozenset(_RENDERERS)
