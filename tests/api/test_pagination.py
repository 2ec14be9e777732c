"""Cursor pagination: no row skipped or repeated, even while rows come and go."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from kraya.accounts.models import User
from kraya.api.pagination import BadCursor, paginate_queryset
from kraya.core import audit
from kraya.core.audit_models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.probe")]

EVENTS = "/probe/v1/events"
USERS = "/probe/v1/users"
# In the future, so users made by fixtures (joined now) sort after.
MOMENT = dt.datetime(2100, 4, 1, 10, 30, tzinfo=dt.UTC)


def add_events(count: int) -> list[int]:
    with transaction.atomic():
        return [audit.record(actor=None, action=f"probe.{i}").seq for i in range(count)]


def add_user(name: str, joined: dt.datetime) -> User:
    return User.objects.create_user(username=name, password="x", date_joined=joined)


def read_all(client, url: str, *, limit: int | None = None, between=None) -> list[list[dict]]:
    """Follow next_cursor to the end; `between(page_number)` runs between reads."""
    pages: list[list[dict]] = []
    params = {"limit": limit} if limit else {}
    while True:
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"items", "next_cursor"}
        pages.append(body["items"])
        if body["next_cursor"] is None:
            return pages
        if between:
            between(len(pages))
        params = {**params, "cursor": body["next_cursor"]}


@pytest.fixture
def api_client(person_client):
    return person_client


def seqs(pages: list[list[dict]]) -> list[int]:
    return [item["seq"] for page in pages for item in page]


def test_pages_cover_every_row_once_in_order(api_client):
    add_events(7)
    expected = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    pages = read_all(api_client, EVENTS)
    assert seqs(pages) == expected
    assert [len(p) for p in pages[:-1]] == [3] * (len(pages) - 1)  # the default limit
    assert 1 <= len(pages[-1]) <= 3
    assert set(pages[0][0]) == {"seq", "action"}


def test_inserts_between_reads_skip_and_repeat_nothing(api_client):
    add_events(8)
    original = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    added: list[int] = []
    pages = read_all(api_client, EVENTS, limit=4, between=lambda _n: added.extend(add_events(2)))
    seen = seqs(pages)
    assert len(seen) == len(set(seen))
    assert seen == sorted(seen)
    assert [s for s in seen if s in original] == original
    # New rows land after the cursor (seq only grows), so every one is read too.
    assert set(added) <= set(seen)


def test_descending_order_with_ties_and_inserts(api_client):
    # Ten users joined at the same instant: the primary key breaks the tie.
    for i in range(10):
        add_user(f"tie{i}", MOMENT)
    add_user("newest", MOMENT + dt.timedelta(days=1))
    add_user("oldest", MOMENT - dt.timedelta(days=3650))
    original = list(User.objects.order_by("-date_joined", "-pk").values_list("username", flat=True))

    def between(page_number: int) -> None:
        # Before the cursor (newer) and after it (older), and a tie with it.
        add_user(f"later{page_number}", MOMENT + dt.timedelta(days=10))
        add_user(f"tie-later{page_number}", MOMENT)
        # Each older than anything before it, so always after the cursor.
        add_user(f"ancient{page_number}", MOMENT - dt.timedelta(days=36500 + page_number))

    pages = read_all(api_client, USERS, limit=4, between=between)
    seen = [item["username"] for page in pages for item in page]
    assert len(seen) == len(set(seen))
    assert [name for name in seen if name in original] == original
    assert not any(name.startswith("later") for name in seen)  # inserted before the cursor
    assert {f"ancient{n}" for n in range(1, len(pages))} <= set(seen)


def test_deleting_the_cursor_row_loses_nothing():
    users = [add_user(f"u{i}", MOMENT) for i in range(6)]
    first = paginate_queryset(User.objects.all(), cursor=None, limit=3, ordering=("id",))
    assert [u.pk for u in first.items] == [u.pk for u in users[:3]]
    User.objects.filter(pk=first.items[-1].pk).delete()
    rest = paginate_queryset(
        User.objects.all(), cursor=first.next_cursor, limit=3, ordering=("id",)
    )
    assert [u.pk for u in rest.items] == [u.pk for u in users[3:]]
    assert rest.next_cursor is None


def test_mixed_directions_and_values_querysets():
    for name, days in [("b", 1), ("a", 1), ("c", 2), ("d", 0)]:
        add_user(name, MOMENT + dt.timedelta(days=days))
    queryset = User.objects.values("pk", "username", "date_joined")
    ordering = ("date_joined", "-username")
    names: list[str] = []
    cursor = None
    while True:
        page = paginate_queryset(queryset, cursor=cursor, limit=1, ordering=ordering)
        names += [row["username"] for row in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert names == ["d", "b", "a", "c"]


def test_one_query_per_page(django_assert_num_queries):
    for i in range(5):
        add_user(f"q{i}", MOMENT)
    first = paginate_queryset(User.objects.all(), cursor=None, limit=2)
    with django_assert_num_queries(1):
        page = paginate_queryset(User.objects.all(), cursor=first.next_cursor, limit=2)
    assert len(page.items) == 2


def test_limit_is_capped(api_client):
    add_events(8)
    response = api_client.get(EVENTS, {"limit": 1000})
    assert response.status_code == 200
    assert len(response.json()["items"]) == 5  # the operation's max_limit


@pytest.mark.parametrize("limit", ["0", "-1", "many"])
def test_bad_limit_is_422(api_client, limit):
    response = api_client.get(EVENTS, {"limit": limit})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation"
    assert list(response.json()["error"]["fields"]) == ["limit"]


def _cursor_after_first_page(api_client, url: str) -> str:
    response = api_client.get(url, {"limit": 1})
    cursor = response.json()["next_cursor"]
    assert cursor
    return cursor


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "eyJvIjpbInNlcSJdLCJ2IjpbMV19", "x" * 5000, "🙂", "a:b:c"],
)
def test_bad_cursor_is_422(api_client, cursor):
    add_events(3)
    response = api_client.get(EVENTS, {"cursor": cursor})
    assert response.status_code == 422
    assert response.json()["error"]["code"] in {"pagination.bad_cursor", "validation"}
    assert list(response.json()["error"]["fields"]) == ["cursor"]


def test_tampered_cursor_is_422(api_client):
    add_events(3)
    cursor = _cursor_after_first_page(api_client, EVENTS)
    tampered = cursor[:-3] + ("AAA" if cursor[-3:] != "AAA" else "BBB")
    response = api_client.get(EVENTS, {"cursor": tampered})
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "pagination.bad_cursor",
        "message": "This page link is not valid. Start again from the first page.",
        "fields": {"cursor": ["This page link is not valid. Start again from the first page."]},
    }


def test_cursor_of_another_list_is_refused(api_client):
    add_events(3)
    add_user("second", MOMENT)
    user_cursor = _cursor_after_first_page(api_client, USERS)
    response = api_client.get(EVENTS, {"cursor": user_cursor})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "pagination.bad_cursor"


def test_function_raises_bad_cursor():
    with pytest.raises(BadCursor):
        paginate_queryset(User.objects.all(), cursor="nope", limit=2)


def test_empty_list():
    page = paginate_queryset(User.objects.none(), cursor=None, limit=10)
    assert page.items == []
    assert page.next_cursor is None


def test_exact_fit_has_no_next_cursor():
    for i in range(4):
        add_user(f"fit{i}", MOMENT)
    page = paginate_queryset(User.objects.filter(username__startswith="fit"), cursor=None, limit=4)
    assert len(page.items) == 4
    assert page.next_cursor is None
