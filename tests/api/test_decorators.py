"""Decorated operations may live in modules that postpone annotations."""

from __future__ import annotations

import inspect

from django.http import HttpRequest
from ninja import Schema

from kraya.api.decorators import resolve_signature


class Payload(Schema):
    name: str


def operation(request: HttpRequest, payload: Payload, limit: int = 5) -> dict:
    return {}


def wrapper(*args, **kwargs):
    return operation(*args, **kwargs)


def test_annotations_are_resolved_in_the_wrapped_functions_module():
    assert inspect.signature(operation).parameters["payload"].annotation == "Payload"
    resolve_signature(wrapper, operation)
    parameters = inspect.signature(wrapper).parameters
    assert list(parameters) == ["request", "payload", "limit"]
    assert parameters["payload"].annotation is Payload
    assert parameters["limit"].annotation is int
    assert parameters["limit"].default == 5
