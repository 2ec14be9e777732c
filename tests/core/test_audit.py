"""The audit log (OPEN-5): an append-only SHA-256 chain; tampering is found
and named; PostgreSQL refuses UPDATE and DELETE by trigger."""

import itertools
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from kraya.core import audit
from kraya.core.audit_models import AuditEvent

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)


@pytest.fixture
def users(django_user_model):
    make = django_user_model.objects.create_user
    return make(username="asha"), make(username="ravi")


@pytest.fixture
def chain(users):
    asha, ravi = users
    with transaction.atomic():
        return [
            audit.record(actor=asha, action="offer.publish", target=ravi, payload={"n": 1}),
            audit.record(actor=ravi, action="order.place", payload={"amount_paise": 1234567}),
            audit.record(actor=None, action="bid.open", payload={"bidders": ["a", "b"]}),
            audit.record(actor=asha, action="order.pay", payload={"amount_paise": 99}),
        ]


def tamper(sql: str, params: list) -> None:
    """Change rows behind the application's back, as a DBA could: on
    PostgreSQL the trigger has to be switched off first (rolled back with the test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"
            )
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


def test_record_appends_links_to_the_chain(chain, users):
    asha, ravi = users
    stored = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in stored] == [1, 2, 3, 4]
    assert stored[0].prev_hash == audit.GENESIS_HASH
    for earlier, later in itertools.pairwise(stored):
        assert later.prev_hash == earlier.hash
    for event in stored:
        assert audit.event_hash(event) == event.hash
        assert len(event.hash) == 64
    first = stored[0]
    assert (first.actor_id, first.actor_label, first.action) == (asha.pk, "asha", "offer.publish")
    assert (first.object_type, first.object_id) == ("accounts.user", str(ravi.pk))
    assert stored[2].actor_id is None
    assert stored[2].actor_label == "system"
    assert audit.head() == (4, stored[3].hash)


def test_verify_accepts_an_intact_chain(chain):
    result = audit.verify(batch_size=2)  # across several fetches
    assert result == audit.VerifyResult(True, 4, head_seq=4, head_hash=chain[-1].hash)


def test_an_empty_log_verifies():
    assert audit.verify() == audit.VerifyResult(True, 0)
    assert audit.head() == (0, audit.GENESIS_HASH)


def test_payload_is_hashed_as_stored(users):
    with transaction.atomic():
        event = audit.record(
            actor=users[0], action="x", payload={"price": Decimal("1.50"), "ids": (1, 2)}
        )
    event.refresh_from_db()
    assert event.payload == {"price": "1.50", "ids": [1, 2]}
    assert audit.event_hash(event) == event.hash


def test_floats_are_refused_in_payloads(users):
    with transaction.atomic(), pytest.raises(TypeError, match=r"payload\.rows\[1\]\.x is a float"):
        audit.record(actor=users[0], action="x", payload={"rows": [{"x": 1}, {"x": 0.5}]})
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("column", "value", "stored_action"),
    [
        ("payload", '{"amount_paise": 1}', "order.place"),
        ("action", "order.cancel", "order.cancel"),
        ("object_id", "999", "order.place"),
        ("actor_label", "someone", "order.place"),
    ],
)
def test_tampering_with_content_is_found_and_named(chain, column, value, stored_action):
    tamper(f"UPDATE core_auditevent SET {column} = %s WHERE seq = 2", [value])
    result = audit.verify()
    assert not result.ok
    assert (result.first_bad_seq, result.first_bad_action) == (2, stored_action)
    assert result.reason == "content does not match its hash"
    assert (result.checked, result.head_seq) == (1, 1)


def test_tampering_with_the_actor_is_found(chain, users):
    tamper("UPDATE core_auditevent SET actor_id = %s WHERE seq = 1", [users[1].pk])
    result = audit.verify()
    assert (result.ok, result.first_bad_seq, result.first_bad_action) == (False, 1, "offer.publish")


def test_a_rehashed_row_breaks_the_link_to_the_next(chain):
    # A forger who also recomputes the row's own hash is caught by the next row.
    event = AuditEvent.objects.get(seq=3)
    event.payload = {"bidders": ["a"]}
    tamper(
        "UPDATE core_auditevent SET payload = %s, hash = %s WHERE seq = 3",
        ['{"bidders": ["a"]}', audit.event_hash(event)],
    )
    result = audit.verify()
    assert (result.first_bad_seq, result.first_bad_action) == (4, "order.pay")
    assert result.reason == "prev_hash does not link to the previous event"


def test_a_deleted_row_leaves_a_gap(chain):
    tamper("DELETE FROM core_auditevent WHERE seq = 2", [])
    result = audit.verify()
    assert (result.ok, result.first_bad_seq, result.first_bad_action) == (False, 3, "bid.open")
    assert result.reason == "gap: expected seq 2, found 3"


@postgresql_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET action = 'x' WHERE seq = 1",
        "DELETE FROM core_auditevent WHERE seq = 4",
    ],
)
def test_postgresql_refuses_update_and_delete_in_sql(chain, sql):
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert audit.verify().ok


@postgresql_only
def test_postgresql_refuses_update_and_delete_through_the_orm(chain):
    with pytest.raises(IntegrityError, match="UPDATE of seq 1 refused"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(action="x")
    event = AuditEvent.objects.get(seq=2)
    event.action = "order.cancel"
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        event.save()
    with pytest.raises(IntegrityError, match="DELETE of seq 4 refused"), transaction.atomic():
        AuditEvent.objects.get(seq=4).delete()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 4
    assert audit.verify().ok


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused(django_user_model):
    user = django_user_model.objects.create_user(username="asha")
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit.record(actor=user, action="offer.publish")
    assert not AuditEvent.objects.exists()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_make_one_valid_chain():
    writers, per_writer = 4, 15
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def append(name: str) -> None:
        try:
            start.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    audit.record(actor=None, action=f"test.{name}", payload={"i": i})
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(f"w{n}",)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    result = audit.verify()
    assert (result.ok, result.checked) == (True, writers * per_writer)
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(
        range(1, writers * per_writer + 1)
    )
