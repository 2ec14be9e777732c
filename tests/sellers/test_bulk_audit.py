"""`audit.record_many` (used by KYC-5 bulk registration): the same chain as
one `record` per event, written in one insert."""

from __future__ import annotations

import pytest
from django.db import transaction

from kraya.accounts.models import User
from kraya.core import audit
from kraya.core.audit_models import AuditEvent
from tests.factories import make_operator

pytestmark = pytest.mark.django_db


def test_record_many_extends_the_chain_exactly_like_record():
    operator = make_operator()
    other = make_operator()
    with transaction.atomic():
        first = audit.record(actor=operator, action="test.one", target=operator)
        written = audit.record_many(
            actor=operator,
            action="test.many",
            model=User,
            entries=[(operator.pk, {"n": 1}), (other.pk, {"n": 2, "name": "सुनीता"})],
        )
    stored = list(AuditEvent.objects.filter(seq__gt=first.seq).order_by("seq"))
    assert [(e.seq, e.action, e.object_id, e.payload) for e in stored] == [
        (first.seq + 1, "test.many", str(operator.pk), {"n": 1}),
        (first.seq + 2, "test.many", str(other.pk), {"n": 2, "name": "सुनीता"}),
    ]
    assert stored[0].prev_hash == first.hash
    assert stored[1].prev_hash == stored[0].hash
    assert written == 2
    assert stored[0].actor_id == operator.pk and stored[0].actor_label == operator.username
    assert all(audit.event_hash(event) == event.hash for event in stored)
    assert audit.verify().ok


def test_record_many_of_nothing_writes_nothing():
    with transaction.atomic():
        assert audit.record_many(actor=None, action="test.none", model=User, entries=[]) == 0
    assert not AuditEvent.objects.filter(action="test.none").exists()


@pytest.mark.django_db(transaction=True)
def test_record_many_refuses_to_run_outside_a_transaction():
    operator = make_operator()
    with pytest.raises(RuntimeError):
        audit.record_many(actor=None, action="test.x", model=User, entries=[(operator.pk, {})])
    assert not AuditEvent.objects.filter(action="test.x").exists()


def test_record_many_refuses_floats():
    operator = make_operator()
    with pytest.raises(TypeError), transaction.atomic():
        audit.record_many(
            actor=None, action="test.x", model=User, entries=[(operator.pk, {"amount": 1.5})]
        )
    assert not AuditEvent.objects.filter(action="test.x").exists()
