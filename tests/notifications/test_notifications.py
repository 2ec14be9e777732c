"""Notifications (issue 7): rendered in each person's language, one inbox
row and one email per (person, key) however often the outbox message is
handled, and an inbox nobody else can read."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from kraya.core import outbox
from kraya.core.models import OutboxMessage
from kraya.notifications.models import Notification
from kraya.notifications.services import deliver, notify
from tests.orders.flow import bid_order

pytestmark = pytest.mark.django_db


def send(world, users, key="k1"):
    order = bid_order(world, quantity=2, unit_price_paise=100_00)
    mail.outbox.clear()
    OutboxMessage.objects.all().delete()
    with transaction.atomic():
        notify(users=users, kind="orders.accepted", payload={"order_id": order.pk}, key=key)
    outbox.dispatch_all()
    return order


def test_each_person_reads_it_in_their_language(world) -> None:
    world.buyer.preferred_language = "hi"
    world.buyer.save()
    world.consignee.preferred_language = "en"
    world.consignee.save()
    order = send(world, [world.buyer, world.consignee])
    english = Notification.objects.get(user=world.consignee)
    hindi = Notification.objects.get(user=world.buyer)
    assert english.subject == f"Order {order.number} accepted"
    assert english.link == f"/orders/{order.number}/"
    assert hindi.subject != english.subject and order.number in hindi.subject
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.buyer.email, world.consignee.email]
    )
    assert all(n.emailed_at is not None for n in (english, hindi))


def test_a_message_handled_twice_makes_one_row_and_one_email(world) -> None:
    send(world, [world.buyer])
    [message] = OutboxMessage.objects.all()
    deliver(dict(message.payload))  # a redelivery after a crash
    assert Notification.objects.filter(user=world.buyer).count() == 1
    assert len(mail.outbox) == 1


def test_an_unknown_kind_is_refused_at_once(world) -> None:
    with pytest.raises(LookupError), transaction.atomic():
        notify(users=[world.buyer], kind="nobody.knows", payload={}, key="x")


def test_inbox_page_and_api_show_only_the_owners_notifications(world) -> None:
    send(world, [world.buyer])
    note = Notification.objects.get(user=world.buyer)
    anonymous = Client()
    assert anonymous.get("/inbox/").status_code == 302
    assert anonymous.get("/api/v1/notifications").status_code == 401
    other = Client()
    other.force_login(world.consignee)
    assert note.subject not in other.get("/inbox/").content.decode()
    assert other.post(f"/inbox/{note.pk}/read").status_code == 404
    assert other.post(f"/api/v1/notifications/{note.pk}/read").status_code == 404
    assert other.get("/api/v1/notifications").json()["items"] == []
    owner = Client()
    owner.force_login(world.buyer)
    page = owner.get("/inbox/").content.decode()
    assert note.subject in page and "Inbox (1)" in page
    listed = owner.get("/api/v1/notifications").json()
    assert listed["unread"] == 1 and listed["items"][0]["subject"] == note.subject
    assert owner.post(f"/inbox/{note.pk}/read").status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert "Inbox (1)" not in owner.get("/inbox/").content.decode()


def test_mark_all_read(world) -> None:
    send(world, [world.buyer], key="a")
    owner = Client()
    owner.force_login(world.buyer)
    assert owner.post("/inbox/read-all").status_code == 302
    assert not Notification.objects.filter(user=world.buyer, read_at__isnull=True).exists()
