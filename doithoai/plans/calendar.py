"""iCalendar (RFC 5545) for dialogues: a dialogue with only a tentative month is an all-day event over
that month with STATUS:TENTATIVE; a cancelled one is STATUS:CANCELLED (calendars that subscribed remove it)."""

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from doithoai.lib import clock
from doithoai.plans.models import Dialogue


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def dialogue_event(dialogue: Dialogue, base_url: str = "") -> Event:
    event = Event()
    event.add("uid", f"dialogue-{dialogue.pk}@{dialogue.unit.slug}.doithoai")
    event.add("dtstamp", clock.now())
    event.add("summary", dialogue.title)
    if dialogue.place:
        event.add("location", dialogue.place)
    cancelled = dialogue.status == Dialogue.Status.CANCELLED
    if cancelled:
        event["summary"] = f"[Đã hủy] {dialogue.title}"
    notice = f"Buổi đã bị hủy: {dialogue.cancellation_reason}" if cancelled else ""
    description = "\n\n".join(part for part in (notice, dialogue.audience, dialogue.content) if part)
    if description:
        event.add("description", description)
    if dialogue.starts_at:
        event.add("dtstart", timezone.localtime(dialogue.starts_at))
        end = dialogue.ends_at or dialogue.starts_at + dt.timedelta(hours=3)
        event.add("dtend", timezone.localtime(end))
        event.add("status", "CONFIRMED")
    else:
        month = dialogue.tentative_month.replace(day=1)
        event.add("dtstart", month)
        event.add("dtend", _next_month(month))
        event.add("status", "TENTATIVE")
    if cancelled:
        event["status"] = "CANCELLED"
    if base_url:
        event.add("url", base_url + reverse("portal:dialogue_detail", args=[dialogue.pk]))
    return event


def calendar_bytes(dialogues: Iterable[Dialogue], name: str, base_url: str = "") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Doi thoai//doithoai//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    for dialogue in dialogues:
        calendar.add_component(dialogue_event(dialogue, base_url))
    calendar.add_missing_timezones()
    return calendar.to_ical()
