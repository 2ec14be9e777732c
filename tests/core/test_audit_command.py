"""`kraya audit verify` and `kraya audit head` (core/management/commands/audit.py)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from kraya.core import audit

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def chain():
    with transaction.atomic():
        return [audit.record(actor=None, action=f"test.{n}", payload={"n": n}) for n in range(3)]


def test_verify_says_ok_with_count_and_head(chain):
    assert run("verify") == f"OK: 3 events, head {chain[-1].hash}\n"


def test_verify_on_an_empty_log():
    assert run("verify") == f"OK: 0 events, head {audit.GENESIS_HASH}\n"


def test_head_prints_seq_and_hash(chain):
    assert run("head") == f"seq 3 hash {chain[-1].hash}\n"


def test_verify_exits_1_naming_the_first_bad_event(chain):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # DBA bypass
        cursor.execute("UPDATE core_auditevent SET action = 'test.forged' WHERE seq = 2")
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")
    with pytest.raises(CommandError) as failure:
        run("verify")
    assert failure.value.returncode == 1
    assert str(failure.value) == (
        "FAILED at event seq 2 (action 'test.forged'): content does not match its hash "
        "(1 intact before it)"
    )


def test_a_subcommand_is_required():
    with pytest.raises(CommandError, match="subcommand"):
        run()
