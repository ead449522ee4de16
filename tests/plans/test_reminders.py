"""`doithoai remind` reminds the service centre of announcements due within 2 days or late, once each."""

import datetime as dt

import pytest
import time_machine

from doithoai.lib.clock import local_datetime
from doithoai.notifications.models import Notification
from doithoai.petitions import reminders
from doithoai.plans import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(plans_world):
    for user in (plans_world.publisher, plans_world.coordinator, plans_world.agency):
        user.email = f"{user.username}@tanyen.example"
        user.save(update_fields=["email"])
    return plans_world


def _conference(w, day: dt.date):
    actions.schedule_dialogue(
        w.dialogue, starts_at=local_datetime(day, 8), ends_at=None, place="Hội trường", by=w.coordinator
    )
    w.dialogue.refresh_from_db()
    return w.dialogue


def _announce_messages():
    return Notification.objects.filter(event_key__contains=":announce:").order_by("recipient")


def test_due_soon_goes_to_the_centre_and_the_office_once(w):
    _conference(w, dt.date(2026, 12, 6))  # last allowed day 29/11: two days after 27/11
    reminders.run(any_day=True)
    sent = list(_announce_messages())
    assert [m.recipient for m in sent] == ["trungtam@tanyen.example", "vanphong@tanyen.example"]
    assert {m.kind for m in sent} == {Notification.Kind.DUE_SOON}
    assert (
        "hạn đăng chậm nhất 29/11/2026" in sent[0].body and f"/can-bo/buoi/{w.dialogue.pk}/thong-bao/" in sent[0].body
    )
    reminders.run(any_day=True)
    assert _announce_messages().count() == 2  # the same day again: nothing new


def test_nothing_before_the_window_then_late_once_the_day_has_passed(w):
    _conference(w, dt.date(2026, 12, 18))  # last allowed day 11/12
    reminders.run(any_day=True)
    assert not _announce_messages().exists()
    with time_machine.travel(local_datetime(dt.date(2026, 12, 12), 9), tick=False):
        reminders.run(any_day=True)
    late = list(_announce_messages())
    assert len(late) == 2 and {m.kind for m in late} == {Notification.Kind.OVERDUE}
    assert "đã quá 1 ngày" in late[0].body


def test_an_announced_or_regular_dialogue_is_not_reminded(w):
    dialogue = _conference(w, dt.date(2026, 12, 6))
    actions.announce(dialogue, by=w.publisher)
    reminders.run(any_day=True)
    assert not _announce_messages().exists()
    w.other_dialogue.kind = "regular"
    w.other_dialogue.save(update_fields=["kind"])
    actions.schedule_dialogue(
        w.other_dialogue,
        starts_at=local_datetime(dt.date(2026, 12, 3), 8),
        ends_at=None,
        place="Hội trường",
        by=w.coordinator,
    )
    reminders.run(any_day=True)
    assert not _announce_messages().exists()
