"""Reminders of announcements (thông báo trước 07 ngày), sent by `doithoai remind` with the petitions' reminders.

For each conference or business dialogue that is dated but not yet announced: to the unit's service centre
(the accounts with the publisher role) and its coordinators, "due soon" once when the last allowed day is at
most `ANNOUNCE_BEFORE` days away, and "late" once when it has passed — each keyed by the dialogue and its last
day, so rescheduling the dialogue (a new last day) reminds again and running the command twice sends nothing.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from doithoai.accounts.models import RoleAssignment, Unit
from doithoai.lib.urls import absolute_url
from doithoai.notifications.models import Notification
from doithoai.notifications.reminders import Message
from doithoai.plans import queries

ANNOUNCE_BEFORE = 2  # days before the last allowed day when the service centre is reminded


def announcement_messages(units: list[Unit], today: dt.date, **_options) -> list[Message]:
    """Today's reminders of announcements for the units (already-sent ones included: the caller skips them)."""
    unit_ids = [u.pk for u in units]
    dialogues = list(queries.due_announcements(unit_ids))
    if not dialogues:
        return []
    people: dict[int, list] = {}
    roles = (
        RoleAssignment.objects.filter(
            unit_id__in=unit_ids,
            role__in=[RoleAssignment.Role.PUBLISHER, RoleAssignment.Role.COORDINATOR],
            user__is_active=True,
        )
        .select_related("user__person")
        .order_by("user_id")
    )
    for role in roles:
        people.setdefault(role.unit_id, []).append(role.user)
    messages = []
    for dialogue in dialogues:
        last_day = dialogue.last_announcement_day
        left = (last_day - today).days
        if left > ANNOUNCE_BEFORE:
            continue
        late = left < 0
        key = f"dialogue:{dialogue.pk}:announce:{'late' if late else 'due'}:{last_day.isoformat()}"
        start = timezone.localtime(dialogue.starts_at)
        if late:
            subject = f"Quá hạn đăng thông báo: {dialogue.title}"
            when = f"hạn đăng chậm nhất là {last_day:%d/%m/%Y}, đã quá {-left} ngày"
            ask = "Xin đăng ngay; thông báo đăng muộn được ghi nhận kèm lý do."
        else:
            subject = f"Sắp đến hạn đăng thông báo: {dialogue.title}"
            when = "hôm nay là hạn đăng chậm nhất" if left == 0 else f"hạn đăng chậm nhất {last_day:%d/%m/%Y}"
            ask = "Xin đăng trên Cổng thông tin điện tử và Đài truyền thanh xã."
        body = (
            f"{dialogue.title}\nThời gian: {start:%H:%M} ngày {start:%d/%m/%Y}; địa điểm: {dialogue.place}.\n"
            f"Thông báo phải đăng ít nhất 07 ngày trước ngày tổ chức: {when}.\n{ask}\n"
            f"{absolute_url(reverse('plans:announcement', args=[dialogue.pk]))}\n"
        )
        kind = Notification.Kind.OVERDUE if late else Notification.Kind.DUE_SOON
        seen = set()
        for user in people.get(dialogue.unit_id, []):
            address = user.contact_email
            if address and address.lower() not in seen:
                seen.add(address.lower())
                messages.append(
                    Message(f"{key}:user:{user.pk}", kind, address, subject, body, user, unit_id=dialogue.unit_id)
                )
    return messages
