"""Reminders (đôn đốc) from every app, queued by `doithoai remind`.

Each app that reminds registers its collector in its AppConfig.ready() — the petitions' deadlines and digests, the
plans' announcements — so this module, and the apps below, never import the apps above them. A collector returns
every Message today calls for; `send` queues only those not sent before (a reminder is keyed by its event, never by
the day), so running the command twice sends nothing twice."""

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable

from doithoai.notifications.actions import notify
from doithoai.notifications.models import Notification

KEY_BATCH = 500  # event keys looked up per query

Collector = Callable[..., list["Message"]]
_collectors: list[Collector] = []


@dataclasses.dataclass(frozen=True)
class Message:
    """One e-mail to one person about one event."""

    key: str
    kind: str
    recipient: str
    subject: str
    body: str
    user: object | None = None  # the account it is for (accounts.User)
    petition: object | None = None  # the opinion it is about, if any (petitions.Petition)
    unit_id: int | None = None  # whose outbox keeps it, when there is no petition (a digest, an announcement)


def register(collector: Collector) -> Collector:
    """Add an app's collector: `collector(units, today, **options) -> list[Message]` (once, however often called)."""
    if collector not in _collectors:
        _collectors.append(collector)
    return collector


def collect(units: list, today: dt.date, **options) -> list[Message]:
    """Every message today calls for, from every registered app (already-sent ones included: `send` skips them)."""
    messages: list[Message] = []
    for collector in _collectors:
        messages += collector(units, today, **options)
    return messages


def already_sent(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(keys), KEY_BATCH):
        batch = keys[i : i + KEY_BATCH]
        found.update(Notification.objects.filter(event_key__in=batch).values_list("event_key", flat=True))
    return found


def send(messages: list[Message]) -> Counter:
    """Queue the messages not sent before; count what was queued, per kind."""
    sent_before = already_sent([m.key for m in messages])
    queued: Counter = Counter()
    for m in messages:
        if m.key in sent_before:
            continue
        notification = notify(
            m.key,
            kind=m.kind,
            channel=Notification.Channel.EMAIL,
            recipient=m.recipient,
            subject=m.subject,
            body=m.body,
            petition=m.petition,
            recipient_user=m.user,
            unit_id=m.unit_id,
        )
        if notification is not None:
            queued[m.kind] += 1
    return queued
