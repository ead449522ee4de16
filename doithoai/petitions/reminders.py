"""Reminders (đôn đốc, DESIGN.md §3): what `doithoai remind` sends each morning.

For every commune and every current assignment still open:
  * "due soon" to the lead agency (its officers and its own address) when the deadline is `before` working days
    away or less, once per assignment and deadline (a granted extension is a new deadline, so a new reminder);
  * "overdue" once the deadline has passed, then again every 5 working days while it stays overdue;
  * "escalation" to the chair(s) once an item is overdue by more than `escalate_after` working days;
and a daily digest to each coordinator. Items forwarded to a higher authority (no accounts there), or whose lead
agency cannot be reached, are reminded to the coordinators instead. Other apps add their own reminders through
notifications.reminders (plans/reminders.py: the service centre's announcements due within 2 days or late).

Every message goes through notifications.notify with an event key naming the event, so running the command
again the same day sends nothing new. Messages carry the tracking code and the public summary, never a
submitter's identity (for khiếu nại and tố cáo: the code only). Queries are fetched in bulk: their number does
not grow with the number of open items (only the inserts of new messages do).
"""

import dataclasses
import datetime as dt
import logging
from collections import Counter, defaultdict

from django.conf import settings
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from doithoai.accounts.models import Organization, RoleAssignment, Unit, User
from doithoai.lib import clock, workdays
from doithoai.lib.confidential import CONFIDENTIAL_KINDS
from doithoai.lib.urls import absolute_url
from doithoai.notifications import reminders as notifications_reminders
from doithoai.notifications.models import Notification
from doithoai.notifications.reminders import Message
from doithoai.petitions import deadlines
from doithoai.petitions.models import ASSIGNMENT_IN_HAND, AWAITING_ANSWER, Assignment, Petition

logger = logging.getLogger(__name__)

N = Notification.Kind
Role = RoleAssignment.Role
S = Petition.Status
OVERDUE_EVERY = 5  # working days between two overdue reminders of the same item
DIGEST_CODES = 20  # overdue codes listed in a digest
OPEN_PETITION = (S.ASSIGNED, S.FORWARDED)
# What the messages need of an assignment (never the petition's full text: 10,000 of them are read at once).
ASSIGNMENT_FIELDS = (
    "petition",
    "lead",
    "deadline",
    "outgoing_number",
    "outgoing_date",
    "lead__name",
    "lead__kind",
    "lead__email",
    "petition__unit",
    "petition__code",
    "petition__kind",
    "petition__public_summary",
)


class WorkCalendar:
    """Working days over a window of dates, from one CalendarDay query (holidays and the state's day-swaps)."""

    def __init__(self, start: dt.date, end: dt.date):
        off, working = deadlines.calendar_exceptions(start, end)
        self.start, self.end = start, end
        self._rank: dict[dt.date, int] = {}
        self._working: set[dt.date] = set()
        count, day = 0, start
        while day <= end:
            if workdays.is_working_day(day, off, working):
                count += 1
                self._working.add(day)
            self._rank[day] = count
            day += dt.timedelta(days=1)

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (as deadlines.working_days_between)."""
        return self._rank[end] - self._rank[start] if end > start else 0

    def previous_working_day(self, day: dt.date) -> dt.date:
        current = day - dt.timedelta(days=1)
        while current > self.start and current not in self._working:
            current -= dt.timedelta(days=1)
        return current

    def add(self, day: dt.date, days: int) -> dt.date:
        """The date `days` working days after `day` (as deadlines.add_working_days)."""
        current = day
        while days and current < self.end:
            current += dt.timedelta(days=1)
            days -= current in self._working
        return current


@dataclasses.dataclass
class Staff:
    """The accounts reminders go to, per organisation (agency officers) and per unit (coordinators, chairs)."""

    officers: dict[int, list[User]]
    coordinators: dict[int, list[User]]
    chairs: dict[int, list[User]]

    @classmethod
    def load(cls, unit_ids: list[int]) -> "Staff":
        officers, coordinators, chairs = defaultdict(list), defaultdict(list), defaultdict(list)
        rows = (
            RoleAssignment.objects.filter(
                unit_id__in=unit_ids, role__in=[Role.AGENCY, Role.COORDINATOR, Role.CHAIR], user__is_active=True
            )
            .select_related("user__person")
            .order_by("user_id")
        )
        for role in rows:
            if role.role == Role.AGENCY:
                officers[role.organization_id].append(role.user)
            else:
                (coordinators if role.role == Role.COORDINATOR else chairs)[role.unit_id].append(role.user)
        return cls(officers, coordinators, chairs)


def _people(users, key: str) -> list[tuple[str, User | None, str]]:
    """(event key, account, address) for each account with an address, one message per address."""
    seen, out = set(), []
    for user in users:
        address = user.contact_email
        if address and address.lower() not in seen:
            seen.add(address.lower())
            out.append((f"{key}:user:{user.pk}", user, address))
    return out


def _staff_url(petition: Petition) -> str:
    try:
        path = reverse("petitions:detail", args=[petition.pk])
    except NoReverseMatch:
        path = reverse("portal:staff_home")
    return absolute_url(path)


def _about(petition: Petition) -> str:
    """The code and the public summary; a complaint or denunciation is named by its code only."""
    if petition.kind in CONFIDENTIAL_KINDS:
        return f"Ý kiến mã {petition.code}"
    return f"Ý kiến mã {petition.code}: {petition.public_summary.strip() or '(chưa có tóm tắt)'}"


def _handling(assignment: Assignment) -> str:
    if assignment.lead.kind == Organization.Kind.HIGHER_AUTHORITY:
        document = ""
        if assignment.outgoing_number:
            document = f" (Công văn số {assignment.outgoing_number}"
            document += f" ngày {assignment.outgoing_date:%d/%m/%Y})" if assignment.outgoing_date else ")"
        return f"Đã chuyển {assignment.lead.name}{document}"
    return f"Giao {assignment.lead.name} chủ trì"


# ---------------------------------------------------------------- what each assignment calls for


def _handlers(assignment: Assignment, staff: Staff, key: str) -> tuple[list, bool]:
    """Who is reminded: the lead agency's officers and address, or (forwarded, unreachable) the coordinators."""
    lead = assignment.lead
    if lead.kind != Organization.Kind.HIGHER_AUTHORITY:
        people = _people(staff.officers.get(lead.pk, []), key)
        if lead.email and lead.email.lower() not in {address.lower() for _, _, address in people}:
            people.append((f"{key}:org", None, lead.email))
        if people:
            return people, False
    return _people(staff.coordinators.get(assignment.petition.unit_id, []), key), True


def _due_soon(assignment: Assignment, left: int, staff: Staff) -> list[Message]:
    petition = assignment.petition
    key = f"assignment:{assignment.pk}:due:{assignment.deadline.isoformat()}"
    people, to_coordinators = _handlers(assignment, staff, key)
    when = "hôm nay là hạn cuối" if left == 0 else f"còn {left} ngày làm việc"
    subject = f"Sắp đến hạn: ý kiến {petition.code}, hạn {assignment.deadline:%d/%m/%Y}"
    ask = (
        "Xin đôn đốc cơ quan được giao, chuyển trả lời lên hệ thống khi nhận được."
        if to_coordinators
        else "Xin cập nhật kết quả giải quyết, hoặc xin gia hạn nếu cần thêm thời gian."
    )
    body = (
        f"{_about(petition)}\n{_handling(assignment)}; hạn trả lời {assignment.deadline:%d/%m/%Y} ({when}).\n"
        f"{ask}\n{_staff_url(petition)}\n"
    )
    return [Message(k, N.DUE_SOON, address, subject, body, user, petition) for k, user, address in people]


def _overdue(assignment: Assignment, late: int, staff: Staff) -> list[Message]:
    petition = assignment.petition
    step = late // OVERDUE_EVERY
    key = f"assignment:{assignment.pk}:overdue:{assignment.deadline.isoformat()}:{step}"
    people, to_coordinators = _handlers(assignment, staff, key)
    how_late = f"đã quá hạn {late} ngày làm việc" if late else "đã quá hạn"
    subject = f"Quá hạn: ý kiến {petition.code} (hạn {assignment.deadline:%d/%m/%Y})"
    ask = (
        "Xin đôn đốc cơ quan có thẩm quyền trả lời."
        if to_coordinators
        else "Xin khẩn trương trả lời, hoặc báo cáo lý do và xin gia hạn."
    )
    body = (
        f"{_about(petition)}\n{_handling(assignment)}; hạn trả lời {assignment.deadline:%d/%m/%Y}, {how_late}.\n"
        f"{ask}\n{_staff_url(petition)}\n"
    )
    return [Message(k, N.OVERDUE, address, subject, body, user, petition) for k, user, address in people]


def _escalation(assignment: Assignment, late: int, threshold: int, staff: Staff) -> list[Message]:
    petition = assignment.petition
    key = f"assignment:{assignment.pk}:escalate:{assignment.deadline.isoformat()}"
    subject = f"Quá hạn kéo dài: ý kiến {petition.code}"
    body = (
        f"{_about(petition)}\n{_handling(assignment)}; hạn trả lời {assignment.deadline:%d/%m/%Y}, "
        f"đã quá hạn {late} ngày làm việc (quá {threshold} ngày làm việc thì báo cáo Thường trực).\n"
        f"{_staff_url(petition)}\n"
    )
    people = _people(staff.chairs.get(petition.unit_id, []), key)
    return [Message(k, N.ESCALATION, address, subject, body, user, petition) for k, user, address in people]


def assignment_messages(
    assignment: Assignment, today: dt.date, cal: WorkCalendar, staff: Staff, *, before: int, escalate_after: int
) -> list[Message]:
    deadline = assignment.deadline
    if deadline < today:
        late = cal.between(deadline, today)
        messages = _overdue(assignment, late, staff)
        if late > escalate_after:
            messages += _escalation(assignment, late, escalate_after, staff)
        return messages
    if deadline <= cal.end and cal.between(today, deadline) <= before:
        return _due_soon(assignment, cal.between(today, deadline), staff)
    return []


# ---------------------------------------------------------------- the coordinators' digest


def digest_messages(units: list[Unit], today: dt.date, cal: WorkCalendar, staff: Staff, before: int) -> list[Message]:
    """One digest a day per coordinator: counts, and the codes of the longest-overdue items."""
    since = clock.local_datetime(cal.previous_working_day(today))
    until = clock.local_datetime(today)
    horizon, beyond = cal.add(today, before), cal.add(today, before + 1)
    awaiting = Q(status__in=AWAITING_ANSWER)
    rows = (
        Petition.objects.filter(unit__in=units)
        .order_by()
        .values("unit_id")
        .annotate(
            new=Count("pk", filter=Q(received_at__gte=since, received_at__lt=until)),
            unclassified=Count("pk", filter=Q(status=S.RECEIVED)),
            unassigned=Count("pk", filter=Q(status=S.CLASSIFIED)),
            due_soon=Count("pk", filter=awaiting & Q(deadline__gte=today, deadline__lt=beyond)),
            pending=Count("pk", filter=Q(status=S.ANSWER_PENDING)),
        )
    )
    figures = {row.pop("unit_id"): row for row in rows}
    overdue: dict[int, list[str]] = defaultdict(list)
    late_items = Petition.objects.filter(unit__in=units).overdue().order_by("deadline", "received_at", "pk")
    for unit_id, code in late_items.values_list("unit_id", "code"):
        overdue[unit_id].append(code)
    messages = []
    for unit in units:
        counts = figures.get(unit.pk, {})
        if not any(counts.values()) and not overdue[unit.pk]:
            continue
        subject = f"Tổng hợp ý kiến, kiến nghị ngày {today:%d/%m/%Y} — {unit.name}"
        body = _digest_body(unit, counts, overdue[unit.pk], since, horizon)
        key = f"unit:{unit.pk}:digest:{today.isoformat()}"
        people = _people(staff.coordinators.get(unit.pk, []), key)
        messages += [Message(k, N.DIGEST, address, subject, body, user, unit_id=unit.pk) for k, user, address in people]
    return messages


def _digest_body(unit: Unit, counts: dict, overdue: list[str], since: dt.datetime, horizon: dt.date) -> str:
    lines = [
        f"{unit.name}: tình hình ý kiến, kiến nghị",
        f"- Mới tiếp nhận (từ ngày {since:%d/%m/%Y}): {counts.get('new', 0)}",
        f"- Chờ phân loại: {counts.get('unclassified', 0)}",
        f"- Đã phân loại, chờ giao xử lý: {counts.get('unassigned', 0)}",
        f"- Quá hạn: {len(overdue)}",
        f"- Sắp đến hạn (đến ngày {horizon:%d/%m/%Y}): {counts.get('due_soon', 0)}",
        f"- Chờ duyệt trả lời: {counts.get('pending', 0)}",
    ]
    if overdue:
        shown = overdue[:DIGEST_CODES]
        more = f" (và {len(overdue) - len(shown)} ý kiến khác)" if len(overdue) > len(shown) else ""
        lines.append(f"Ý kiến quá hạn lâu nhất: {', '.join(shown)}{more}")
    lines.append(absolute_url(reverse("portal:staff_home")))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the run


def open_assignments(units: list[Unit]):
    """Current assignments still being handled, with what the messages need (not the petitions' full text)."""
    return (
        Assignment.objects.filter(
            petition__unit__in=units,
            is_current=True,
            status__in=ASSIGNMENT_IN_HAND,
            petition__status__in=OPEN_PETITION,
            deadline__isnull=False,
        )
        .select_related("petition", "lead")
        .only(*ASSIGNMENT_FIELDS)
        .order_by("deadline", "pk")
    )


def collect(units: list[Unit], today: dt.date, *, before: int, escalate_after: int, **_options) -> list[Message]:
    """The petitions' messages today calls for (already-sent ones included: `send` skips them); registered with
    notifications.reminders by PetitionsConfig.ready()."""
    assignments = list(open_assignments(units))
    earliest = min([a.deadline for a in assignments] + [today - dt.timedelta(days=60)])
    cal = WorkCalendar(earliest, today + dt.timedelta(days=before * 3 + 30))
    staff = Staff.load([u.pk for u in units])
    messages = digest_messages(units, today, cal, staff, before)
    for assignment in assignments:
        messages += assignment_messages(assignment, today, cal, staff, before=before, escalate_after=escalate_after)
    return messages


def is_day_off(today: dt.date) -> bool:
    off, working = deadlines.calendar_exceptions(today, today)
    return not workdays.is_working_day(today, off, working)


def run(
    *,
    before: int | None = None,
    escalate_after: int | None = None,
    units=None,
    any_day: bool = False,
) -> Counter:
    """Send today's reminders and digests; safe to run many times a day. Returns the count queued per kind.

    On a day off (weekend, holiday, the state's extra day off) nothing is sent unless `any_day`: the first run of
    the next working day catches up, since every reminder is keyed by its event, not by the day it is sent."""
    today = clock.today()
    before = settings.REMIND_BEFORE if before is None else before
    escalate_after = settings.ESCALATE_AFTER if escalate_after is None else escalate_after
    if before < 0 or escalate_after < 0:
        raise ValueError("before and escalate_after must not be negative")
    if not any_day and is_day_off(today):
        logger.info("Hôm nay (%s) là ngày nghỉ: không gửi nhắc việc.", today.isoformat())
        return Counter()
    units = list(units if units is not None else Unit.objects.filter(level=Unit.Level.COMMUNE).order_by("pk"))
    if not units:
        return Counter()
    messages = notifications_reminders.collect(units, today, before=before, escalate_after=escalate_after)
    queued = notifications_reminders.send(messages)
    logger.info(
        "Nhắc việc ngày %s: %s thông báo cần gửi, %s thông báo mới.",
        today.isoformat(),
        len(messages),
        sum(queued.values()),
    )
    return queued
